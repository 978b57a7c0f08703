"""Read deadlines out of the words a source used.

Seed records state deadlines as text ("2025-05-07 17:00 (CEST)", "Past
deadlines: 2019-12-18; 2021-03-03", "ongoing (rolling)"). We keep that text as
written and derive structured deadlines only from what it states: a date, a
time when one is given, and a UTC offset only when a zone abbreviation with a
fixed offset is given (BST, GMT, UTC, CET, CEST). A time without a zone stays
"zone not stated"; we never guess one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

# Fixed offsets of the abbreviations sources use, in minutes east of UTC.
ZONE_OFFSETS: dict[str, int] = {"GMT": 0, "UTC": 0, "BST": 60, "CET": 60, "CEST": 120}

_DEADLINE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[ T](?P<time>\d{1,2}:\d{2}))?"
    r"(?:\s*\(?\s*(?P<zone>GMT|UTC|BST|CEST|CET)\b\)?)?"
    r"(?:\s*\((?P<note>[^)]*)\))?"
)
_ROLLING = re.compile(r"\b(rolling|ongoing|no deadline|year-round)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDeadline:
    """One deadline read from text.

    ``time`` and ``utc_offset_minutes`` are ``None`` when the text does not
    state them. ``stage`` is the label the text gives ("second round").
    """

    day: date
    time: time | None
    utc_offset_minutes: int | None
    zone_label: str
    stage: str

    def due_at(self) -> datetime:
        """The moment the deadline passes, in UTC.

        Without a time we take the end of the day; without a zone we read the
        time as UTC. Both are used for sorting and "days left" only; pages say
        the time or zone was not stated.
        """
        offset = timezone(timedelta(minutes=self.utc_offset_minutes or 0))
        moment = self.time or time(23, 59)
        return datetime.combine(self.day, moment, tzinfo=offset).astimezone(UTC)


def parse_deadlines(text: str) -> tuple[list[ParsedDeadline], bool]:
    """Return the deadlines stated in ``text`` and whether it says the call is
    rolling (open with no fixed deadline).

    Invalid dates (e.g. ``2024-02-31``) are skipped, not guessed.
    """
    text = text or ""
    label = ""
    prefix = text.split(":", 1)[0] if ":" in text else ""
    if prefix and not re.search(r"\d{4}-\d{2}-\d{2}", prefix):
        label = prefix.strip()
    found: list[ParsedDeadline] = []
    for match in _DEADLINE.finditer(text):
        try:
            day = date.fromisoformat(match.group("date"))
        except ValueError:
            continue
        parsed_time: time | None = None
        if match.group("time"):
            hours, minutes = (int(p) for p in match.group("time").split(":"))
            if hours > 23 or minutes > 59:
                continue
            parsed_time = time(hours, minutes)
        zone = match.group("zone") or ""
        note = (match.group("note") or "").strip()
        stage = note if note and note.lower() not in {"secondary"} else label
        found.append(
            ParsedDeadline(
                day=day,
                time=parsed_time,
                utc_offset_minutes=ZONE_OFFSETS.get(zone) if zone else None,
                zone_label=zone,
                stage=stage[:120],
            )
        )
    return found, bool(_ROLLING.search(text))


def days_left(due: datetime, now: datetime) -> int:
    """Whole days from ``now`` until ``due`` (negative when passed)."""
    return (due - now).days if due >= now else -((now - due).days + 1)
