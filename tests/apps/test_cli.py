"""The `evidencehub` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evidencehub import cli


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EVIDENCEHUB_", "SECRET_KEY", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "evidencehub", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command", [[], ["run"], ["serve"], ["demo"], ["createadmin"], ["check"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: evidencehub" in result.stdout


def test_django_commands_pass_through(tmp_path: Path) -> None:
    result = run(
        "migrate",
        "--help",
        env={"EVIDENCEHUB_DEMO": "1", "EVIDENCEHUB_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Updates database schema" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run("check", env={"EVIDENCEHUB_VAR_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        "SECRET_KEY": "k" * 20 + "-production-test-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "evidence.example.org",
        "EVIDENCEHUB_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = run("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_mode_is_not_production_safe(tmp_path: Path) -> None:
    result = run(
        "check",
        "--deploy",
        env={"EVIDENCEHUB_DEMO": "1", "EVIDENCEHUB_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 1


def test_gunicorn_access_log_leaves_out_addresses_and_browsers() -> None:
    argv = cli._gunicorn_argv("127.0.0.1", 8000, 2)
    log_format = argv[argv.index("--access-logformat") + 1]
    for field in ("%(h)s", "%(a)s", "%(r)s", "%({x-forwarded-for}i)s"):
        assert field not in log_format


@pytest.mark.django_db
def test_createadmin_makes_a_platform_admin(capsys: Any) -> None:
    from evidencehub.apps.accounts.models import User

    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "createadmin",
                "--email",
                "Root@Example.org",
                "--password",
                "a-long-admin-pass-91",
            ]
        )
    assert exit_info.value.code == 0
    user = User.objects.get(email="root@example.org")
    assert user.is_superuser and user.check_password("a-long-admin-pass-91")


@pytest.mark.django_db
def test_createadmin_names_the_bad_field(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "createadmin",
                "--email",
                "not-an-address",
                "--password",
                "a-long-admin-pass-91",
            ]
        )
    assert exit_info.value.code == 2
    assert "email" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["createadmin", "--email", "ok@example.org", "--password", "short"])
    assert "password" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_is_idempotent_and_covers_every_role_and_type() -> None:
    from evidencehub.apps.accounts.models import (
        ConsortiumMembership,
        Membership,
        Organisation,
        User,
    )
    from evidencehub.apps.initiatives.models import (
        EvaluationQuestion,
        Initiative,
        InterventionType,
    )
    from evidencehub.demo.loader import load_demo

    first = load_demo(extensions=False)
    assert first == {"organisations": 3, "initiatives": 6, "users": 8}
    counts = (
        Organisation.objects.count(),
        Initiative.objects.count(),
        User.objects.count(),
        EvaluationQuestion.objects.count(),
    )
    again = load_demo(extensions=False)
    assert again == {"organisations": 0, "initiatives": 0, "users": 0}
    assert counts == (
        Organisation.objects.count(),
        Initiative.objects.count(),
        User.objects.count(),
        EvaluationQuestion.objects.count(),
    )
    assert len({o.country for o in Organisation.objects.all()}) == 3
    types = set(Initiative.objects.values_list("intervention_type", flat=True))
    assert types == set(InterventionType.values) - {"other"}
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "admin",
        "analyst",
        "staff",
        "viewer",
    }
    assert ConsortiumMembership.objects.filter(role="evaluator").exists()
    assert User.objects.filter(is_superuser=True).exists()
    assert all("(demo)" in o.name for o in Organisation.objects.all())
    for initiative in Initiative.objects.all():
        assert initiative.logic_model.inputs
        assert initiative.evaluation_plan.questions.exists()


@pytest.mark.django_db
def test_demo_reset_rebuilds_without_duplicates() -> None:
    from evidencehub.apps.initiatives.models import Initiative
    from evidencehub.demo.loader import INITIATIVES, load_demo

    load_demo()
    load_demo(reset=True)
    # each core demo initiative once; extensions may add their own (each once)
    core = [spec["slug"] for spec in INITIATIVES]
    assert Initiative.objects.filter(slug__in=core).count() == 6
    names = list(Initiative.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
