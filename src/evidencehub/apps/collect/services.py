"""Writes for anonymous collection. Keyword-only; bad input raises
``ValidationError({field: message})``; every change of keys, imports and
purges is written to the audit log in the same transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.collect.models import (
    AggregateFigure,
    CollectionKey,
    CollectionSettings,
    ContactRecord,
    DailyRollup,
    DailySalt,
    DailyTotal,
    DroppedCount,
    Event,
    KeyKind,
    RetentionPolicy,
    RollupState,
    Source,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core import codes
from evidencehub.core.collect.contacts import CleanContact
from evidencehub.core.collect.events import (
    CleanEvent,
    Declared,
    truncate_time,
    validate_declared_key,
)
from evidencehub.core.collect.figures import CleanFigure
from evidencehub.core.collect.visitor import new_salt, visitor_hash

DEFAULT_RETENTION_DAYS = 90
ROTATION_GRACE = timedelta(days=7)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# -- settings ------------------------------------------------------------------


def collection_settings(*, initiative: Initiative) -> CollectionSettings:
    obj, _created = CollectionSettings.objects.get_or_create(initiative=initiative)
    return obj


def declared_for(*, initiative: Initiative) -> Declared:
    s = collection_settings(initiative=initiative)
    return Declared(
        modules=frozenset(s.modules),
        custom_types=frozenset(s.custom_event_types),
        campaigns=frozenset(s.campaigns),
    )


def _keys(value: Any, name: str, errors: dict[str, str]) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", "\n").split() if v]
    if not isinstance(value, list):
        errors[name] = "Must be a list of keys."
        return []
    out: list[str] = []
    for item in value:
        key = str(item).strip()
        problem = validate_declared_key(key)
        if problem:
            errors[name] = f"{key[:40]!r}: {problem}"
            return []
        if key not in out:
            out.append(key)
    if len(out) > 200:
        errors[name] = "At most 200 keys."
    return out


@transaction.atomic
def collection_settings_update(
    *,
    actor: User,
    initiative: Initiative,
    modules: Any = None,
    custom_event_types: Any = None,
    campaigns: Any = None,
    time_resolution: str | None = None,
) -> CollectionSettings:
    """Declare modules, custom event types and campaign codes, and the time
    resolution. Custom types may not reuse a built-in type name.

    Raises:
        ValidationError: a key that is not a lower-case slug, or a bad resolution.
    """
    from evidencehub.core.collect.events import EVENT_TYPES

    obj = collection_settings(initiative=initiative)
    errors: dict[str, str] = {}
    if modules is not None:
        obj.modules = _keys(modules, "modules", errors)
    if custom_event_types is not None:
        types = _keys(custom_event_types, "custom_event_types", errors)
        clash = [t for t in types if t in EVENT_TYPES]
        if clash:
            errors["custom_event_types"] = f"{clash[0]!r} is already a built-in type."
        obj.custom_event_types = types
    if campaigns is not None:
        obj.campaigns = _keys(campaigns, "campaigns", errors)
    if time_resolution is not None:
        if time_resolution not in ("hour", "day"):
            errors["time_resolution"] = "Must be hour or day."
        obj.time_resolution = time_resolution
    if errors:
        raise ValidationError(errors)
    obj.save()
    _KEY_CACHE.clear()
    audit_record(
        action="evidencehub.collection_settings.updated",
        actor=actor,
        organisation=initiative.organisation,
        obj=obj,
    )
    return obj


def retention_days(*, organisation: Organisation) -> int:
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    default = int(
        _setting("EVIDENCEHUB_RAW_EVENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    )
    return policy.raw_event_days if policy else default


@transaction.atomic
def retention_update(
    *, actor: User, organisation: Organisation, raw_event_days: int
) -> RetentionPolicy:
    """Raises ValidationError unless 7 <= days <= 3650."""
    if not isinstance(raw_event_days, int) or not 7 <= raw_event_days <= 3650:
        raise ValidationError({"raw_event_days": "Must be from 7 to 3650 days."})
    policy, _c = RetentionPolicy.objects.get_or_create(organisation=organisation)
    policy.raw_event_days = raw_event_days
    policy.save()
    audit_record(
        action="evidencehub.retention_policy.updated",
        actor=actor,
        organisation=organisation,
        obj=policy,
        data={"raw_event_days": raw_event_days},
    )
    return policy


# -- keys -----------------------------------------------------------------------


def normalise_origin(value: str) -> str:
    """``https://Example.org/path`` → ``https://example.org``.

    Raises:
        ValueError: not an http(s) origin.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(value)
    if parts.username or parts.password:
        raise ValueError(value)
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _origins(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        raise ValidationError({"allowed_origins": "Must be a list of origins."})
    out: list[str] = []
    for item in value:
        try:
            origin = normalise_origin(str(item))
        except ValueError:
            raise ValidationError(
                {
                    "allowed_origins": f"{str(item)[:80]!r} is not an origin such as "
                    "https://example.org or http://abc…xyz.onion."
                }
            ) from None
        if origin not in out:
            out.append(origin)
    if len(out) > 20:
        raise ValidationError({"allowed_origins": "At most 20 origins."})
    return out


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class NewKey:
    key: CollectionKey
    token: str  # the full key; for a server key shown once, never again


def _make_key(
    *,
    actor: User | None,
    initiative: Initiative,
    kind: str,
    name: str,
    allowed_origins: list[str],
) -> NewKey:
    public_id = ("pk_" if kind == KeyKind.SITE else "sk_") + secrets.token_urlsafe(18)
    secret = ""
    if kind == KeyKind.SERVER:
        secret = secrets.token_urlsafe(32)
    key = CollectionKey.objects.create(
        initiative=initiative,
        kind=kind,
        name=name,
        public_id=public_id,
        secret_hash=_secret_hash(secret) if secret else "",
        allowed_origins=allowed_origins if kind == KeyKind.SITE else [],
        created_by=actor,
    )
    token = f"{public_id}.{secret}" if secret else public_id
    return NewKey(key=key, token=token)


@transaction.atomic
def key_create(
    *,
    actor: User,
    initiative: Initiative,
    kind: str,
    name: str,
    allowed_origins: Any = (),
) -> NewKey:
    """Create a site key (public, for the listed origins) or a server key.

    Raises:
        ValidationError: unknown kind, empty or long label, a site key
            without origins, or a malformed origin.
    """
    errors: dict[str, str] = {}
    if kind not in KeyKind.values:
        errors["kind"] = "Must be site or server."
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = "Give a label of 1 to 100 characters."
    if errors:
        raise ValidationError(errors)
    origins = _origins(list(allowed_origins) if allowed_origins else [])
    if kind == KeyKind.SITE and not origins:
        raise ValidationError(
            {"allowed_origins": "List the web addresses that may use this key."}
        )
    new = _make_key(
        actor=actor,
        initiative=initiative,
        kind=kind,
        name=name,
        allowed_origins=origins,
    )
    audit_record(
        action="evidencehub.collection_key.created",
        actor=actor,
        organisation=initiative.organisation,
        obj=new.key,
        data={"kind": kind, "allowed_origins": origins},
    )
    _ORIGIN_CACHE.clear()
    _KEY_CACHE.clear()
    return new


@transaction.atomic
def key_rotate(*, actor: User, key: CollectionKey) -> NewKey:
    """Replace ``key`` with a new one of the same kind and origins. The old key
    keeps working for 7 days (``EVIDENCEHUB_KEY_ROTATION_GRACE_DAYS``) so pages
    and back ends can switch over.

    Raises:
        ValidationError: the key is revoked or already replaced.
    """
    key = CollectionKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None or key.replaced_by_id is not None:
        raise ValidationError({"key": "This key is revoked or already replaced."})
    new = _make_key(
        actor=actor,
        initiative=key.initiative,
        kind=key.kind,
        name=key.name,
        allowed_origins=list(key.allowed_origins),
    )
    grace = timedelta(days=int(_setting("EVIDENCEHUB_KEY_ROTATION_GRACE_DAYS", 7)))
    key.expires_at = timezone.now() + grace
    key.replaced_by = new.key
    key.save(update_fields=["expires_at", "replaced_by"])
    audit_record(
        action="evidencehub.collection_key.rotated",
        actor=actor,
        organisation=key.initiative.organisation,
        obj=key,
        data={"replaced_by": new.key.public_id, "old_key_expires": str(key.expires_at)},
    )
    _ORIGIN_CACHE.clear()
    _KEY_CACHE.clear()
    return new


@transaction.atomic
def key_revoke(*, actor: User, key: CollectionKey) -> CollectionKey:
    """Stop a key at once (idempotent)."""
    key = CollectionKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            action="evidencehub.collection_key.revoked",
            actor=actor,
            organisation=key.initiative.organisation,
            obj=key,
        )
    _ORIGIN_CACHE.clear()
    _KEY_CACHE.clear()
    return key


def key_resolve(*, token: str, now: datetime | None = None) -> CollectionKey | None:
    """The active key for ``token`` (``pk_…`` or ``sk_….secret``), or None.
    Server-key secrets are compared in constant time."""
    if not isinstance(token, str) or not 10 < len(token) < 120:
        return None
    public_id, _dot, secret = token.partition(".")
    key = (
        CollectionKey.objects.select_related("initiative", "initiative__organisation")
        .filter(public_id=public_id)
        .first()
    )
    if key is None or not key.is_active(now):
        return None
    if key.kind == KeyKind.SERVER:
        if not secret or not hmac.compare_digest(key.secret_hash, _secret_hash(secret)):
            return None
    elif secret:
        return None
    return key


_ORIGIN_CACHE: dict[str, tuple[float, frozenset[str]]] = {}
_KEY_CACHE: dict[str, tuple[float, CollectionKey | None, Declared, str]] = {}


@dataclass(frozen=True)
class CollectContext:
    key: CollectionKey
    declared: Declared
    resolution: str


def collect_context(
    *, token: str, now: datetime | None = None
) -> CollectContext | None:
    """The key, declarations and time resolution for ``token``, cached in
    this process for ``EVIDENCEHUB_COLLECT_KEY_CACHE_SECONDS`` (default 5):
    three queries per request cost more than storing 100 events. A revoked
    key therefore stops working in other server processes within that time
    (at once in the process that revoked it)."""
    import time

    ttl = float(_setting("EVIDENCEHUB_COLLECT_KEY_CACHE_SECONDS", 5))
    moment = now or timezone.now()
    cached = _KEY_CACHE.get(token)
    if cached is None or cached[0] < time.monotonic():
        key = key_resolve(token=token, now=moment)
        declared, resolution = Declared(), "hour"
        if key is not None:
            declared = declared_for(initiative=key.initiative)
            resolution = collection_settings(initiative=key.initiative).time_resolution
        if len(_KEY_CACHE) > 10_000:
            _KEY_CACHE.clear()
        cached = (time.monotonic() + ttl, key, declared, resolution)
        _KEY_CACHE[token] = cached
    _expires, key, declared, resolution = cached
    if key is None or not key.is_active(moment):
        return None
    return CollectContext(key=key, declared=declared, resolution=resolution)


def known_origins() -> frozenset[str]:
    """Origins listed on any active site key (for CORS preflight answers),
    cached for 60 seconds per process."""
    import time

    cached = _ORIGIN_CACHE.get("all")
    if cached and cached[0] > time.monotonic():
        return cached[1]
    now = timezone.now()
    origins: set[str] = set()
    for key in CollectionKey.objects.filter(kind=KeyKind.SITE, revoked_at=None).filter(
        Q(expires_at=None) | Q(expires_at__gt=now)
    ):
        origins.update(key.allowed_origins)
    value = frozenset(origins)
    _ORIGIN_CACHE["all"] = (time.monotonic() + 60, value)
    return value


# -- salts --------------------------------------------------------------------

_SALTS: dict[date, bytes] = {}
_SALT_LOCK = threading.Lock()


def salt_for(*, day: date) -> bytes:
    """The salt of a UTC day, created at first use and shared by all server
    processes through the database; cached in this process's memory."""
    with _SALT_LOCK:
        cached = _SALTS.get(day)
        if cached is not None:
            return cached
        row = DailySalt.objects.filter(day=day).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = DailySalt.objects.create(day=day, salt=new_salt())
            except IntegrityError:  # another process made it first
                row = DailySalt.objects.get(day=day)
        salt = bytes(row.salt)
        for old in [d for d in _SALTS if d < day - timedelta(days=1)]:
            del _SALTS[old]
        _SALTS[day] = salt
        return salt


def salts_rotate(*, now: datetime | None = None) -> int:
    """Delete the salts of days that ended more than 24 hours ago (so no salt
    outlives its day by more than 48 hours from its creation) and drop them
    from this process's memory. Returns how many were deleted."""
    today = (now or timezone.now()).astimezone(UTC).date()
    cutoff = today - timedelta(days=1)
    deleted, _ = DailySalt.objects.filter(day__lt=cutoff).delete()
    with _SALT_LOCK:
        for old in [d for d in _SALTS if d < cutoff]:
            del _SALTS[old]
    return deleted


# -- events -------------------------------------------------------------------


@dataclass
class CollectResult:
    accepted: int = 0
    duplicates: int = 0
    dropped: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def client_id_hash(*, initiative_id: int, client_id: str) -> str:
    """The client event id is never stored as sent (it could carry anything);
    only BLAKE2b of initiative and id, 32 hex characters."""
    digest = hashlib.blake2b(f"{initiative_id}\x1f{client_id}".encode(), digest_size=16)
    return digest.hexdigest()


def _sqlite_durable() -> None:
    # With WAL and synchronous=NORMAL a committed transaction can be lost on
    # power failure; FULL syncs the WAL at each commit so an acknowledged
    # event survives a crash of the machine too (SQLite docs, "PRAGMA
    # synchronous", 2024). It cannot be changed inside a transaction.
    level = str(_setting("EVIDENCEHUB_COLLECT_SQLITE_SYNCHRONOUS", "FULL")).upper()
    if connection.vendor == "sqlite" and level in ("FULL", "NORMAL", "EXTRA"):
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={level}")


EVENT_COLUMNS = (
    "initiative_id",
    "occurred",
    "day",
    "type",
    "module",
    "channel",
    "locale",
    "referrer",
    "campaign",
    "value",
    "visitor",
    "client_id_hash",
    "source",
)
_CLIENT_ID = EVENT_COLUMNS.index("client_id_hash")


def event_values(
    *,
    initiative_id: int,
    events: list[CleanEvent],
    visitor: str,
    source: str,
    now: datetime,
    resolution: str,
) -> list[tuple[Any, ...]]:
    """Rows for :func:`insert_events`, in ``EVENT_COLUMNS`` order, with times
    truncated to ``resolution`` (hour or day)."""
    rows = []
    for ev in events:
        moment = truncate_time(ev.time or now, resolution)
        rows.append(
            (
                initiative_id,
                moment,
                moment.date(),
                ev.type,
                ev.module,
                ev.channel,
                ev.locale,
                ev.referrer,
                ev.campaign,
                ev.value,
                visitor,
                client_id_hash(initiative_id=initiative_id, client_id=ev.client_id)
                if ev.client_id
                else None,
                source,
            )
        )
    return rows


def insert_events(rows: list[tuple[Any, ...]]) -> None:
    """One ``executemany`` of ``INSERT … ON CONFLICT DO NOTHING`` (SQLite
    3.24+ and PostgreSQL 9.5+), skipping model instances: the ORM's
    ``bulk_create`` costs about twice as much per row. Call inside a
    transaction."""
    if not rows:
        return
    ops = connection.ops
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in EVENT_COLUMNS)
    marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
    # Only quoted, fixed identifiers are interpolated; values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    adapted = [
        (
            r[0],
            ops.adapt_datetimefield_value(r[1]),
            ops.adapt_datefield_value(r[2]),
            *r[3:],
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, adapted)


def dedupe_events(
    initiative_id: int, rows: list[tuple[Any, ...]]
) -> tuple[list[tuple[Any, ...]], int]:
    """Drop rows whose client id was already stored or repeats in the batch."""
    ids = {r[_CLIENT_ID] for r in rows if r[_CLIENT_ID]}
    if not ids:
        return rows, 0
    seen = set(
        Event.objects.filter(
            initiative_id=initiative_id, client_id_hash__in=list(ids)
        ).values_list("client_id_hash", flat=True)
    )
    kept = []
    for row in rows:
        cid = row[_CLIENT_ID]
        if cid:
            if cid in seen:
                continue
            seen.add(cid)
        kept.append(row)
    return kept, len(rows) - len(kept)


def events_store(
    *,
    key: CollectionKey,
    events: list[CleanEvent],
    ip: str,
    user_agent: str,
    gpc: bool,
    source: str,
    now: datetime | None = None,
    resolution: str | None = None,
) -> CollectResult:
    """Store validated events for ``key``'s initiative and commit before
    returning.

    The visitor hash is derived here, in memory, from ``ip`` and
    ``user_agent``; neither is stored. Requests through a site key from a
    known bot are dropped and counted. With Global Privacy Control
    (``Sec-GPC: 1``) no visitor hash is derived, so the event counts but the
    visitor does not. Server keys send events on behalf of many people, so
    their requests carry no visitor hash either.
    """
    from evidencehub.core.collect.bots import is_bot

    now = now or timezone.now()
    initiative = key.initiative
    today = now.astimezone(UTC).date()
    result = CollectResult()
    if key.kind == KeyKind.SITE and is_bot(user_agent):
        with transaction.atomic():
            updated = DroppedCount.objects.filter(
                initiative=initiative, day=today, reason=DroppedCount.Reason.BOT
            ).update(count=F("count") + len(events))
            if not updated:
                try:
                    with transaction.atomic():
                        DroppedCount.objects.create(
                            initiative=initiative,
                            day=today,
                            reason=DroppedCount.Reason.BOT,
                            count=len(events),
                        )
                except IntegrityError:
                    DroppedCount.objects.filter(
                        initiative=initiative, day=today, reason=DroppedCount.Reason.BOT
                    ).update(count=F("count") + len(events))
        result.dropped = len(events)
        return result
    visitor = ""
    if key.kind == KeyKind.SITE and not gpc:
        visitor = visitor_hash(
            salt=salt_for(day=today),
            initiative_id=initiative.pk,
            ip=ip,
            user_agent=user_agent,
        )
    if resolution is None:
        resolution = collection_settings(initiative=initiative).time_resolution
    rows = event_values(
        initiative_id=initiative.pk,
        events=events,
        visitor=visitor,
        source=source,
        now=now,
        resolution=resolution,
    )
    _sqlite_durable()
    with transaction.atomic():
        rows, result.duplicates = dedupe_events(initiative.pk, rows)
        insert_events(rows)
        if key.last_used_on != today:
            CollectionKey.objects.filter(pk=key.pk).update(last_used_on=today)
            key.last_used_on = today
    result.accepted = len(rows)
    return result


# -- rollups and purge ------------------------------------------------------------


@dataclass
class RollupResult:
    events: int = 0
    days: int = 0
    watermark: int = 0


def _rollup_day(initiative_id: int, day: date) -> None:
    groups = (
        Event.objects.filter(initiative_id=initiative_id, day=day)
        .values("type", "module", "channel", "locale")
        .annotate(
            n=Count("id"),
            visitors=Count("visitor", distinct=True, filter=~Q(visitor="")),
            value_count=Count("value"),
            value_sum=Sum("value"),
        )
    )
    DailyRollup.objects.filter(initiative_id=initiative_id, day=day).delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                initiative_id=initiative_id,
                day=day,
                type=g["type"],
                module=g["module"],
                channel=g["channel"],
                locale=g["locale"],
                events=g["n"],
                visitor_days=g["visitors"],
                value_count=g["value_count"],
                value_sum=g["value_sum"] or 0,
            )
            for g in groups
        ]
    )
    total = Event.objects.filter(initiative_id=initiative_id, day=day).aggregate(
        n=Count("id"), visitors=Count("visitor", distinct=True, filter=~Q(visitor=""))
    )
    DailyTotal.objects.update_or_create(
        initiative_id=initiative_id,
        day=day,
        defaults={"events": total["n"], "visitor_days": total["visitors"]},
    )


def rollup_run(*, batch: int = 200_000, now: datetime | None = None) -> RollupResult:
    """Roll up events that arrived since the last run.

    Incremental: only the (initiative, day) cells that received new events
    (ids above the watermark) are recomputed, each from that day's raw events,
    so cost grows with new data, not with history. Recomputing whole days
    (rather than adding increments) keeps visitor-days exact: a visitor seen
    in two runs of the same day still counts once.

    Concurrent writers on PostgreSQL can commit ids out of order, so an event
    may become visible below the watermark; the cells of today and yesterday
    that have raw events are therefore always recomputed as well, which
    catches such late commits at the cost of re-reading two days.
    """
    result = RollupResult()
    state, _c = RollupState.objects.get_or_create(name="events")
    start = state.last_event_id
    top = (
        Event.objects.filter(id__gt=start)
        .order_by("id")
        .values_list("id", flat=True)[batch - 1 : batch]
    )
    upper = top[0] if top else None
    new = Event.objects.filter(id__gt=start)
    if upper is not None:
        new = new.filter(id__lte=upper)
    cells = list(new.values("initiative_id", "day").annotate(n=Count("id")))
    today = (now or timezone.now()).astimezone(UTC).date()
    seen = {(c["initiative_id"], c["day"]) for c in cells}
    if start:  # not on the very first run, which reads everything anyway
        for cell in (
            Event.objects.filter(day__gte=today - timedelta(days=1))
            .values("initiative_id", "day")
            .distinct()
        ):
            if (cell["initiative_id"], cell["day"]) not in seen:
                cells.append({**cell, "n": 0})
    if not cells:
        result.watermark = start
        return result
    highest = max(
        start, new.order_by("-id").values_list("id", flat=True).first() or start
    )
    with transaction.atomic():
        for cell in cells:
            _rollup_day(cell["initiative_id"], cell["day"])
            result.events += cell["n"]
        RollupState.objects.filter(pk=state.pk).update(last_event_id=highest)
    result.days = len([c for c in cells if c["n"]])
    result.watermark = highest
    if upper is not None:  # more than one batch waiting
        more = rollup_run(batch=batch)
        result.events += more.events
        result.days += more.days
        result.watermark = more.watermark
    return result


def rollup_rebuild(*, initiative: Initiative) -> int:
    """Recompute every day of ``initiative`` that still has raw events."""
    days = list(
        Event.objects.filter(initiative=initiative)
        .values_list("day", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for day in days:
            _rollup_day(initiative.pk, day)
    return len(days)


@dataclass
class PurgeResult:
    events: int = 0
    salts: int = 0
    per_organisation: dict[str, int] = field(default_factory=dict)


def purge_run(*, now: datetime | None = None, actor: User | None = None) -> PurgeResult:
    """Delete raw events older than each organisation's retention period
    (default 90 days) once they are rolled up, and salts older than 48 hours.
    Rollups are kept. Each organisation's purge is audited."""
    now = now or timezone.now()
    rollup_run()
    result = PurgeResult(salts=salts_rotate(now=now))
    watermark = (
        RollupState.objects.filter(name="events")
        .values_list("last_event_id", flat=True)
        .first()
        or 0
    )
    for organisation in Organisation.objects.filter(
        initiatives__isnull=False
    ).distinct():
        days = retention_days(organisation=organisation)
        cutoff = now.astimezone(UTC).date() - timedelta(days=days)
        with transaction.atomic():
            deleted, _ = Event.objects.filter(
                initiative__organisation=organisation, day__lt=cutoff, id__lte=watermark
            ).delete()
            if deleted:
                audit_record(
                    action="evidencehub.events.purged",
                    actor=actor,
                    organisation=organisation,
                    actor_label="" if actor else "evidencehub purge",
                    data={
                        "events": deleted,
                        "before": cutoff.isoformat(),
                        "days": days,
                    },
                )
        if deleted:
            result.per_organisation[organisation.slug] = deleted
        result.events += deleted
    return result


# -- contact records ------------------------------------------------------------


def contact_row(
    *, initiative: Initiative, clean: CleanContact, source: str, actor: User | None
) -> ContactRecord:
    """A ContactRecord (unsaved). A pseudonym becomes a keyed hash here.

    Raises:
        ValidationError: the pseudonym is too short or too long.
    """
    alias = ""
    if clean.pseudonym:
        try:
            alias = codes.pseudonym_hash(
                clean.pseudonym,
                collection_settings(initiative=initiative).secret_bytes,
            )
        except codes.CodeError as exc:
            raise ValidationError({"pseudonym": str(exc)}) from None
    return ContactRecord(
        initiative=initiative,
        date=clean.date,
        hour=clean.hour,
        channel=clean.channel,
        status=clean.status,
        caller_type=clean.caller_type,
        offending_status=clean.offending_status,
        concerns=list(clean.concerns),
        risk_level=clean.risk_level,
        self_harm_risk=clean.self_harm_risk,
        distress_start=clean.distress_start,
        distress_end=clean.distress_end,
        actions=list(clean.actions),
        repeat_contact=clean.repeat_contact,
        previous_actions_taken=clean.previous_actions_taken,
        pseudonym_hash=alias,
        safeguarding=clean.safeguarding,
        duration=clean.duration,
        fidelity_sample=clean.fidelity_sample,
        source=source,
        entered_by=actor,
    )


@transaction.atomic
def contact_record_create(
    *, actor: User, initiative: Initiative, data: dict[str, Any], source: str = "form"
) -> ContactRecord:
    """Validate and save one contact record.

    Raises:
        ValidationError: naming each bad field.
    """
    from evidencehub.core.collect.contacts import validate_contact

    clean, errors = validate_contact(data, today=timezone.localdate())
    if clean is None:
        raise ValidationError(errors)
    record = contact_row(initiative=initiative, clean=clean, source=source, actor=actor)
    record.save()
    return record


def previous_contacts(*, initiative: Initiative, pseudonym: str) -> int:
    """How many earlier records carry the same pseudonym (0 when malformed)."""
    try:
        alias = codes.pseudonym_hash(
            pseudonym, collection_settings(initiative=initiative).secret_bytes
        )
    except codes.CodeError:
        return 0
    return ContactRecord.objects.filter(
        initiative=initiative, pseudonym_hash=alias
    ).count()


# -- aggregate figures -------------------------------------------------------------


@transaction.atomic
def figure_save(
    *, actor: User, initiative: Initiative, clean: CleanFigure
) -> tuple[AggregateFigure, bool]:
    """Create or replace the figure for (element, period). Returns (figure,
    created)."""
    figure, created = AggregateFigure.objects.update_or_create(
        initiative=initiative,
        element=clean.element,
        period_start=clean.period_start,
        period_end=clean.period_end,
        defaults={
            "value": clean.value,
            "source_system": clean.source_system,
            "note": clean.note,
            "entered_by": actor,
        },
    )
    return figure, created


@transaction.atomic
def figure_delete(*, actor: User, figure: AggregateFigure) -> None:
    audit_record(
        action="evidencehub.aggregate_figure.deleted",
        actor=actor,
        organisation=figure.initiative.organisation,
        obj=figure,
    )
    figure.delete()


# -- user-held codes ------------------------------------------------------------------


def user_code_hash(*, initiative: Initiative, code: str) -> str:
    """Keyed hash of a user-held code under the initiative's secret.

    Raises:
        ValidationError: ``{"code": plain message}`` when the code is malformed
            or its check character does not match.
    """
    try:
        return codes.code_hash(
            code, collection_settings(initiative=initiative).secret_bytes
        )
    except codes.CodeError as exc:
        raise ValidationError({"code": str(exc)}) from None


__all__ = ["Source"]
