"""Reads for anonymous collection. Callers resolve the initiative first
(``initiative_for_user`` / ``api_initiative``); nothing here crosses
organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from evidencehub.apps.collect.models import (
    AggregateFigure,
    CollectionKey,
    ContactRecord,
    DailyRollup,
    DailyTotal,
    DroppedCount,
    Event,
    RollupState,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.core.collect.figures import DATA_ELEMENTS


def keys_for(*, initiative: Initiative) -> QuerySet[CollectionKey]:
    return CollectionKey.objects.filter(initiative=initiative).select_related(
        "replaced_by"
    )


def key_for(*, initiative: Initiative, pk: int) -> CollectionKey | None:
    return keys_for(initiative=initiative).filter(pk=pk).first()


def active_site_key(*, initiative: Initiative) -> CollectionKey | None:
    for key in keys_for(initiative=initiative).filter(kind="site"):
        if key.is_active():
            return key
    return None


def contact_records(
    *, initiative: Initiative, start: date | None = None, end: date | None = None
) -> QuerySet[ContactRecord]:
    qs = ContactRecord.objects.filter(initiative=initiative)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs


def figures(*, initiative: Initiative) -> QuerySet[AggregateFigure]:
    return AggregateFigure.objects.filter(initiative=initiative)


def rollups(*, initiative: Initiative, start: date, end: date) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(
        initiative=initiative, day__gte=start, day__lte=end
    )


@dataclass(frozen=True)
class CollectionSummary:
    start: date
    end: date
    events: int
    visitor_days: int
    dropped_bots: int
    contacts: int
    by_type: list[dict[str, Any]]
    raw_events_waiting: int


def summary(*, initiative: Initiative, days: int = 30) -> CollectionSummary:
    """Totals over the last ``days`` days (UTC) from the rollups, plus how
    many raw events are not rolled up yet."""
    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    totals = DailyTotal.objects.filter(
        initiative=initiative, day__gte=start, day__lte=end
    ).aggregate(events=Sum("events"), visitors=Sum("visitor_days"))
    by_type = [
        dict(row)
        for row in rollups(initiative=initiative, start=start, end=end)
        .values("type")
        .annotate(events=Sum("events"), visitor_days=Sum("visitor_days"))
        .order_by("-events")
    ]
    dropped = DroppedCount.objects.filter(
        initiative=initiative, day__gte=start, day__lte=end
    ).aggregate(n=Sum("count"))["n"]
    watermark = (
        RollupState.objects.filter(name="events")
        .values_list("last_event_id", flat=True)
        .first()
        or 0
    )
    waiting = Event.objects.filter(initiative=initiative, id__gt=watermark).count()
    return CollectionSummary(
        start=start,
        end=end,
        events=totals["events"] or 0,
        visitor_days=totals["visitors"] or 0,
        dropped_bots=dropped or 0,
        contacts=contact_records(initiative=initiative, start=start, end=end).count(),
        by_type=by_type,
        raw_events_waiting=waiting,
    )


def daily_series(*, initiative: Initiative, days: int = 30) -> list[dict[str, Any]]:
    """One row per day (oldest first) of the last ``days`` UTC days: events,
    visitor-days, and ``height`` (percent of the busiest day) for bar charts."""
    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    totals = {
        t.day: t
        for t in DailyTotal.objects.filter(
            initiative=initiative, day__gte=start, day__lte=end
        )
    }
    counts = []
    for i in range(days):
        day = start + timedelta(days=i)
        total = totals.get(day)
        counts.append(
            (day, total.events if total else 0, total.visitor_days if total else 0)
        )
    peak = max((events for _day, events, _v in counts), default=0) or 1
    rows: list[dict[str, Any]] = []
    for day, events, visitors in counts:
        height = round(100 * events / peak)
        rows.append(
            {
                "day": day,
                "events": events,
                "visitor_days": visitors,
                "height": height,
                "top": 100 - height,
            }
        )
    return rows


@dataclass(frozen=True)
class PeriodFigure:
    """A count for a period and where it came from: ``"events"`` (rollups),
    ``"contacts"`` (contact records), ``"aggregate"`` (an entered figure) or
    ``"none"``. ``detail`` says which source system or rule applied."""

    element: str
    start: date
    end: date
    value: int | None
    source: str
    detail: str = ""


def figure_for_period(
    *, initiative: Initiative, element: str, start: date, end: date
) -> PeriodFigure:
    """The value of data element ``element`` for [start, end] (inclusive).

    Event-level data wins where the period has any of it (rollups for event
    types and visitor-days, contact records for calls/chats/e-mails); the
    entered aggregate figure for exactly that period is used otherwise, and
    the result says which source it used.

    Raises:
        KeyError: unknown element.
    """
    _label, source = DATA_ELEMENTS[element]
    if source == "visitor_days":
        qs = DailyTotal.objects.filter(
            initiative=initiative, day__gte=start, day__lte=end
        )
        if qs.exists():
            value = qs.aggregate(n=Sum("visitor_days"))["n"] or 0
            return PeriodFigure(element, start, end, int(value), "events", "rollups")
    elif source.startswith("event:"):
        qs_r = rollups(initiative=initiative, start=start, end=end).filter(
            type=source.removeprefix("event:")
        )
        if qs_r.exists():
            value = qs_r.aggregate(n=Sum("events"))["n"] or 0
            return PeriodFigure(element, start, end, int(value), "events", "rollups")
    else:
        _kind, channel, status = source.split(":")
        qs_c = contact_records(initiative=initiative, start=start, end=end).filter(
            channel=channel
        )
        if qs_c.exists():
            if status != "*":
                qs_c = qs_c.filter(status=status)
            return PeriodFigure(
                element, start, end, qs_c.count(), "contacts", "contact records"
            )
    figure = (
        figures(initiative=initiative)
        .filter(element=element, period_start=start, period_end=end)
        .first()
    )
    if figure is not None:
        return PeriodFigure(
            element, start, end, int(figure.value), "aggregate", figure.source_system
        )
    return PeriodFigure(element, start, end, None, "none")


def contact_counts(*, initiative: Initiative, start: date, end: date) -> dict[str, Any]:
    qs = contact_records(initiative=initiative, start=start, end=end)
    return {
        "by_status": dict(qs.values_list("status").annotate(n=Count("id")).order_by()),
        "by_channel": dict(
            qs.values_list("channel").annotate(n=Count("id")).order_by()
        ),
    }
