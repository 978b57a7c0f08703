"""The `evidencehub` command (also `python -m evidencehub`).

Own commands: ``run``, ``serve``, ``demo``, ``createadmin`` and ``check``. Any
other command is passed to Django's management commands (``migrate``,
``makemigrations``, ``shell``, ...). ``evidencehub <command> --help`` explains
each one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evidencehub.demo.loader import DemoLogin

OWN_COMMANDS = ("run", "serve", "demo", "createadmin", "check")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidencehub.config.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def cmd_demo(args: argparse.Namespace) -> int:
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("EVIDENCEHUB_DEMO", "1")
    _setup()
    _migrate()
    from evidencehub.demo.loader import demo_logins, load_demo

    created = load_demo(reset=args.reset)
    print(
        f"Demo data loaded (synthetic): {created['organisations']} organisations, "
        f"{created['initiatives']} initiatives and {created['users']} people added."
    )
    _print_logins(demo_logins())
    return 0


def _print_logins(logins: Sequence[DemoLogin]) -> None:
    from evidencehub.demo.loader import DEMO_PASSWORD

    print(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        print(f"  {login.email:<28} {login.role}")


def _gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    # The access log format leaves out the client address (%(h)s) and the
    # browser string (%(a)s): neither may be stored or logged.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "evidencehub.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "--no-control-socket",
        "--logger-class",
        "evidencehub.serving.RedactingLogger",
    ]


def _prepare_static() -> None:
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    _prepare_static()
    print(
        f"Serving Prevention Evidence Hub on http://{args.host}:{args.port}/",
        flush=True,
    )
    argv = _gunicorn_argv(args.host, args.port, args.workers)
    os.execv(argv[0], argv)  # noqa: S606 - replace this process with gunicorn
    return 0  # pragma: no cover - execv does not return


def demo_wanted(environ: Mapping[str, str]) -> bool:
    """`run` loads the demo unless this is a real installation (SECRET_KEY set
    and demo mode not asked for)."""
    return not environ.get("SECRET_KEY") or environ.get("EVIDENCEHUB_DEMO", "") not in (
        "",
        "0",
        "false",
    )


def worker_argv() -> list[str]:
    """The background worker (django-tasks database backend) that renders
    report PDFs and large exports; `run` starts it beside the web server."""
    return [sys.executable, "-m", "evidencehub", "db_worker", "--no-reload"]


def _start_worker() -> None:
    import subprocess

    # Same process group as the server, so Ctrl+C stops both.
    subprocess.Popen(worker_argv())  # noqa: S603 - fixed argv, no shell


def cmd_run(args: argparse.Namespace) -> int:
    # With a SECRET_KEY this is a real installation: migrate and serve, but never
    # add demo accounts with a published password to it.
    demo = demo_wanted(os.environ)
    if demo:
        os.environ.setdefault("EVIDENCEHUB_DEMO", "1")
    os.environ.setdefault("EVIDENCEHUB_BASE_URL", f"http://{args.host}:{args.port}")
    _setup()
    _migrate()
    from evidencehub.demo.loader import demo_logins, load_demo

    if demo:
        load_demo()
    _prepare_static()
    print()
    print(f"Prevention Evidence Hub is running at http://{args.host}:{args.port}/")
    if demo:
        _print_logins(demo_logins())
    else:
        print("SECRET_KEY is set: demo data was not loaded.")
    print("Stop it with Ctrl+C.", flush=True)
    _start_worker()
    argv = _gunicorn_argv(args.host, args.port, args.workers)
    os.execv(argv[0], argv)  # noqa: S606 - replace this process with gunicorn
    return 0  # pragma: no cover


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup()
    import getpass

    from django.core.exceptions import ValidationError

    from evidencehub.apps.accounts.services import user_create

    password = args.password or os.environ.get("EVIDENCEHUB_ADMIN_PASSWORD")
    if not password:
        password = getpass.getpass("Password: ")
    try:
        user_create(email=args.email, password=password, is_superuser=True)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                print(f"error: {field}: {error}", file=sys.stderr)
        return 2
    print(f"Platform admin {args.email} created.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        if args.deploy:
            call_command("check", deploy=True, fail_level="WARNING")
        else:
            call_command("check")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidencehub",
        description=(
            "Prevention Evidence Hub. Commands other than those listed are passed "
            "to Django's management commands (e.g. `evidencehub migrate`)."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=func)
        return p

    for name, func, text in (
        (
            "run",
            cmd_run,
            "Migrate, load the demo data and serve (what `make run` does).",
        ),
        ("serve", cmd_serve, "Serve the product with gunicorn and whitenoise."),
    ):
        p = add(name, func, text)
        p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        p.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
    demo = add("demo", cmd_demo, "Load the synthetic demo data (idempotent).")
    demo.add_argument(
        "--reset", action="store_true", help="delete the demo records first"
    )
    admin = add("createadmin", cmd_createadmin, "Create a platform admin account.")
    admin.add_argument("--email", required=True)
    admin.add_argument(
        "--password", help="default: $EVIDENCEHUB_ADMIN_PASSWORD, else asked for"
    )
    check = add("check", cmd_check, "Check the configuration.")
    check.add_argument(
        "--deploy",
        action="store_true",
        help="also the production checks; warnings fail",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if (
        args_list
        and args_list[0] not in OWN_COMMANDS
        and not args_list[0].startswith("-")
    ):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidencehub.config.settings")
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line

        try:
            execute_from_command_line(["evidencehub", *args_list])
        except ImproperlyConfigured as exc:
            print(f"evidencehub: configuration error: {exc}", file=sys.stderr)
            sys.exit(2)
        return
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not hasattr(args, "func"):
        parser.print_help()
        sys.exit(0)
    from django.core.exceptions import ImproperlyConfigured

    try:
        sys.exit(args.func(args))
    except ImproperlyConfigured as exc:
        print(f"evidencehub: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
