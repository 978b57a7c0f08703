"""Writes: exports (audit-logged), share links (create, revoke, open) and
background jobs (start, run, purge)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.disclosure.selectors import Audience
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.sharing import exports
from evidencehub.apps.sharing.models import BackgroundJob, ShareLink
from evidencehub.core.identity import identifying_kind
from evidencehub.core.kpis.results import Period, PeriodError, parse_period

MAX_LINK_DAYS = 90
LANGUAGES = ("en", "de")
JOB_KEEP = timedelta(days=1)
TOKEN_BYTES = 32


# -- exports ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


def export_create(
    *,
    actor: User | None,
    initiative: Initiative,
    period: Period,
    fmt: str,
    audience: Audience,
    via: str,
    progress: exports.Progress | None = None,
) -> ExportFile:
    """Build the export file and record it in the audit log.

    Raises:
        ValidationError: ``format`` unknown.
    """
    if fmt not in exports.FORMATS:
        raise ValidationError(
            {"format": f"Must be one of {', '.join(exports.FORMATS)}."}
        )
    data = exports.build_export(
        initiative=initiative, period=period, audience=audience, progress=progress
    )
    content = exports.serialise(data, fmt)
    audit_record(
        action="evidencehub.export.created",
        actor=actor,
        actor_label="" if actor is not None else f"command line ({via})",
        organisation=initiative.organisation,
        obj=initiative,
        data={
            "period": period.label,
            "format": fmt,
            "audience": audience.value,
            "rows": data.rows,
            "suppressed": data.about["suppressed_figures"],
            "via": via,
        },
    )
    return ExportFile(
        content=content,
        filename=exports.filename(
            initiative=initiative, period=period, audience=audience, fmt=fmt
        ),
        content_type=exports.CONTENT_TYPES[fmt],
        rows=data.rows,
    )


# -- share links --------------------------------------------------------------------


def token_hash(token: str) -> str:
    """SHA-256 of the token. The token holds 256 random bits, so a plain hash
    cannot be reversed by guessing; only the hash is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewLink:
    link: ShareLink
    token: str


def validate_link(
    raw: dict[str, Any], *, now: datetime
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check ``period``, ``language``, ``expires`` (a date, today + 1 to + 90
    days) and ``label``. Returns (clean, errors by field)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    try:
        clean["period"] = parse_period(str(raw.get("period") or "")).label
    except PeriodError as exc:
        errors["period"] = str(exc)
    language = str(raw.get("language") or "en")
    if language not in LANGUAGES:
        errors["language"] = f"Must be one of: {', '.join(LANGUAGES)}."
    clean["language"] = language
    expires_raw = raw.get("expires")
    today = timezone.localdate(now)
    try:
        expires = (
            expires_raw
            if isinstance(expires_raw, date)
            else date.fromisoformat(str(expires_raw or "").strip())
        )
    except ValueError:
        errors["expires"] = "Required: a date such as 2026-12-31."
    else:
        if expires <= today:
            errors["expires"] = "Must lie in the future."
        elif (expires - today).days > MAX_LINK_DAYS:
            errors["expires"] = f"A link lasts at most {MAX_LINK_DAYS} days."
        else:
            # Valid until the end of the chosen day, in the deployment's zone.
            clean["expires_at"] = timezone.make_aware(
                datetime.combine(expires, datetime.max.time())
            )
    label = raw.get("label") or ""
    if not isinstance(label, str):
        errors["label"] = "Must be text."
    elif len(label) > 100:
        errors["label"] = "At most 100 characters."
    elif any(ord(ch) < 32 for ch in label):
        errors["label"] = "Must be plain text on one line (no control characters)."
    elif kind := identifying_kind(label):
        errors["label"] = f"Looks like {kind}; name the funder, not a person."
    else:
        clean["label"] = label.strip()
    return clean, errors


@transaction.atomic
def share_link_create(
    *,
    actor: User,
    initiative: Initiative,
    data: dict[str, Any],
    now: datetime | None = None,
) -> NewLink:
    """Create a link; the token is returned once and never stored.

    Raises:
        ValidationError: with a message per field.
    """
    clean, errors = validate_link(data, now=now or timezone.now())
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        token_hash=token_hash(token),
        created_by=actor,
        **clean,
    )
    audit_record(
        action="evidencehub.share_link.created",
        actor=actor,
        organisation=initiative.organisation,
        obj=link,
        data={
            "period": link.period,
            "language": link.language,
            "expires_at": link.expires_at.isoformat(),
        },
    )
    return NewLink(link, token)


@transaction.atomic
def share_link_revoke(*, actor: User, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            action="evidencehub.share_link.revoked",
            actor=actor,
            organisation=link.organisation,
            obj=link,
        )
    return link


@dataclass(frozen=True)
class Opened:
    """The outcome of opening a link: ``state`` is ``active``, ``expired``,
    ``revoked`` or ``unknown``; ``link`` is ``None`` for unknown tokens."""

    state: str
    link: ShareLink | None


@transaction.atomic
def share_link_open(*, token: str, what: str, now: datetime | None = None) -> Opened:
    """Resolve a token and log the attempt (viewed or refused), with no IP
    address or user agent. ``what`` is ``html`` or ``pdf``."""
    moment = now or timezone.now()
    link = (
        ShareLink.objects.select_for_update()
        .select_related("initiative", "organisation")
        .filter(token_hash=token_hash(token[:200]))
        .first()
    )
    if link is None:
        audit_record(
            action="evidencehub.share_link.refused",
            actor=None,
            actor_label="anonymous link holder",
            data={"reason": "unknown", "what": what},
        )
        return Opened("unknown", None)
    state = link.state(moment)
    if state != "active":
        audit_record(
            action="evidencehub.share_link.refused",
            actor=None,
            actor_label="anonymous link holder",
            organisation=link.organisation,
            obj=link,
            data={"reason": state, "what": what},
        )
        return Opened(state, link)
    link.views += 1
    link.last_viewed_at = moment
    link.save(update_fields=["views", "last_viewed_at"])
    audit_record(
        action="evidencehub.share_link.viewed",
        actor=None,
        actor_label="anonymous link holder",
        organisation=link.organisation,
        obj=link,
        data={"what": what, "period": link.period, "language": link.language},
    )
    return Opened("active", link)


# -- background jobs ----------------------------------------------------------------


def job_start(
    *,
    actor: User,
    initiative: Initiative,
    kind: str,
    params: dict[str, Any],
    enqueue: bool = True,
) -> BackgroundJob:
    """Record a job and hand it to the task backend (``kind`` ``report`` or
    ``export``). With the database backend a worker (``evidencehub run`` starts
    one) picks it up; in tests it runs at once."""
    if kind not in ("report", "export"):
        raise ValueError("kind: must be report or export")
    jobs_purge()
    job = BackgroundJob.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        kind=kind,
        params=params,
        requested_by=actor,
        expires_at=timezone.now() + JOB_KEEP,
    )
    if enqueue:
        from evidencehub.apps.sharing.tasks import run_job

        run_job.enqueue(str(job.pk))
    return job


def _progress(job: BackgroundJob) -> exports.Progress:
    """A progress callback that writes at most every few percent, so a long
    loop does not turn into as many UPDATEs."""
    last = {"at": -1}

    def report(done: int, total: int, step: str) -> None:
        pct = int(100 * done / total) if total else 100
        if pct - last["at"] < 2 and done < total:
            return
        last["at"] = pct
        BackgroundJob.objects.filter(pk=job.pk).update(
            done=done, total=max(total, 1), step=step[:200]
        )

    return report


def _run(job: BackgroundJob) -> tuple[bytes, str, str]:
    p = job.params
    period = parse_period(str(p["period"]))
    audience = Audience(str(p.get("audience", Audience.OUTSIDE.value)))
    if job.kind == "export":
        out = export_create(
            actor=job.requested_by,
            initiative=job.initiative,
            period=period,
            fmt=str(p["format"]),
            audience=audience,
            via="page",
            progress=_progress(job),
        )
        return out.content, out.filename, out.content_type
    from evidencehub.apps.reports.rendering import render_report

    fmt = str(p.get("format", "pdf"))
    content = render_report(
        initiative=job.initiative,
        period=period,
        audience=audience,
        language=str(p.get("language", "en")),
        fmt=fmt,
        progress=_progress(job),
    )
    audit_record(
        action="evidencehub.report.generated",
        actor=job.requested_by,
        organisation=job.organisation,
        obj=job.initiative,
        data={"period": period.label, "format": fmt, "audience": audience.value},
    )
    name = f"{job.initiative.slug}-{period.label}-report.{fmt}"
    return content, name, "application/pdf" if fmt == "pdf" else "text/html"


def job_run(job_id: str) -> str:
    """Run one job to the end, storing the file or a readable error. Returns
    the final state. Safe to call twice: a finished job is left alone."""
    job = (
        BackgroundJob.objects.select_related("initiative__organisation", "requested_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.state in (BackgroundJob.DONE, BackgroundJob.FAILED):
        return job.state if job else "missing"
    BackgroundJob.objects.filter(pk=job.pk).update(state=BackgroundJob.RUNNING, step="")
    try:
        content, name, ctype = _run(job)
    except Exception as exc:  # the person waiting must see that it failed
        BackgroundJob.objects.filter(pk=job.pk).update(
            state=BackgroundJob.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
        )
        return BackgroundJob.FAILED
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=BackgroundJob.DONE,
        result=content,
        filename=name,
        content_type=ctype,
        done=1,
        total=1,
        step="Ready",
        finished_at=timezone.now(),
    )
    return BackgroundJob.DONE


def jobs_purge(*, now: datetime | None = None) -> int:
    """Delete jobs (and their files) past their expiry."""
    deleted, _ = BackgroundJob.objects.filter(
        expires_at__lt=now or timezone.now()
    ).delete()
    return deleted
