"""Weekly digest e-mails and two-week deadline reminders.

* Digest (weekly by default, per person): for each organisation the person
  belongs to, the calls of each saved search that are new since the last
  digest, and the watched or matching calls with a deadline in the next 30
  days. Nothing is sent when there is nothing to say.
* Reminder: 14 days before each deadline of a watched call (the interval
  Simpler.Grants.gov uses), once per deadline, to members with reminders on.

Both are run by ``evidencehub funders send-digests`` (cron or a scheduled
task); the run is idempotent for reminders and weekly-gated for digests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Membership, Organisation, User
from evidencehub.apps.funding.models import (
    Call,
    Deadline,
    PersonSettings,
    SavedSearch,
    WatchedCall,
)
from evidencehub.apps.funding.selectors import filtered_calls, one_line_who
from evidencehub.apps.funding.services import settings_for

REMINDER_DAYS = 14
UPCOMING_DAYS = 30
DIGEST_EVERY = timedelta(days=7)


def site_url() -> str:
    return str(
        getattr(settings, "EVIDENCEHUB_BASE_URL", "http://127.0.0.1:8000")
    ).rstrip("/")


@dataclass
class DigestSection:
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Digest:
    subject: str
    sections: list[DigestSection]
    unsubscribe_url: str

    @property
    def empty(self) -> bool:
        return not any(s.lines for s in self.sections)

    def body(self) -> str:
        parts = ["Funding news for you from the Prevention Evidence Hub.", ""]
        for section in self.sections:
            if not section.lines:
                continue
            parts.append(section.title)
            parts.append("-" * len(section.title))
            parts.extend(section.lines)
            parts.append("")
        parts.append(
            "Deadlines are shown in your time zone. Always check the funder's own page."
        )
        parts.append(f"Stop these e-mails: {self.unsubscribe_url}")
        return "\n".join(parts)


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%d %b %Y, %H:%M")


def _deadline_words(deadline: Deadline, tz: str) -> str:
    if deadline.due_time is not None and deadline.utc_offset_minutes is not None:
        return _local(deadline.due_at, tz) + f" ({tz})"
    return deadline.due_date.strftime("%d %b %Y") + " (time not stated)"


def _call_line(call: Call, *, now: datetime, tz: str) -> str:
    upcoming = [d for d in call.deadlines.all() if d.due_at >= now]
    when = (
        "deadline " + _deadline_words(upcoming[0], tz)
        if upcoming
        else "open all year"
        if call.rolling
        else "deadline not known"
    )
    who = one_line_who(call)
    line = f"* {call.name} — {when}"
    if who:
        line += f"\n  Who can apply: {who}"
    return line + f"\n  {site_url()}/funding/calls/{call.key}/"


def digest_for(
    user: User, *, now: datetime | None = None, since: datetime | None = None
) -> Digest:
    """The digest content for ``user``: new matches of the saved searches of
    their organisations since ``since`` (default: their last digest, or a
    week), and watched calls due in the next 30 days."""
    now = now or timezone.now()
    prefs = settings_for(user)
    tz = prefs.time_zone
    since = since or prefs.last_digest_at or now - DIGEST_EVERY
    sections: list[DigestSection] = []
    org_ids = Membership.objects.filter(user=user).values_list(
        "organisation_id", flat=True
    )
    for organisation in Organisation.objects.filter(id__in=org_ids).order_by("name"):
        for saved in SavedSearch.objects.filter(organisation=organisation):
            qs, _s, _i = filtered_calls(saved.params, now=now)
            new = list(
                qs.filter(created_at__gte=since)
                .prefetch_related("deadlines")
                .order_by("last_deadline_at")[:20]
            )
            sections.append(
                DigestSection(
                    f"New calls for '{saved.name}' ({organisation.name})",
                    [_call_line(c, now=now, tz=tz) for c in new],
                )
            )
        soon = (
            WatchedCall.objects.filter(
                organisation=organisation,
                call__deadlines__due_at__gte=now,
                call__deadlines__due_at__lte=now + timedelta(days=UPCOMING_DAYS),
            )
            .select_related("call")
            .prefetch_related("call__deadlines")
            .distinct()
        )
        sections.append(
            DigestSection(
                f"Deadlines in the next {UPCOMING_DAYS} days ({organisation.name})",
                [_call_line(w.call, now=now, tz=tz) for w in soon],
            )
        )
    return Digest(
        subject="Your funding digest",
        sections=sections,
        unsubscribe_url=f"{site_url()}/funding/unsubscribe/{prefs.unsubscribe_token}/",
    )


def send_digests(*, now: datetime | None = None, force: bool = False) -> int:
    """Send due weekly digests; return how many were sent."""
    now = now or timezone.now()
    sent = 0
    people = User.objects.filter(is_active=True, memberships__isnull=False).distinct()
    for user in people:
        prefs = settings_for(user)
        if prefs.digest == PersonSettings.Digest.OFF:
            continue
        if (
            not force
            and prefs.last_digest_at
            and now - prefs.last_digest_at < DIGEST_EVERY
        ):
            continue
        digest = digest_for(user, now=now)
        with transaction.atomic():
            prefs.last_digest_at = now
            prefs.save(update_fields=["last_digest_at"])
        if digest.empty:
            continue
        send_mail(digest.subject, digest.body(), None, [user.email])
        sent += 1
    return sent


def send_reminders(*, now: datetime | None = None) -> int:
    """Send a reminder for each watched deadline that is 14 days (or fewer)
    away and not yet reminded; return how many e-mails were sent."""
    now = now or timezone.now()
    horizon = now + timedelta(days=REMINDER_DAYS)
    sent = 0
    watched = WatchedCall.objects.select_related(
        "call", "organisation"
    ).prefetch_related("call__deadlines")
    for watch in watched:
        due = [
            d
            for d in watch.call.deadlines.all()
            if now <= d.due_at <= horizon and d.pk not in watch.reminded_deadlines
        ]
        if not due:
            continue
        members = User.objects.filter(
            memberships__organisation=watch.organisation, is_active=True
        ).distinct()
        for user in members:
            prefs = settings_for(user)
            if not prefs.reminders:
                continue
            lines = [
                f"The deadline of a call {watch.organisation.name} watches is close:",
                "",
                _call_line(watch.call, now=now, tz=prefs.time_zone),
                "",
                *[f"Deadline: {_deadline_words(d, prefs.time_zone)}" for d in due],
                "",
                "Stop reminders: "
                f"{site_url()}/funding/unsubscribe/{prefs.unsubscribe_token}/",
            ]
            send_mail(
                f"Two weeks left: {watch.call.name}"[:200],
                "\n".join(lines),
                None,
                [user.email],
            )
            sent += 1
        watch.reminded_deadlines = [*watch.reminded_deadlines, *[d.pk for d in due]]
        watch.save(update_fields=["reminded_deadlines"])
    return sent
