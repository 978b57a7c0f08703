"""``evidencehub bundle export|import|key|trust|list``: signed aggregate
bundles between instances (docs/how-to/share-across-organisations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.federation import selectors, services
from evidencehub.core.federation import (
    MAX_BUNDLE_BYTES,
    canonical_json,
    fingerprint,
    public_key_text,
)
from evidencehub.core.kpis.results import PeriodError, parse_period


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
        )
    return "; ".join(exc.messages)


def _read(path: str) -> bytes:
    """At most one byte over the cap, so a huge file is never read whole."""
    with Path(path).open("rb") as fh:
        return fh.read(MAX_BUNDLE_BYTES + 1)


class Command(BaseCommand):
    help = "Signed aggregate bundles: export, import, show, trust or revoke keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        e = sub.add_parser("export", help="Write a signed bundle of protected figures.")
        e.add_argument("--organisation", required=True, help="organisation slug")
        e.add_argument("--period", required=True, help="2026, 2026-Q1, 2026-03, a..b")
        e.add_argument("-o", "--output", default="", help="file (default: stdout)")
        i = sub.add_parser("import", help="Verify and import bundles (on a hub).")
        i.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("key", help="Print this instance's public key and fingerprint.")
        t = sub.add_parser("trust", help="Accept bundles signed with a public key.")
        t.add_argument("--name", required=True, help="who the key belongs to")
        t.add_argument("--public-key", required=True, help="base64, from `bundle key`")
        r = sub.add_parser("revoke", help="Stop trusting a key (lost or leaked).")
        r.add_argument("--fingerprint", required=True, help="sha256:...")
        sub.add_parser("list", help="Trusted publishers and imported bundles.")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(**opts)

    def _export(self, **opts: Any) -> None:
        organisation = Organisation.objects.filter(slug=opts["organisation"]).first()
        if organisation is None:
            raise CommandError(
                f"--organisation: no organisation {opts['organisation']!r}."
            )
        try:
            period = parse_period(opts["period"])
            doc = services.bundle_export(organisation=organisation, period=period)
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if len(text.encode("utf-8")) > MAX_BUNDLE_BYTES:
            # Indentation would push it over the hub's size cap.
            text = canonical_json(doc).decode("utf-8")
        figures = [f for i in doc["initiatives"] for f in i["results"]]
        withheld = sum(1 for f in figures if f["suppressed"])
        signer = doc["signature"]["key_fingerprint"]
        summary = (
            f"{len(doc['initiatives'])} initiatives, {len(figures)} figures "
            f"({withheld} suppressed), signed with {signer}"
        )
        if opts["output"]:
            try:
                Path(opts["output"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    f"--output: {exc.strerror}: {opts['output']}"
                ) from None
            self.stdout.write(f"wrote {opts['output']}: {summary}")
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(summary)

    def _import(self, **opts: Any) -> None:
        refused = 0
        for path in opts["files"]:
            try:
                bundle = services.bundle_import(data=_read(path))
            except OSError as exc:
                refused += 1
                self.stderr.write(f"{path}: refused: cannot read ({exc.strerror}).")
                continue
            except ValidationError as exc:
                refused += 1
                self.stderr.write(f"{path}: refused: {' '.join(exc.messages)}")
                continue
            self.stdout.write(
                f"{path}: accepted: {bundle.organisation_name} "
                f"({bundle.organisation_slug}), {bundle.period_label}, "
                f"{bundle.figures.count()} figures, sha256 {bundle.sha256[:16]}"
            )
        if refused:
            raise CommandError(f"{refused} of {len(opts['files'])} bundles refused.")

    def _key(self, **opts: Any) -> None:
        try:
            key = services.signing_key()
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"public key:  {public_key_text(key)}")
        self.stdout.write(f"fingerprint: {fingerprint(key)}")
        self.stdout.write(f"key file:    {services.key_path()}")

    def _trust(self, **opts: Any) -> None:
        try:
            publisher = services.trust_publisher(
                name=opts["name"], public_key=opts["public_key"]
            )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"trusted {publisher.name}: {publisher.fingerprint}")

    def _revoke(self, **opts: Any) -> None:
        try:
            publisher = services.revoke_publisher(key_fingerprint=opts["fingerprint"])
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"revoked {publisher.name}: {publisher.fingerprint}")

    def _list(self, **opts: Any) -> None:
        self.stdout.write("trusted publishers:")
        for p in selectors.trusted_publishers():
            revoked = f", revoked {p.revoked_at:%Y-%m-%d}" if p.revoked_at else ""
            self.stdout.write(
                f"  {p.name:<30} {p.fingerprint}  added {p.added_at:%Y-%m-%d}{revoked}"
            )
        self.stdout.write("imported bundles:")
        for row in selectors.imported_bundles():
            b = row.bundle
            self.stdout.write(
                f"  {b.organisation_slug:<20} {b.period_label:<10} "
                f"{row.figures:>5} figures  {b.sha256[:16]}  "
                f"imported {b.imported_at:%Y-%m-%d %H:%M}"
            )
