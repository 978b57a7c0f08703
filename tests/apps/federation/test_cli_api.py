"""`evidencehub bundle ...` and /api/v1/bundles/: messages, exit codes, roles."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from evidencehub import cli
from evidencehub.apps.federation.models import ImportedBundle, TrustedPublisher
from evidencehub.apps.federation.services import bundle_export, signing_key
from evidencehub.core.federation import (
    MAX_BUNDLE_BYTES,
    fingerprint,
    generate_private_key,
    public_key_text,
)

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("bundle", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_key_prints_the_public_key_and_fingerprint(figures: Any) -> None:
    out, _err = run("key")
    key = signing_key()
    assert f"public key:  {public_key_text(key)}" in out
    assert f"fingerprint: {fingerprint(key)}" in out
    assert "PRIVATE" not in out


def test_export_trust_import_round_trip(figures: Any, tmp_path: Path) -> None:
    target = tmp_path / "org-a-2026.json"
    out, _err = run(
        "export", "--organisation", "org-a", "--period", "2026", "-o", str(target)
    )
    assert "1 initiatives, 3 figures (1 suppressed)" in out
    doc = json.loads(target.read_text())
    assert doc["publisher"]["organisation"] == "org-a"
    out, _err = run(
        "trust", "--name", "Org A", "--public-key", public_key_text(signing_key())
    )
    assert out.startswith("trusted Org A: sha256:")
    out, _err = run("import", str(target))
    assert f"{target}: accepted: Org A (org-a), 2026, 3 figures" in out
    out, _err = run("list")
    assert "org-a" in out and "Org A" in out


def test_export_to_stdout_is_the_bundle(figures: Any) -> None:
    out, err = run("export", "--organisation", "org-b", "--period", "2026")
    assert json.loads(out)["format"] == "evidencehub.aggregate-bundle"
    assert "signed with sha256:" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--organisation", "nobody", "--period", "2026"],
            "--organisation: no organisation",
        ),
        (["--organisation", "org-a", "--period", "20x6"], "--period: Use a year"),
        (["--organisation", "org-a", "--period", "2024"], "period: No KPI results"),
    ],
)
def test_export_errors_name_the_option(
    figures: Any, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("export", *args)


def test_import_reports_each_file_and_fails_when_any_is_refused(
    figures: Any, tmp_path: Path
) -> None:
    run("trust", "--name", "Self", "--public-key", public_key_text(signing_key()))
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(bundle_export(organisation=figures.org_a, period=PERIOD))
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{oops")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (MAX_BUNDLE_BYTES + 10))
    missing = tmp_path / "missing.json"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 of 4 bundles refused"):
        call_command(
            "bundle",
            "import",
            str(good),
            str(broken),
            str(huge),
            str(missing),
            stdout=out,
            stderr=err,
        )
    assert f"{good}: accepted" in out.getvalue()
    assert f"{broken}: refused: Refused: malformed JSON" in err.getvalue()
    assert f"{huge}: refused: Refused: too large" in err.getvalue()
    assert f"{missing}: refused: cannot read" in err.getvalue()
    assert ImportedBundle.objects.count() == 1


def test_the_evidencehub_command_exits_non_zero_on_refusal(
    figures: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    from django.db import connections

    # A management command closes the connections when it ends; the test's
    # database has to stay open for the next step.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    signed = tmp_path / "unknown-key.json"
    signed.write_text(
        json.dumps(bundle_export(organisation=figures.org_a, period=PERIOD))
    )
    with pytest.raises(SystemExit) as info:
        cli.main(["bundle", "import", str(signed)])
    assert info.value.code == 1
    assert "unknown key" in capsys.readouterr().err
    cli.main(
        [
            "bundle",
            "trust",
            "--name",
            "Self",
            "--public-key",
            public_key_text(signing_key()),
        ]
    )
    cli.main(["bundle", "import", str(signed)])
    assert "accepted" in capsys.readouterr().out


def test_trust_refuses_a_bad_key_naming_the_field(cast: Any, key_file: Path) -> None:
    with pytest.raises(CommandError, match="public_key: the public key is not base64"):
        run("trust", "--name", "X", "--public-key", "%%%")
    assert TrustedPublisher.objects.count() == 0


def test_api_lists_bundles_for_platform_admins_and_evaluators(
    figures: Any, api_for: Any
) -> None:
    api = api_for(figures.platform_admin)
    run("trust", "--name", "Self", "--public-key", public_key_text(signing_key()))
    body = json.dumps(bundle_export(organisation=figures.org_a, period=PERIOD))
    created = api.post("/api/v1/bundles/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["organisation"] == "org-a"
    assert created.json()["figures"] == 3
    for user in (figures.platform_admin, figures.evaluator):
        listed = api_for(user).get("/api/v1/bundles/")
        assert listed.status_code == 200
        assert [b["period"] for b in listed.json()] == ["2026"]
    assert api_for(figures.admin_a).get("/api/v1/bundles/").status_code == 403


def test_api_refuses_bad_bundles_with_400_and_imports_only_for_admins(
    figures: Any, api_for: Any
) -> None:
    body = json.dumps(bundle_export(organisation=figures.org_a, period=PERIOD))
    api = api_for(figures.platform_admin)
    unknown = api.post("/api/v1/bundles/", body, content_type="application/json")
    assert unknown.status_code == 400
    assert "unknown key" in unknown.json()["bundle"][0]
    bad = api.post("/api/v1/bundles/", "{nope", content_type="application/json")
    assert bad.status_code == 400
    assert "malformed JSON" in bad.json()["bundle"][0]
    other = generate_private_key()
    assert fingerprint(other) not in body
    big = api.post(
        "/api/v1/bundles/",
        b" " * (MAX_BUNDLE_BYTES + 1),
        content_type="application/json",
    )
    assert big.status_code == 400
    assert "too large" in big.json()["bundle"][0]
    for user in (figures.evaluator, figures.admin_a):
        denied = api_for(user).post(
            "/api/v1/bundles/", body, content_type="application/json"
        )
        assert denied.status_code == 403
    assert ImportedBundle.objects.count() == 0


def test_a_large_export_is_written_compact_and_a_too_large_one_refused(
    figures: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from evidencehub.apps.federation import services
    from evidencehub.apps.federation.management.commands import bundle as command

    doc = bundle_export(organisation=figures.org_a, period=PERIOD)
    compact = len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
    monkeypatch.setattr(command, "MAX_BUNDLE_BYTES", compact + 10)
    target = tmp_path / "a.json"
    run("export", "--organisation", "org-a", "--period", "2026", "-o", str(target))
    assert "\n" not in target.read_text()
    monkeypatch.setattr(services, "MAX_BUNDLE_BYTES", 1000)
    with pytest.raises(CommandError, match="period: The bundle would be larger"):
        run("export", "--organisation", "org-a", "--period", "2026")


def test_revoke_on_the_command_line(cast: Any, key_file: Path) -> None:
    key = public_key_text(generate_private_key())
    out, _err = run("trust", "--name", "Old key", "--public-key", key)
    print_ = out.rsplit(" ", 1)[-1].strip()
    out, _err = run("revoke", "--fingerprint", print_)
    assert out.startswith("revoked Old key: sha256:")
    out, _err = run("list")
    assert "revoked" in out
    with pytest.raises(CommandError, match="fingerprint: Already revoked"):
        run("revoke", "--fingerprint", print_)


def test_api_export_for_members_who_may_export(figures: Any, api_for: Any) -> None:
    url = "/api/v1/organisations/org-a/bundle/?period=2026"
    for user in (figures.admin_a, figures.analyst_a):
        got = api_for(user).get(url)
        assert got.status_code == 200, got.content
        assert got.json()["publisher"]["organisation"] == "org-a"
        assert "org-a-2026.bundle.json" in got["Content-Disposition"]
    assert api_for(figures.viewer_a).get(url).status_code == 403
    for outsider in (figures.admin_b, figures.evaluator):
        assert api_for(outsider).get(url).status_code == 404
    bad = api_for(figures.admin_a).get("/api/v1/organisations/org-a/bundle/?period=x")
    assert bad.status_code == 400 and "period" in bad.json()
    empty = api_for(figures.admin_a).get(
        "/api/v1/organisations/org-a/bundle/?period=2024"
    )
    assert empty.status_code == 400
    assert "No KPI results" in empty.json()["period"][0]
    # What the API hands out is accepted by a hub that trusts the key.
    run("trust", "--name", "Org A", "--public-key", public_key_text(signing_key()))
    doc = api_for(figures.admin_a).get(url).content
    hub = api_for(figures.platform_admin)
    created = hub.post("/api/v1/bundles/", doc, content_type="application/json")
    assert created.status_code == 201
