"""Writes of the funders database. Every write is validated (errors name the
field), atomic, keeps history (:class:`RecordChange`) for public records and
is audited.

Seed loading (:func:`load_seed`) is faithful: every field of a seed record is
stored verbatim in the field of the same name (``*_text`` where a structured
value sits next to it); derived values (facet tags, parsed dates and
amounts) only ever *add* to it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.funding.models import (
    Call,
    CallShare,
    CallStatus,
    Deadline,
    DeadlineModel,
    Funder,
    FundingProfile,
    Origin,
    PersonSettings,
    Programme,
    RecordChange,
    SavedSearch,
    Submission,
    WatchedCall,
    record_snapshot,
)

__all__ = ["record_snapshot"]
from evidencehub.core.funding.deadlines import parse_deadlines
from evidencehub.core.funding.text import index_text
from evidencehub.core.funding.vocab import (
    FUNDER_TYPES,
    LEGAL_FORMS,
    SIZE_BANDS,
    THEMES,
    countries_from_text,
    country_name,
    funder_type_from_text,
    themes_from_text,
)
from evidencehub.core.validation import normalise_country, normalise_language

SEED_PATH = Path(__file__).resolve().parent / "seed" / "funders_seed.json"
SEED_FIELDS = (
    "id",
    "record_type",
    "name",
    "parent",
    "funder_type",
    "country_region",
    "website",
    "focus_themes",
    "eligibility",
    "typical_grant_size",
    "programme_names",
    "call_identifier",
    "opening_date",
    "deadline",
    "deadline_model",
    "total_budget",
    "funding_rate",
    "status_note",
    "sources",
    "notes",
)
# Seed field -> model field holding it verbatim (same for all three kinds).
SEED_TO_MODEL = {
    "name": "name",
    "funder_type": "funder_type_text",
    "country_region": "country_region_text",
    "website": "website",
    "focus_themes": "focus_themes",
    "eligibility": "eligibility",
    "typical_grant_size": "typical_grant_size_text",
    "programme_names": "programme_names",
    "call_identifier": "call_identifier",
    "opening_date": "opening_date_text",
    "deadline": "deadline_text",
    "deadline_model": "deadline_model_text",
    "total_budget": "total_budget_text",
    "funding_rate": "funding_rate_text",
    "status_note": "status_note",
    "sources": "sources",
    "notes": "notes",
}
HISTORY_FIELDS = [
    *SEED_TO_MODEL.values(),
    "funder_type",
    "countries",
    "global_scope",
    "themes",
    "last_verified_on",
    "verified_by",
]
CALL_FIELDS = [
    "status",
    "opening_date",
    "deadline_model",
    "rolling",
    "currency",
    "total_budget",
    "min_grant",
    "max_grant",
    "funding_rate",
    "eligible_org_types",
    "eligible_sizes",
    "languages",
    "min_partners",
    "min_countries",
    "regranting",
    "who_can_apply",
    "plain_summary",
    "url",
    "topic_identifier",
]
MODELS: dict[str, type[Funder] | type[Programme] | type[Call]] = {
    "funder": Funder,
    "programme": Programme,
    "call": Call,
}
_AMOUNT = re.compile(
    r"^(?P<cur>EUR|GBP|USD|CHF)\s+(?P<num>[\d,]+(?:\.\d+)?)(?P<mil>\s+million)?"
    r"(?:\s*\([^)]*\))?$"
)
_RATE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d+)?)\s*%(?:\s*\([^)]*\))?$")


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    """``"EUR 30,500,000"`` -> (30500000, "EUR"); ``"EUR 16 million"`` ->
    (16000000, "EUR"). Anything less plain gives ``(None, "")``: we do not
    read amounts out of sentences."""
    found = _AMOUNT.match((text or "").strip())
    if not found:
        return None, ""
    number = Decimal(found.group("num").replace(",", ""))
    if found.group("mil"):
        number *= 1_000_000
    return number, found.group("cur")


def parse_rate(text: str) -> Decimal | None:
    """``"90% (secondary summary)"`` -> 90."""
    found = _RATE.match((text or "").strip())
    return Decimal(found.group("num")) if found else None


def _source_urls(record: Any) -> list[str]:
    return [s.get("url", "") for s in record.sources if isinstance(s, dict)]


def refresh_search_text(record: Funder | Programme | Call) -> None:
    """Fill ``search_text`` (accent-folded) from the record's words."""
    extra: list[str] = []
    if isinstance(record, Call | Programme) and record.funder is not None:
        extra.append(record.funder.name)
    if isinstance(record, Call):
        if record.programme is not None:
            extra.append(record.programme.name)
        extra += [record.topic_identifier, record.who_can_apply, record.plain_summary]
    extra += [THEMES.get(t, t) for t in record.themes]
    extra += [country_name(c) for c in record.countries]
    record.search_text = index_text(
        record.name,
        record.call_identifier,
        getattr(record, "parent_text", ""),
        record.focus_themes,
        record.eligibility,
        record.notes,
        record.programme_names,
        extra,
    )


def set_deadlines(call: Call, *, now: Any = None) -> None:
    """Replace the call's deadlines with those its ``deadline_text`` states,
    and set ``rolling``, ``first/last_deadline_at``. Saves the call."""
    parsed, rolling = parse_deadlines(call.deadline_text)
    call.deadlines.all().delete()
    rows = [
        Deadline(
            call=call,
            due_date=p.day,
            due_time=p.time,
            utc_offset_minutes=p.utc_offset_minutes,
            zone_label=p.zone_label,
            stage=p.stage,
            due_at=p.due_at(),
        )
        for p in parsed
    ]
    Deadline.objects.bulk_create(rows)
    call.rolling = call.rolling or rolling
    dues = sorted(r.due_at for r in rows)
    call.first_deadline_at = dues[0] if dues else None
    call.last_deadline_at = dues[-1] if dues else None
    call.save()


def _derive(record: Funder | Programme | Call, seed: dict[str, Any]) -> None:
    record.funder_type = funder_type_from_text(seed.get("funder_type", ""))
    codes, is_global = countries_from_text(seed.get("country_region", ""))
    record.countries = codes
    record.global_scope = is_global
    record.themes = themes_from_text([*seed.get("focus_themes", []), seed["name"]])


def _derive_call(call: Call, seed: dict[str, Any], *, today: date) -> None:
    parsed, rolling = parse_deadlines(seed.get("deadline", ""))
    note = (seed.get("status_note") or "").lower()
    if "closed" in note or "historic" in note:
        call.status = CallStatus.CLOSED
    elif rolling:
        call.status = CallStatus.ROLLING
    elif parsed and all(p.day < today for p in parsed):
        call.status = CallStatus.CLOSED
    elif parsed:
        call.status = CallStatus.OPEN
    else:
        call.status = CallStatus.UNKNOWN
    opening = seed.get("opening_date") or ""
    try:
        call.opening_date = date.fromisoformat(opening) if opening else None
    except ValueError:
        call.opening_date = None
    model = (seed.get("deadline_model") or "").strip()
    call.deadline_model = (
        model if model in DeadlineModel.values else "rolling" if rolling else "unknown"
    )
    call.total_budget, call.currency = parse_amount(seed.get("total_budget", ""))
    call.funding_rate = parse_rate(seed.get("funding_rate", ""))
    call.rolling = rolling
    official = [
        s["url"]
        for s in seed.get("sources", [])
        if s.get("kind", "").startswith("official")
    ]
    call.url = seed.get("website") or (official[0] if official else "")


def _named_funder(name: str, child: dict[str, Any]) -> Funder:
    """The funder a programme or call names only in words (``parent``)."""
    key = "named-" + (slugify(name)[:100] or "funder")
    funder = Funder.objects.filter(key=key).first()
    if funder is None:
        funder = Funder(
            key=key,
            name=name,
            named_only=True,
            origin=Origin.SEED,
            funder_type=funder_type_from_text(child.get("funder_type", "")),
            sources=child.get("sources", []),
            notes=(
                f"Named as the funder of the seed record '{child['id']}'; the seed "
                "holds no record of its own for it, so its details are unknown."
            ),
        )
        refresh_search_text(funder)
        funder.save()
    return funder


def _history(
    record: Any,
    *,
    before: dict[str, Any],
    actor: User | None,
    reason: str,
    submission: Submission | None = None,
) -> bool:
    """Store the change of ``record`` since ``before``; True when it changed."""
    after = record_snapshot(record, HISTORY_FIELDS + _extra_fields(record))
    if before == after:
        return False
    changed = {k for k in after if before.get(k) != after.get(k)}
    RecordChange.objects.create(
        record_type=record._meta.model_name,
        record_key=record.key,
        changed_by=actor if actor is not None and actor.pk else None,
        reason=reason,
        submission=submission,
        before={k: before.get(k) for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
    )
    return True


def _extra_fields(record: Any) -> list[str]:
    return CALL_FIELDS if isinstance(record, Call) else []


def _check_seed(records: Any) -> list[dict[str, Any]]:
    if not isinstance(records, list):
        raise ValidationError({"seed": "must be a JSON list of records"})
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ValidationError({f"seed[{index}]": "must be an object"})
        missing = [f for f in ("id", "record_type", "name") if not record.get(f)]
        if missing:
            raise ValidationError({f"seed[{index}]": f"missing {', '.join(missing)}"})
        if record["record_type"] not in MODELS:
            raise ValidationError(
                {f"seed[{index}].record_type": "must be funder, programme or call"}
            )
        unknown = set(record) - set(SEED_FIELDS)
        if unknown:
            raise ValidationError(
                {f"seed[{index}]": f"unknown fields: {', '.join(sorted(unknown))}"}
            )
    return records


@transaction.atomic
def load_seed(*, actor: User | None = None, path: Path | None = None) -> dict[str, int]:
    """Load (or refresh) the researched seed records, idempotently.

    Records are keyed on their ``id``; a changed record is updated and its
    change kept in history. Returns counts ``{"funders", "programmes",
    "calls", "created", "updated"}``.

    Raises:
        ValidationError: the file is not a list of seed records.
    """
    source = path or Path(getattr(settings, "EVIDENCEHUB_FUNDERS_SEED", SEED_PATH))
    records = _check_seed(json.loads(source.read_text("utf-8")))
    today = timezone.now().date()
    created = updated = 0
    by_kind = {"funder": 0, "programme": 0, "call": 0}
    # Funders first, then programmes, then calls: parents before children.
    order = {"funder": 0, "programme": 1, "call": 2}
    for seed in sorted(records, key=lambda r: order[r["record_type"]]):
        kind = seed["record_type"]
        model = MODELS[kind]
        record: Any = model.objects.filter(key=seed["id"]).first()
        is_new = record is None
        if record is None:
            record = model(key=seed["id"])
            before: dict[str, Any] = {}
        else:
            before = record_snapshot(record, HISTORY_FIELDS + _extra_fields(record))
        for seed_field, model_field in SEED_TO_MODEL.items():
            setattr(
                record,
                model_field,
                seed.get(seed_field, type(getattr(record, model_field))()),
            )
        record.origin = Origin.SEED
        _derive(record, seed)
        parent = seed.get("parent") or ""
        if kind in {"programme", "call"}:
            record.parent_text = parent
        if kind == "programme" and parent:
            funder = (
                Funder.objects.filter(key=parent).first()
                or Funder.objects.filter(name=parent).first()
            )
            record.funder = funder or _named_funder(parent, seed)
        if kind == "call":
            programme = Programme.objects.filter(key=parent).first() if parent else None
            record.programme = programme
            if programme is not None:
                record.funder = programme.funder
            elif parent:
                record.funder = Funder.objects.filter(
                    key=parent
                ).first() or _named_funder(parent, seed)
            _derive_call(record, seed, today=today)
        refresh_search_text(record)
        record.save()
        if kind == "call":
            set_deadlines(record)
        changed = _history(record, before=before, actor=actor, reason="seed")
        by_kind[kind] += 1
        created += is_new
        updated += (not is_new) and changed
    audit_record(
        action="evidencehub.funder_seed.loaded",
        actor=actor,
        data={"records": len(records), "created": created},
        actor_label="" if actor else "system",
    )
    return {
        "funders": by_kind["funder"],
        "programmes": by_kind["programme"],
        "calls": by_kind["call"],
        "created": created,
        "updated": updated,
    }


# --- structured calls (admin, demo, accepted submissions) -----------------


def _codes(
    value: Any, *, field: str, allowed: set[str] | None = None, normalise: Any = None
) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        raise ValidationError({field: "must be a list"})
    out: list[str] = []
    for item in value:
        code = str(item).strip()
        if normalise is not None:
            try:
                code = normalise(code)
            except ValueError as exc:
                raise ValidationError({field: str(exc)}) from None
        if allowed is not None and code not in allowed:
            raise ValidationError(
                {field: f"'{code}' is not one of: {', '.join(sorted(allowed))}"}
            )
        if code not in out:
            out.append(code)
    return out


def _decimal(value: Any, *, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: "must be a number"}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: "must be zero or more"})
    return number


CALL_INPUT_FIELDS = {
    "name",
    "call_identifier",
    "funder",
    "programme",
    "status",
    "opening_date",
    "deadline_text",
    "deadline_model",
    "currency",
    "total_budget",
    "min_grant",
    "max_grant",
    "funding_rate",
    "countries",
    "global_scope",
    "themes",
    "eligible_org_types",
    "eligible_sizes",
    "languages",
    "min_partners",
    "min_countries",
    "regranting",
    "who_can_apply",
    "eligibility",
    "plain_summary",
    "url",
    "sources",
    "notes",
    "last_verified_on",
    "focus_themes",
}


def _clean_call(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - CALL_INPUT_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown field"))
    clean = dict(data)
    if "funder" in clean:
        key = clean.pop("funder")
        clean["funder"] = Funder.objects.filter(key=key).first() if key else None
        if key and clean["funder"] is None:
            raise ValidationError({"funder": f"no funder with key '{key}'"})
    if "programme" in clean:
        key = clean.pop("programme")
        clean["programme"] = Programme.objects.filter(key=key).first() if key else None
        if key and clean["programme"] is None:
            raise ValidationError({"programme": f"no programme with key '{key}'"})
    for name in ("total_budget", "min_grant", "max_grant", "funding_rate"):
        if name in clean:
            clean[name] = _decimal(clean[name], field=name)
    if clean.get("funding_rate") is not None and clean["funding_rate"] > 100:
        raise ValidationError({"funding_rate": "must be 100 or less"})
    if (
        clean.get("min_grant") is not None
        and clean.get("max_grant") is not None
        and clean["min_grant"] > clean["max_grant"]
    ):
        raise ValidationError({"max_grant": "is smaller than the smallest grant"})
    if "countries" in clean:
        clean["countries"] = _codes(
            clean["countries"], field="countries", normalise=normalise_country
        )
    if "languages" in clean:
        clean["languages"] = _codes(
            clean["languages"], field="languages", normalise=normalise_language
        )
    if "themes" in clean:
        clean["themes"] = _codes(clean["themes"], field="themes", allowed=set(THEMES))
    if "eligible_org_types" in clean:
        clean["eligible_org_types"] = _codes(
            clean["eligible_org_types"],
            field="eligible_org_types",
            allowed=set(LEGAL_FORMS),
        )
    if "eligible_sizes" in clean:
        clean["eligible_sizes"] = _codes(
            clean["eligible_sizes"], field="eligible_sizes", allowed=set(SIZE_BANDS)
        )
    if "status" in clean and clean["status"] not in CallStatus.values:
        raise ValidationError(
            {"status": f"must be one of: {', '.join(CallStatus.values)}"}
        )
    if (
        "deadline_model" in clean
        and clean["deadline_model"] not in DeadlineModel.values
    ):
        raise ValidationError(
            {"deadline_model": f"must be one of: {', '.join(DeadlineModel.values)}"}
        )
    if "currency" in clean:
        clean["currency"] = str(clean["currency"] or "").upper()
        if clean["currency"] and not re.fullmatch(r"[A-Z]{3}", clean["currency"]):
            raise ValidationError({"currency": "use a three-letter code such as EUR"})
    if "opening_date" in clean and isinstance(clean["opening_date"], str):
        try:
            clean["opening_date"] = (
                date.fromisoformat(clean["opening_date"])
                if clean["opening_date"]
                else None
            )
        except ValueError:
            raise ValidationError({"opening_date": "use YYYY-MM-DD"}) from None
    if "sources" in clean:
        clean["sources"] = _clean_sources(clean["sources"])
    if "deadline_text" in clean:
        text = str(clean["deadline_text"] or "")
        parsed, rolling = parse_deadlines(text)
        if text and not parsed and not rolling:
            raise ValidationError(
                {
                    "deadline_text": (
                        "write dates as YYYY-MM-DD (e.g. 2026-03-31 17:00 CET) "
                        "or 'rolling'"
                    )
                }
            )
    return clean


def _clean_sources(value: Any) -> list[dict[str, str]]:
    if isinstance(value, str):
        value = [{"url": value, "kind": "official"}]
    if not isinstance(value, list) or not value:
        raise ValidationError({"sources": "give at least one source link"})
    out = []
    for item in value:
        url = str(item.get("url", "") if isinstance(item, dict) else item).strip()
        if not re.match(r"^https?://\S+$", url):
            raise ValidationError({"sources": f"'{url}' is not a web address"})
        kind = str(
            item.get("kind", "official") if isinstance(item, dict) else "official"
        )
        out.append({"url": url, "kind": kind[:60]})
    return out


@transaction.atomic
def call_save(
    *,
    actor: User | None,
    key: str,
    origin: str = Origin.ADMIN,
    reason: str = "admin",
    submission: Submission | None = None,
    **data: Any,
) -> Call:
    """Create or update the call ``key`` from structured values.

    Raises:
        ValidationError: naming each bad field.
    """
    clean = _clean_call(data)
    call = Call.objects.filter(key=key).first()
    before = record_snapshot(call, HISTORY_FIELDS + CALL_FIELDS) if call else {}
    if call is None:
        if not clean.get("name"):
            raise ValidationError({"name": "a call needs a name"})
        call = Call(key=key, origin=origin)
    for name, value in clean.items():
        setattr(call, name, value)
    if call.programme is not None and call.funder is None:
        call.funder = call.programme.funder
    if call.funder is not None and call.funder_type == "unknown":
        call.funder_type = call.funder.funder_type
    if not call.themes:
        call.themes = themes_from_text(
            [*call.focus_themes, call.name, call.plain_summary]
        )
    refresh_search_text(call)
    call.full_clean(exclude=["search_text"])
    call.save()
    set_deadlines(call)
    _history(call, before=before, actor=actor, reason=reason, submission=submission)
    return call


# --- profiles, settings, saved searches, watchlist, shares ------------------


PROFILE_FIELDS = {"legal_form", "size_band", "themes", "languages", "initiative"}


@transaction.atomic
def profile_update(
    *, actor: User, organisation: Organisation, **data: Any
) -> FundingProfile:
    """Create or update the organisation's funding profile.

    Raises:
        ValidationError: naming each bad field.
    """
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown field"))
    profile, _created = FundingProfile.objects.get_or_create(organisation=organisation)
    if "legal_form" in data:
        value = data["legal_form"] or ""
        if value and value not in LEGAL_FORMS:
            raise ValidationError(
                {"legal_form": f"must be one of: {', '.join(LEGAL_FORMS)}"}
            )
        profile.legal_form = value
    if "size_band" in data:
        value = data["size_band"] or ""
        if value and value not in SIZE_BANDS:
            raise ValidationError(
                {"size_band": f"must be one of: {', '.join(SIZE_BANDS)}"}
            )
        profile.size_band = value
    if "themes" in data:
        profile.themes = _codes(data["themes"], field="themes", allowed=set(THEMES))
    if "languages" in data:
        profile.languages = _codes(
            data["languages"], field="languages", normalise=normalise_language
        )
    if "initiative" in data:
        initiative = data["initiative"]
        if initiative is not None and initiative.organisation_id != organisation.pk:
            raise ValidationError(
                {"initiative": "not an initiative of this organisation"}
            )
        profile.initiative = initiative
    profile.save()
    audit_record(
        action="evidencehub.funding_profile.updated",
        actor=actor,
        organisation=organisation,
        obj=profile,
    )
    return profile


def settings_for(user: User) -> PersonSettings:
    found, _created = PersonSettings.objects.get_or_create(
        user=user, defaults={"time_zone": settings.TIME_ZONE}
    )
    return found


def person_settings_update(
    *,
    user: User,
    time_zone: str | None = None,
    digest: str | None = None,
    reminders: bool | None = None,
) -> PersonSettings:
    found = settings_for(user)
    if time_zone is not None:
        if time_zone not in available_timezones():
            raise ValidationError({"time_zone": "choose a time zone from the list"})
        ZoneInfo(time_zone)
        found.time_zone = time_zone
    if digest is not None:
        if digest not in PersonSettings.Digest.values:
            raise ValidationError({"digest": "must be weekly or off"})
        found.digest = digest
    if reminders is not None:
        found.reminders = bool(reminders)
    found.save()
    return found


SEARCH_PARAMS = {
    "q",
    "funder_type",
    "country",
    "theme",
    "status",
    "deadline_within",
    "amount_min",
    "amount_max",
    "org_type",
    "size",
    "sort",
}


def clean_search_params(params: dict[str, Any]) -> dict[str, Any]:
    """Keep known search parameters, each as a string or list of strings."""
    unknown = set(params) - SEARCH_PARAMS
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), "unknown search parameter")
        )
    out: dict[str, Any] = {}
    for name, value in params.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list | tuple):
            out[name] = [str(v)[:200] for v in value][:30]
        else:
            out[name] = str(value)[:200]
    return out


@transaction.atomic
def saved_search_create(
    *, actor: User, organisation: Organisation, name: str, params: dict[str, Any]
) -> SavedSearch:
    # One line of plain text: names travel into calendar feeds and e-mails.
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "give the search a name"})
    if len(name) > 120:
        raise ValidationError({"name": "at most 120 characters"})
    saved = SavedSearch.objects.create(
        organisation=organisation,
        created_by=actor,
        name=name,
        params=clean_search_params(params),
    )
    audit_record(
        action="evidencehub.funding_search.saved",
        actor=actor,
        organisation=organisation,
        obj=saved,
    )
    return saved


@transaction.atomic
def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    audit_record(
        action="evidencehub.funding_search.deleted",
        actor=actor,
        organisation=saved.organisation,
        obj=saved,
    )
    saved.delete()


@transaction.atomic
def watch(*, actor: User, organisation: Organisation, call: Call) -> WatchedCall:
    watched, _created = WatchedCall.objects.get_or_create(
        organisation=organisation, call=call, defaults={"added_by": actor}
    )
    return watched


@transaction.atomic
def unwatch(*, actor: User, organisation: Organisation, call: Call) -> None:
    WatchedCall.objects.filter(organisation=organisation, call=call).delete()


@transaction.atomic
def share_call(
    *,
    actor: User,
    organisation: Organisation,
    call: Call,
    recipients: list[User],
    message: str = "",
    call_url: str = "",
) -> CallShare:
    """Share a call with colleagues: members of the same organisation only.

    Raises:
        ValidationError: ``recipients`` empty or not all members.
    """
    if not recipients:
        raise ValidationError({"recipients": "choose at least one colleague"})
    members = set(
        Membership.objects.filter(organisation=organisation).values_list(
            "user_id", flat=True
        )
    )
    if any(r.pk not in members for r in recipients):
        raise ValidationError({"recipients": "only members of your organisation"})
    if len(message) > 500:
        raise ValidationError({"message": "at most 500 characters"})
    share = CallShare.objects.create(
        call=call, organisation=organisation, shared_by=actor, message=message
    )
    share.recipients.set(recipients)
    body = (
        f"{actor.get_full_name() or actor.email} thinks this funding call may "
        f"interest {organisation.name}:\n\n{call.name}\n{call_url}\n"
    )
    if message:
        body += f"\nTheir note: {message}\n"
    body += "\nYou receive this because you are a member of the organisation.\n"
    send_mail(
        f"Funding call shared with you: {call.name}"[:200],
        body,
        None,
        [r.email for r in recipients],
    )
    audit_record(
        action="evidencehub.funding_call.shared",
        actor=actor,
        organisation=organisation,
        obj=call,
        data={"recipients": len(recipients)},
    )
    return share


# --- submissions -------------------------------------------------------------

FUNDER_INPUT_FIELDS = {
    "name",
    "funder_type",
    "country_region_text",
    "countries",
    "global_scope",
    "website",
    "org_id",
    "focus_themes",
    "themes",
    "eligibility",
    "languages",
    "notes",
    "sources",
}


def _clean_funder(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - FUNDER_INPUT_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "unknown field"))
    clean = dict(data)
    if "funder_type" in clean and clean["funder_type"] not in FUNDER_TYPES:
        raise ValidationError(
            {"funder_type": f"must be one of: {', '.join(FUNDER_TYPES)}"}
        )
    if "countries" in clean:
        clean["countries"] = _codes(
            clean["countries"], field="countries", normalise=normalise_country
        )
    if "languages" in clean:
        clean["languages"] = _codes(
            clean["languages"], field="languages", normalise=normalise_language
        )
    if "themes" in clean:
        clean["themes"] = _codes(clean["themes"], field="themes", allowed=set(THEMES))
    if "sources" in clean:
        clean["sources"] = _clean_sources(clean["sources"])
    for name in ("focus_themes",):
        if name in clean and isinstance(clean[name], str):
            clean[name] = [p.strip() for p in clean[name].split(";") if p.strip()]
    return clean


@transaction.atomic
def submission_create(
    *,
    actor: User,
    kind: str,
    payload: dict[str, Any],
    source_url: str,
    note: str = "",
    target_type: str = "",
    target_key: str = "",
) -> Submission:
    """Propose a new funder or call, or a correction to an existing record.

    The payload is checked now (so the person sees errors at once) and again
    when a platform admin accepts it.

    Raises:
        ValidationError: naming each bad field.
    """
    if kind not in Submission.Kind.values:
        raise ValidationError({"kind": "must be funder, call or correction"})
    if not isinstance(payload, dict) or not payload:
        raise ValidationError({"payload": "say what to add or change"})
    _clean_sources(source_url)
    if kind == "funder":
        if not payload.get("name"):
            raise ValidationError({"name": "a funder needs a name"})
        _clean_funder(payload)
    elif kind == "call":
        if not payload.get("name"):
            raise ValidationError({"name": "a call needs a name"})
        _clean_call(payload)
    else:
        if target_type not in MODELS:
            raise ValidationError({"target_type": "must be funder, programme or call"})
        if not MODELS[target_type].objects.filter(key=target_key).exists():
            raise ValidationError({"target_key": "no such record"})
        if target_type == "call":
            _clean_call(payload)
        else:
            _clean_funder(payload)
    if len(note) > 2000:
        raise ValidationError({"note": "at most 2000 characters"})
    submission = Submission.objects.create(
        kind=kind,
        target_type=target_type,
        target_key=target_key,
        payload=json.loads(json.dumps(payload, default=str)),
        source_url=source_url,
        note=note,
        submitted_by=actor,
    )
    audit_record(
        action="evidencehub.funder_submission.created",
        actor=actor,
        obj=submission,
        data={"kind": kind, "target": target_key},
    )
    return submission


def _unique_key(model: Any, name: str) -> str:
    base = slugify(name)[:100] or "record"
    key, n = base, 2
    while model.objects.filter(key=key).exists():
        key = f"{base}-{n}"
        n += 1
    return key


@transaction.atomic
def submission_review(
    *, actor: User, submission: Submission, accept: bool, note: str = ""
) -> Submission:
    """Accept (apply) or reject a pending submission. Platform admins only.

    Raises:
        PermissionError: ``actor`` is not a platform admin.
        ValidationError: already reviewed, or the payload no longer validates.
    """
    if not actor.is_superuser:
        raise PermissionError("only platform admins review submissions")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.PENDING:
        raise ValidationError({"state": "this submission was already reviewed"})
    if accept:
        payload = dict(submission.payload)
        source = {"url": submission.source_url, "kind": "submitted"}
        if submission.kind == "funder":
            clean = _clean_funder(payload)
            funder = Funder(
                key=_unique_key(Funder, clean["name"]), origin=Origin.SUBMISSION
            )
            for name, value in clean.items():
                setattr(funder, name, value)
            funder.sources = (
                [*funder.sources, source] if clean.get("sources") else [source]
            )
            funder.last_verified_on = timezone.now().date()
            funder.verified_by = actor.email
            refresh_search_text(funder)
            funder.save()
            _history(
                funder,
                before={},
                actor=actor,
                reason="submission",
                submission=submission,
            )
            submission.applied_key = funder.key
        elif submission.kind == "call":
            payload.setdefault("sources", [source])
            payload["last_verified_on"] = timezone.now().date()
            call = call_save(
                actor=actor,
                key=_unique_key(Call, payload["name"]),
                origin=Origin.SUBMISSION,
                reason="submission",
                submission=submission,
                **payload,
            )
            submission.applied_key = call.key
        else:
            model = MODELS[submission.target_type]
            record: Any = model.objects.get(key=submission.target_key)
            if submission.target_type == "call":
                sources = [*record.sources, source]
                call_save(
                    actor=actor,
                    key=record.key,
                    reason="correction",
                    submission=submission,
                    sources=sources,
                    last_verified_on=timezone.now().date(),
                    **payload,
                )
            else:
                before = record_snapshot(record, HISTORY_FIELDS)
                for name, value in _clean_funder(payload).items():
                    setattr(record, name, value)
                record.sources = [*record.sources, source]
                record.last_verified_on = timezone.now().date()
                record.verified_by = actor.email
                refresh_search_text(record)
                record.save()
                _history(
                    record,
                    before=before,
                    actor=actor,
                    reason="correction",
                    submission=submission,
                )
            submission.applied_key = record.key
    submission.state = (
        Submission.State.ACCEPTED if accept else Submission.State.REJECTED
    )
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.review_note = note[:2000]
    submission.save()
    audit_record(
        action=f"evidencehub.funder_submission.{'accepted' if accept else 'rejected'}",
        actor=actor,
        obj=submission,
        data={"applied": submission.applied_key},
    )
    return submission


def mark_verified(*, actor: User, record: Funder | Programme | Call, on: date) -> None:
    """Record that a platform admin re-checked ``record`` against its sources."""
    before = record_snapshot(record, HISTORY_FIELDS + _extra_fields(record))
    record.last_verified_on = on
    record.verified_by = actor.email
    record.save(update_fields=["last_verified_on", "verified_by", "updated_at"])
    _history(record, before=before, actor=actor, reason="verified")
