"""Import and export of past grants in the 360Giving Data Standard.

Imports are all-or-nothing: the whole file is parsed and validated first
(:mod:`evidencehub.core.funding.giving360`); if any row has an error nothing is
written and :class:`ImportFailed` carries the row-level report. Identical
repeated rows are reported as duplicates and loaded once. A grant already in
the database (same identifier) is updated; a recipient that was anonymised
stays anonymised.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.funding.models import Funder, ImportBatch, PastGrant
from evidencehub.core.funding.giving360 import (
    Giving360Error,
    ParseResult,
    anonymise,
    build_package,
    parse_award_date,
    parse_file,
)
from evidencehub.core.funding.text import index_text

BATCH_SIZE = 2000


class ImportFailed(Exception):
    """Nothing was imported. ``report`` is the row-level report (see
    :func:`report_dict`)."""

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.report = report


def report_dict(
    name: str, parsed: ParseResult | None, error: str = ""
) -> dict[str, Any]:
    """The report shown to people and returned by the API and CLI::

    {"file": str, "ok": bool, "error": str, "notes": [str],
     "grants": int, "duplicates": [{"row", "id", "messages"}],
     "errors": [{"row", "id", "messages"}]}
    """
    if parsed is None:
        return {
            "file": name,
            "ok": False,
            "error": error,
            "notes": [],
            "grants": 0,
            "duplicates": [],
            "errors": [],
        }
    return {
        "file": name,
        "ok": not parsed.errors and not error,
        "error": error,
        "notes": parsed.notes,
        "grants": len(parsed.grants),
        "duplicates": [
            {"row": r.row, "id": r.grant_id, "messages": r.messages}
            for r in parsed.duplicates
        ],
        "errors": [
            {"row": r.row, "id": r.grant_id, "messages": r.messages}
            for r in parsed.errors
        ],
    }


def _first(items: Any) -> dict[str, Any]:
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def grant_columns(grant: dict[str, Any]) -> dict[str, Any]:
    """Model columns copied out of a (valid) 360Giving grant."""
    funder = _first(grant.get("fundingOrganization"))
    recipient = _first(grant.get("recipientOrganization"))
    individual = _first(grant.get("recipientIndividual"))
    who = recipient or individual
    places = [p for p in grant.get("beneficiaryLocation") or [] if isinstance(p, dict)]
    countries = sorted({p["countryCode"] for p in places if p.get("countryCode")})
    award = parse_award_date(str(grant["awardDate"]))
    if award is None:  # pragma: no cover - check_grant rejected such rows
        raise ValueError(f"awardDate: {grant['awardDate']!r} is not a date")
    return {
        "title": str(grant["title"])[:500],
        "description": str(grant.get("description", "")),
        "currency": str(grant["currency"]),
        "amount_awarded": Decimal(str(grant["amountAwarded"])),
        "award_date": award,
        "funding_org_id": str(funder.get("id", ""))[:200],
        "funding_org_name": str(funder.get("name", ""))[:400],
        "recipient_id": str(who.get("id", ""))[:200],
        "recipient_name": str(who.get("name", ""))[:400],
        "recipient_is_individual": bool(individual) and not recipient,
        "countries": countries,
        "programme_title": str(_first(grant.get("grantProgramme")).get("title", ""))[
            :400
        ],
    }


def _search_text(columns: dict[str, Any], region: str) -> str:
    return index_text(
        columns["title"],
        columns["description"],
        columns["funding_org_name"],
        columns["recipient_name"],
        columns["programme_title"],
        region,
    )


@transaction.atomic
def import_360giving(
    *,
    actor: User | None,
    name: str,
    data: bytes,
    anonymise_ids: dict[str, str] | None = None,
) -> ImportBatch:
    """Import a 360Giving JSON package, CSV or XLSX file.

    ``anonymise_ids`` maps grant identifiers to the region to keep for
    recipients to publish anonymously.

    Raises:
        ImportFailed: the file cannot be read or any row is invalid; nothing
            is written.
    """
    try:
        parsed = parse_file(name, data)
    except Giving360Error as exc:
        raise ImportFailed(str(exc), report_dict(name, None, str(exc))) from None
    report = report_dict(name, parsed)
    if parsed.errors:
        raise ImportFailed(
            f"{len(parsed.errors)} row(s) have errors; nothing was imported.", report
        )
    grants = parsed.grants
    anonymise_ids = anonymise_ids or {}
    publisher = parsed.metadata.get("publisher")
    batch = ImportBatch.objects.create(
        filename=name[:300],
        file_format=name.rsplit(".", 1)[-1].lower()[:10],
        publisher=str(publisher.get("name", ""))[:300]
        if isinstance(publisher, dict)
        else "",
        imported_by=actor if actor is not None and actor.pk else None,
        duplicates=len(parsed.duplicates),
    )
    ids = [str(g["id"]) for g in grants]
    existing: dict[str, PastGrant] = {}
    for start in range(0, len(ids), 500):
        for found in PastGrant.objects.filter(identifier__in=ids[start : start + 500]):
            existing[found.identifier] = found
    funders = dict(Funder.objects.exclude(org_id="").values_list("org_id", "id"))
    to_create: list[PastGrant] = []
    to_update: list[PastGrant] = []
    for grant in grants:
        identifier = str(grant["id"])
        old = existing.get(identifier)
        region = ""
        anonymous = identifier in anonymise_ids or (
            old is not None and old.recipient_anonymised
        )
        if anonymous:
            region = anonymise_ids.get(identifier) or (old.region if old else "")
            country = _first(grant.get("beneficiaryLocation")).get("countryCode", "")
            grant = anonymise(grant, region=region, country=country)
        columns = grant_columns(grant)
        row = old or PastGrant(identifier=identifier)
        for key, value in columns.items():
            setattr(row, key, value)
        row.recipient_anonymised = anonymous
        row.region = region
        row.data = grant
        row.batch = batch
        row.funder_id = funders.get(columns["funding_org_id"])
        row.search_text = _search_text(columns, region)
        (to_update if old else to_create).append(row)
    PastGrant.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        now = timezone.now()
        for row in to_update:
            row.updated_at = now
        PastGrant.objects.bulk_update(
            to_update,
            [
                *grant_columns(grants[0]).keys(),
                "recipient_anonymised",
                "region",
                "data",
                "batch",
                "funder",
                "search_text",
                "updated_at",
            ],
            batch_size=500,
        )
    batch.created = len(to_create)
    batch.updated = len(to_update)
    batch.report = report
    batch.save()
    audit_record(
        action="evidencehub.funder_import.completed",
        actor=actor,
        obj=batch,
        data={
            "file": name,
            "created": batch.created,
            "updated": batch.updated,
            "duplicates": batch.duplicates,
        },
        actor_label="" if actor else "command line",
    )
    return batch


@transaction.atomic
def anonymise_recipient(
    *, actor: User | None, grant: PastGrant, region: str, description: str | None = None
) -> PastGrant:
    """Publish ``grant``'s recipient as "Anonymous Recipient", keeping only
    ``region`` as location (360Giving guidance for sensitive recipients).
    Identifying data is removed from the stored grant, so every page, search
    and export built on it honours the choice. ``description`` replaces a
    description that names the recipient."""
    country = _first(grant.data.get("beneficiaryLocation")).get("countryCode", "")
    data = anonymise(grant.data, region=region.strip()[:200], country=country)
    if description is not None:
        data["description"] = description
    columns = grant_columns(data)
    for key, value in columns.items():
        setattr(grant, key, value)
    grant.data = data
    grant.recipient_anonymised = True
    grant.region = region.strip()[:200]
    grant.search_text = _search_text(columns, grant.region)
    grant.save()
    audit_record(
        action="evidencehub.past_grant.anonymised",
        actor=actor,
        obj=grant,
        actor_label="" if actor else "command line",
    )
    return grant


def export_package(
    grants: Any, *, publisher_name: str = "Prevention Evidence Hub", title: str = ""
) -> dict[str, Any]:
    """A valid 360Giving package of ``grants`` (a queryset or list of
    :class:`PastGrant`), built from the stored (already anonymised) data."""
    items = [g.data for g in grants]
    today = timezone.now().date()
    return build_package(
        items,
        publisher_name=publisher_name,
        title=title or f"Past grants exported on {today.isoformat()}",
        issued=today,
        description=(
            "Grants held by this Prevention Evidence Hub, as their publishers "
            "released them under the 360Giving Data Standard; recipients marked "
            "sensitive are anonymised with location reduced to a region."
        ),
    )
