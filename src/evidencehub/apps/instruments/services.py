"""Writes for questionnaires. Keyword-only; bad input raises
``ValidationError({field: message})``; set-up changes, imports and exports are
audited (anonymous responses never are)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.instruments.models import (
    InstrumentVersion,
    LicensedText,
    Occasion,
    Origin,
    Questionnaire,
    Response,
    ResponseRetention,
    ResponseScore,
    SurveySettings,
)
from evidencehub.core.codes import CodeError, code_hash, normalise_code
from evidencehub.core.instruments import (
    AnswerError,
    Instrument,
    Score,
    catalogue,
    instrument_to_dict,
    offence_detail_findings,
    score,
)
from evidencehub.core.tabular import Row

DEFAULT_CRISIS_TEXT = (
    "If you are thinking about hurting yourself, or you are in danger right now, "
    "please reach out now. In an emergency call 112 (anywhere in Europe) or your "
    "local emergency number. You can also talk to a doctor, or call a crisis or "
    "suicide-prevention line in your country; many are free and open day and "
    "night. You do not have to go through this alone."
)
MAX_FOLLOW_UP_MONTHS = 60


def ensure_catalogue() -> int:
    """Make sure every shipped instrument version has a row; return how many
    were created. Shipped versions are never changed once created."""
    created = 0
    for inst in catalogue():
        _obj, was_created = InstrumentVersion.objects.get_or_create(
            organisation=None,
            instrument_id=inst.id,
            version=inst.version,
            defaults={
                "title": inst.title,
                "origin": Origin.CATALOGUE,
                "definition": instrument_to_dict(inst),
            },
        )
        created += was_created
    return created


def instrument_version_is_locked(version: InstrumentVersion) -> bool:
    """True when the version may no longer change: shipped, or used by a
    questionnaire that has at least one response."""
    return (
        version.organisation_id is None
        or Response.objects.filter(questionnaire__instrument_version=version).exists()
    )


@transaction.atomic
def instrument_import(
    *,
    actor: Any,
    organisation: Organisation,
    instrument: Instrument,
    origin: str = Origin.IMPORT,
) -> InstrumentVersion:
    """Store an organisation's own instrument version.

    Re-importing an identical definition returns the existing row. A changed
    definition under an existing version replaces it only while unused.

    Raises:
        ValidationError: ``definition`` asks for offence details; ``version``
            already in use with a different definition.
    """
    findings = offence_detail_findings(instrument)
    if findings:
        raise ValidationError(
            {
                "definition": (
                    "These items seem to ask about offence details (time, place, "
                    "victims or platforms), which is never allowed: "
                    + ", ".join(findings)
                )
            }
        )
    data = instrument_to_dict(instrument)
    existing = InstrumentVersion.objects.filter(
        organisation=organisation,
        instrument_id=instrument.id,
        version=instrument.version,
    ).first()
    if existing is not None:
        if existing.definition == data:
            return existing
        if instrument_version_is_locked(existing):
            raise ValidationError(
                {
                    "version": (
                        f"Version {instrument.version} of '{instrument.id}' already "
                        "has answers and cannot change; give the new definition a "
                        "new version."
                    )
                }
            )
        existing.definition = data
        existing.title = instrument.title
        existing.save(update_fields=["definition", "title"])
        version = existing
        verb = "updated"
    else:
        version = InstrumentVersion.objects.create(
            organisation=organisation,
            instrument_id=instrument.id,
            version=instrument.version,
            title=instrument.title,
            origin=origin,
            definition=data,
        )
        verb = "imported"
    audit_record(
        action=f"evidencehub.instrument.{verb}",
        actor=actor,
        organisation=organisation,
        obj=version,
        data={
            "instrument_id": instrument.id,
            "version": instrument.version,
            "origin": origin,
        },
    )
    return version


def instrument_export(
    *, actor: Any, organisation: Organisation, version: InstrumentVersion
) -> dict[str, Any]:
    """The definition as plain data for download. Licensed text pasted by an
    organisation is never part of it (it lives in ``LicensedText``)."""
    audit_record(
        action="evidencehub.instrument.exported",
        actor=actor,
        organisation=organisation,
        obj=version,
        data={"instrument_id": version.instrument_id, "version": version.version},
    )
    return instrument_to_dict(version.instrument)


def licensed_text_save(
    *,
    actor: Any,
    organisation: Organisation,
    version: InstrumentVersion,
    items: Mapping[str, str],
    instructions: str = "",
) -> LicensedText:
    """Save item text an organisation holds a licence for.

    Raises:
        ValidationError: unknown item ids, or text longer than 1000 characters.
    """
    known = {it.id for it in version.instrument.items}
    errors = {}
    clean: dict[str, str] = {}
    for key, text in items.items():
        if key not in known:
            errors[key] = "is not an item of this instrument"
        elif len(text) > 1000:
            errors[key] = "is longer than 1000 characters"
        elif text.strip():
            clean[key] = " ".join(text.split())
    if len(instructions) > 2000:
        errors["instructions"] = "is longer than 2000 characters"
    if errors:
        raise ValidationError(errors)
    obj, _created = LicensedText.objects.update_or_create(
        organisation=organisation,
        instrument_version=version,
        defaults={"items": clean, "instructions": instructions.strip()},
    )
    audit_record(
        action="evidencehub.licensed_text.saved",
        actor=actor,
        organisation=organisation,
        obj=obj,
        data={"instrument_id": version.instrument_id, "items": len(clean)},
    )
    return obj


def survey_settings(*, initiative: Initiative) -> SurveySettings:
    obj, _created = SurveySettings.objects.get_or_create(initiative=initiative)
    return obj


def survey_settings_update(
    *, actor: Any, initiative: Initiative, crisis_text: str
) -> SurveySettings:
    """Raises ValidationError({"crisis_text": ...}) above 4000 characters."""
    if len(crisis_text) > 4000:
        raise ValidationError({"crisis_text": "At most 4000 characters."})
    obj = survey_settings(initiative=initiative)
    obj.crisis_text = crisis_text.strip()
    obj.save(update_fields=["crisis_text"])
    audit_record(
        action="evidencehub.survey_settings.updated",
        actor=actor,
        organisation=initiative.organisation,
        obj=obj,
    )
    return obj


def crisis_text_for(initiative: Initiative) -> str:
    """The initiative's own text; else ``settings.EVIDENCEHUB_CRISIS_RESOURCES``
    for its first country (a dict country code -> text); else the default."""
    own = (
        SurveySettings.objects.filter(initiative=initiative)
        .values_list("crisis_text", flat=True)
        .first()
    )
    if own:
        return str(own)
    by_country: Mapping[str, str] = getattr(
        settings, "EVIDENCEHUB_CRISIS_RESOURCES", {}
    )
    for country in initiative.countries or []:
        if by_country.get(country):
            return by_country[country]
    return DEFAULT_CRISIS_TEXT


def available_versions(*, organisation: Organisation) -> list[InstrumentVersion]:
    """Shipped versions plus the organisation's own."""
    ensure_catalogue()
    return list(
        InstrumentVersion.objects.filter(organisation__isnull=True)
        | InstrumentVersion.objects.filter(organisation=organisation)
    )


def has_item_text(*, version: InstrumentVersion, organisation: Organisation) -> bool:
    inst = version.instrument
    if inst.has_item_text:
        return True
    lt = LicensedText.objects.filter(
        organisation=organisation, instrument_version=version
    ).first()
    return lt is not None and all(lt.items.get(it.id) for it in inst.items)


def questionnaire_create(
    *,
    actor: Any,
    initiative: Initiative,
    instrument_version: InstrumentVersion,
    occasion: str,
    title: str = "",
    follow_up_months: int | None = None,
    ask_code: bool = True,
    allow_free_text: bool = False,
) -> Questionnaire:
    """Attach an instrument to an initiative at one occasion.

    Raises:
        ValidationError: another organisation's instrument; unknown occasion;
            months missing for a follow-up or given for another occasion;
            an instrument without item text (paste licensed text first).
    """
    errors: dict[str, str] = {}
    org = initiative.organisation
    if instrument_version.organisation_id not in (None, org.pk):
        errors["instrument_version"] = "Unknown instrument."
    elif not has_item_text(version=instrument_version, organisation=org):
        errors["instrument_version"] = (
            "This instrument's text may not be shipped: paste the licensed item "
            "text for your organisation first."
        )
    if occasion not in Occasion.values:
        errors["occasion"] = "Choose baseline, end, follow-up or single."
    if occasion == Occasion.FOLLOW_UP:
        if (
            follow_up_months is None
            or not 1 <= follow_up_months <= MAX_FOLLOW_UP_MONTHS
        ):
            errors["follow_up_months"] = (
                f"A follow-up needs the number of months (1-{MAX_FOLLOW_UP_MONTHS})."
            )
    elif follow_up_months is not None:
        errors["follow_up_months"] = "Months are only for a follow-up."
    if len(title) > 200:
        errors["title"] = "At most 200 characters."
    if errors:
        raise ValidationError(errors)
    q = Questionnaire.objects.create(
        initiative=initiative,
        instrument_version=instrument_version,
        occasion=occasion,
        follow_up_months=follow_up_months,
        title=title.strip() or instrument_version.title,
        ask_code=ask_code,
        allow_free_text=allow_free_text,
    )
    audit_record(
        action="evidencehub.questionnaire.created",
        actor=actor,
        organisation=org,
        obj=q,
        data={"instrument_id": instrument_version.instrument_id, "occasion": occasion},
    )
    return q


def questionnaire_set_open(
    *, actor: Any, questionnaire: Questionnaire, is_open: bool
) -> None:
    questionnaire.is_open = is_open
    questionnaire.save(update_fields=["is_open"])
    audit_record(
        action="evidencehub.questionnaire.opened"
        if is_open
        else "evidencehub.questionnaire.closed",
        actor=actor,
        organisation=questionnaire.initiative.organisation,
        obj=questionnaire,
    )


def coarsen_to_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@transaction.atomic
def response_submit(
    *,
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    code: str = "",
    language: str = "",
    text_answers: Mapping[str, str] | None = None,
    now: datetime | None = None,
    synthetic: bool = False,
    only_items: Collection[str] | None = None,
) -> tuple[Response, Score]:
    """Validate, score and store one anonymous response.

    ``answers`` maps item ids to option values (strings from a form are
    fine). ``code`` is a user-held code or empty; only its keyed hash is kept.
    ``only_items`` names the items a micro-survey asked: only those may be
    answered and only those count as required (the score of a partial set
    is stored as invalid under the instrument's missing-item rule).

    Raises:
        ValidationError: closed questionnaire (``questionnaire``), bad answers
            (keyed by item id), a required item left out, or a malformed code
            (``code``). Nothing is stored then.
    """
    if not questionnaire.is_open:
        raise ValidationError({"questionnaire": "This questionnaire is closed."})
    inst = questionnaire.instrument_version.instrument
    errors: dict[str, str] = {}
    try:
        result = score(inst, answers)
    except AnswerError as exc:
        errors.update(exc.errors)
        result = None
    for it in inst.items:
        asked = only_items is None or it.id in only_items
        if (
            asked
            and it.required
            and it.kind == "choice"
            and answers.get(it.id) in (None, "")
        ):
            errors.setdefault(it.id, "Please choose an answer.")
    if only_items is not None:
        for key in answers:
            if key not in only_items:
                errors.setdefault(str(key), "was not asked in this micro-survey")
    answered = [it.id for it in inst.items if answers.get(it.id) not in (None, "")] + [
        k for k, v in (text_answers or {}).items() if str(v).strip()
    ]
    if not answered:
        # An empty form carries no information and would only dilute rates.
        errors.setdefault("answers", "Please answer at least one question.")
    hashed = ""
    if code.strip():
        try:
            hashed = code_hash(
                normalise_code(code),
                survey_settings(initiative=questionnaire.initiative).secret_bytes,
            )
        except CodeError as exc:
            errors["code"] = str(exc)
    texts: dict[str, str] = {}
    if text_answers:
        if not questionnaire.allow_free_text:
            errors["text"] = "Free-text answers are not accepted on this questionnaire."
        else:
            for key, value in text_answers.items():
                if key not in {it.id for it in inst.items if it.kind == "text"}:
                    errors[key] = "is not a free-text item"
                elif len(value) > 1000:
                    errors[key] = "At most 1000 characters."
                elif value.strip():
                    texts[key] = value.strip()
    if errors or result is None:
        raise ValidationError(errors)
    moment = coarsen_to_hour(now or timezone.now())
    clean = {k: int(str(v)) for k, v in answers.items() if v not in (None, "")}
    response = Response.objects.create(
        questionnaire=questionnaire,
        submitted_hour=moment,
        code_hash=hashed,
        language=language[:16],
        answers=clean,
        text_answers=texts,
        synthetic=synthetic,
    )
    store_score(response=response, result=result)
    return response, result


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def store_score(*, response: Response, result: Score) -> ResponseScore:
    return ResponseScore.objects.create(
        response=response,
        total=result.total,
        valid=result.valid,
        reason=result.reason[:200],
        band=result.band,
        above_cutoff=result.above_cutoff,
        prorated=result.prorated,
        items_missing=result.items_missing,
        subscales={k: _dec(v) for k, v in result.subscales.items()},
        risk=result.risk,
        method_id=result.method_id,
        method_version=result.method_version,
        instrument_id=result.instrument_id,
        instrument_version=result.instrument_version,
    )


MAX_IMPORT_ROWS = 50_000
_SPECIAL_COLUMNS = ("code", "submitted_at")
# No answers can predate online services of this kind; older dates are typos.
EARLIEST_RESPONSE_YEAR = 2000


@dataclass
class ResponseImport:
    """Outcome of a response import: ``imported`` rows (and ``already`` rows
    skipped because an earlier import stored them), or none and ``errors`` as
    (line, column, message) for every problem found."""

    imported: int = 0
    rows: int = 0
    already: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def _parse_moment(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _answer_text(value: str) -> str:
    """``"2.0"`` → ``"2"``: JSON and spreadsheet exports often write whole
    answer values as decimals; anything else is left for validation."""
    text = value.strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    if number.is_finite() and number == number.to_integral_value():
        return str(int(number))
    return text


def _check_moment(text: str, now: datetime) -> tuple[datetime | None, str]:
    """(moment, error) for a ``submitted_at`` cell."""
    try:
        moment = _parse_moment(text)
    except ValueError:
        return None, "is not a date (use YYYY-MM-DD)"
    if moment > now:
        return None, "is in the future"
    if moment.year < EARLIEST_RESPONSE_YEAR:
        return None, f"is before {EARLIEST_RESPONSE_YEAR}; check the date"
    return moment, ""


def row_fingerprint(
    *, secret: bytes, answers: Mapping[str, int], code_hash: str, when: str, nth: int
) -> str:
    """Keyed hash (HMAC-SHA256, RFC 2104, under the initiative's code secret)
    of one source row's content: answers, code hash and the ``submitted_at``
    text as given, plus ``nth``, its occurrence among identical rows of the
    file. Re-importing a file therefore adds nothing, while two genuinely
    identical answers in one file are both kept. Holds no identity."""
    import hashlib
    import hmac
    import json

    content = json.dumps(
        [sorted(answers.items()), code_hash, when.strip(), nth], separators=(",", ":")
    )
    return hmac.new(secret, content.encode(), hashlib.sha256).hexdigest()


def responses_import(
    *,
    actor: Any,
    questionnaire: Questionnaire,
    headers: list[str],
    rows: Iterable[Row],
) -> ResponseImport:
    """Import answers from another survey tool (CSV/XLSX/JSON lines read by
    ``core.tabular``). Columns: the instrument's item ids, optionally
    ``code`` (a user-held code, stored only as its keyed hash) and
    ``submitted_at`` (ISO date or date-time from 2000 on, coarsened to the
    hour; default now). All or nothing: when any row is bad nothing is stored
    and every problem is reported with its line and column.

    Importing the same file again is harmless: each row carries a keyed
    fingerprint (:func:`row_fingerprint`) and rows already stored are
    counted in ``already``, not stored twice.

    Unknown columns (or, in JSON lines, unknown keys on any line) are
    refused, not ignored, so a field such as ``email`` never slips through.
    """
    inst = questionnaire.instrument_version.instrument
    known = {it.id for it in inst.items if it.kind == "choice"}
    report = ResponseImport()
    unknown = [h for h in headers if h not in known and h not in _SPECIAL_COLUMNS]
    for h in unknown:
        report.errors.append(
            (1, h, "is not an item of this questionnaire; remove the column")
        )
    if not any(h in known for h in headers):
        report.errors.append((1, "", "no column matches an item of this questionnaire"))
    if report.errors:
        return report
    secret = survey_settings(initiative=questionnaire.initiative).secret_bytes
    now = timezone.now()
    ready: list[tuple[Response, Score]] = []
    seen: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        report.rows += 1
        if report.rows > MAX_IMPORT_ROWS:
            report.errors.append((row.line, "", f"more than {MAX_IMPORT_ROWS} rows"))
            break
        for column, message in row.errors.items():
            report.errors.append((row.line, column, message))
        for key in row.values:
            if key not in known and key not in _SPECIAL_COLUMNS and key not in headers:
                report.errors.append(
                    (row.line, key, "is not an item of this questionnaire")
                )
        answers = {k: _answer_text(v) for k, v in row.values.items() if k in known}
        try:
            result = score(inst, answers)
        except AnswerError as exc:
            report.errors.extend((row.line, k, v) for k, v in exc.errors.items())
            continue
        hashed = ""
        code = row.values.get("code", "").strip()
        if code:
            try:
                hashed = code_hash(normalise_code(code), secret)
            except CodeError as exc:
                report.errors.append((row.line, "code", str(exc)))
        moment = now
        when = row.values.get("submitted_at", "").strip()
        if when:
            parsed, problem = _check_moment(when, now)
            if problem:
                report.errors.append((row.line, "submitted_at", problem))
            elif parsed is not None:
                moment = parsed
        clean = {k: int(v) for k, v in answers.items() if v}
        content = (tuple(sorted(clean.items())), hashed, when)
        seen[content] += 1
        ready.append(
            (
                Response(
                    questionnaire=questionnaire,
                    submitted_hour=coarsen_to_hour(moment),
                    code_hash=hashed,
                    answers=clean,
                    source_fingerprint=row_fingerprint(
                        secret=secret,
                        answers=clean,
                        code_hash=hashed,
                        when=when,
                        nth=seen[content],
                    ),
                ),
                result,
            )
        )
    if report.errors:
        return report
    stored = set(
        Response.objects.filter(questionnaire=questionnaire)
        .exclude(source_fingerprint="")
        .values_list("source_fingerprint", flat=True)
    )
    fresh = [(r, s) for r, s in ready if r.source_fingerprint not in stored]
    report.already = len(ready) - len(fresh)
    if not fresh:
        return report
    with transaction.atomic():
        for response, result in fresh:
            response.save()
            store_score(response=response, result=result)
        audit_record(
            action="evidencehub.responses.imported",
            actor=actor,
            organisation=questionnaire.initiative.organisation,
            obj=questionnaire,
            data={"rows": len(fresh), "already": report.already},
        )
    report.imported = len(fresh)
    return report


# -- retention -------------------------------------------------------------------

DEFAULT_RESPONSE_RETENTION_DAYS = 730
MIN_RESPONSE_RETENTION_DAYS = 90
MAX_RESPONSE_RETENTION_DAYS = 3650


def response_retention_days(*, organisation: Organisation) -> int:
    """The organisation's own period, else
    ``settings.EVIDENCEHUB_RESPONSE_RETENTION_DAYS`` (default 730)."""
    own = (
        ResponseRetention.objects.filter(organisation=organisation)
        .values_list("days", flat=True)
        .first()
    )
    if own:
        return int(own)
    return int(
        getattr(
            settings,
            "EVIDENCEHUB_RESPONSE_RETENTION_DAYS",
            DEFAULT_RESPONSE_RETENTION_DAYS,
        )
    )


def response_retention_update(
    *, actor: Any, organisation: Organisation, days: int
) -> ResponseRetention:
    """Raises ValidationError({"days": ...}) unless 90 <= days <= 3650."""
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not MIN_RESPONSE_RETENTION_DAYS <= days <= MAX_RESPONSE_RETENTION_DAYS
    ):
        raise ValidationError(
            {
                "days": f"Must be from {MIN_RESPONSE_RETENTION_DAYS} to "
                f"{MAX_RESPONSE_RETENTION_DAYS} days."
            }
        )
    obj, _created = ResponseRetention.objects.update_or_create(
        organisation=organisation, defaults={"days": days}
    )
    audit_record(
        action="evidencehub.response_retention.updated",
        actor=actor,
        organisation=organisation,
        obj=obj,
        data={"days": days},
    )
    return obj


def _linkable_days(initiative: Initiative, days: int) -> int:
    """Never shorter than the initiative's longest follow-up plus a month,
    so a follow-up answer can still find its baseline."""
    longest = (
        Questionnaire.objects.filter(initiative=initiative)
        .exclude(follow_up_months=None)
        .order_by("-follow_up_months")
        .values_list("follow_up_months", flat=True)
        .first()
    )
    return max(days, (int(longest) + 1) * 31) if longest else days


@dataclass
class ResponsePurge:
    """What one run did: ``unlinked`` responses cut from the user-held code,
    ``texts`` free-text answers removed, per organisation slug."""

    unlinked: int = 0
    texts: int = 0
    per_organisation: dict[str, int] = field(default_factory=dict)


def _purge_initiative(initiative: Initiative, cutoff: datetime) -> tuple[int, int]:
    """(responses unlinked, responses whose free text was removed)."""
    import hashlib
    import hmac
    import secrets

    rows = Response.objects.filter(questionnaire__initiative=initiative)
    old = rows.filter(submitted_hour__lt=cutoff, minimised=False)
    recent = set(
        rows.filter(submitted_hour__gte=cutoff)
        .exclude(code_hash="")
        .values_list("code_hash", flat=True)
    )
    # A fresh key per run, never stored: within the run every response of a
    # code gets the same new token (pairs and follow-up rates stay exactly as
    # they were), but nobody holding the code can find them any more.
    key = secrets.token_bytes(32)
    texts = 0
    changed: list[Response] = []
    for resp in old.only("id", "code_hash", "text_answers", "language"):
        if resp.text_answers:
            texts += 1
        resp.text_answers = {}
        resp.language = ""
        if resp.code_hash in recent:
            # Still linkable: a later answer with this code is recent.
            changed.append(resp)
            continue
        if resp.code_hash:
            resp.code_hash = hmac.new(
                key, resp.code_hash.encode(), hashlib.sha256
            ).hexdigest()
        resp.minimised = True
        changed.append(resp)
    Response.objects.bulk_update(
        changed,
        ["text_answers", "language", "code_hash", "minimised"],
        batch_size=500,
    )
    return sum(1 for r in changed if r.minimised), texts


def responses_purge_run(
    *, now: datetime | None = None, actor: Any = None
) -> ResponsePurge:
    """Apply each organisation's response retention (default 730 days; never
    shorter than an initiative's longest follow-up plus a month).

    For responses older than that: free-text answers and the language are
    removed, and once the last answer under a code is that old, the link to
    the user-held code is cut (the code hash is replaced by a token under a
    key that is thrown away). Answers, scores, occasions and hours stay, so
    every figure and KPI — totals, pairs, item shares, rates — is unchanged;
    the responses simply can no longer be found from a code. Each
    organisation's run is audited."""
    now = now or timezone.now()
    result = ResponsePurge()
    initiatives = (
        Initiative.objects.filter(questionnaires__isnull=False)
        .distinct()
        .select_related("organisation")
    )
    for initiative in initiatives:
        org = initiative.organisation
        days = _linkable_days(initiative, response_retention_days(organisation=org))
        cutoff = now - timedelta(days=days)
        with transaction.atomic():
            unlinked, texts = _purge_initiative(initiative, cutoff)
            if unlinked or texts:
                audit_record(
                    action="evidencehub.responses.purged",
                    actor=actor,
                    organisation=org,
                    actor_label="" if actor else "evidencehub purge_responses",
                    obj=initiative,
                    data={
                        "unlinked": unlinked,
                        "texts": texts,
                        "before": cutoff.date().isoformat(),
                        "days": days,
                    },
                )
        result.unlinked += unlinked
        result.texts += texts
        if unlinked or texts:
            result.per_organisation[org.slug] = (
                result.per_organisation.get(org.slug, 0) + unlinked
            )
    return result
