"""Calendar feeds (RFC 5545, parsed back), weekly digests, two-week
reminders, time zones and one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from evidencehub.apps.funding.digests import digest_for, send_digests, send_reminders
from evidencehub.apps.funding.models import Call, FundingProfile, PersonSettings
from evidencehub.apps.funding.services import (
    call_save,
    person_settings_update,
    saved_search_create,
    watch,
)


def events(body: bytes) -> list[Any]:
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    return list(calendar.walk("VEVENT"))


def test_call_and_feeds_parse(
    cast: Any, demo: dict[str, int], client_for: Any, client: Any
) -> None:
    viewer = client_for(cast.viewer_a)
    response = viewer.get(
        "/funding/calls/demo-small-grants-online-prevention/deadlines.ics"
    )
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = events(response.content)
    assert "Small grants for online prevention" in str(event["SUMMARY"])
    due = (
        Call.objects.get(key="demo-small-grants-online-prevention")
        .deadlines.get()
        .due_at
    )
    assert event.decoded("DTSTART") == due
    seed = events(
        viewer.get("/funding/calls/eu-cerv-2022-daphne/deadlines.ics").content
    )
    assert str(seed[0].decoded("DTSTART")) == "2022-04-12"  # no time stated: all-day
    saved = saved_search_create(
        actor=cast.admin_a,
        organisation=cast.org_a,
        name="Helplines",
        params={"theme": ["helplines"]},
    )
    client.logout()
    feed = client.get(f"/funding/feeds/search/{saved.feed_token}.ics")
    assert feed.status_code == 200 and len(events(feed.content)) == 2
    watch(
        actor=cast.admin_a,
        organisation=cast.org_a,
        call=Call.objects.get(key="demo-helpline-capacity-fund"),
    )
    token = FundingProfile.objects.get(organisation=cast.org_a).feed_token
    watched = events(client.get(f"/funding/feeds/watchlist/{token}.ics").content)
    assert [str(e["SUMMARY"]) for e in watched] == [
        "Deadline: Helpline capacity fund (synthetic demo)"
    ]
    assert client.get("/funding/feeds/search/not-a-token.ics").status_code == 404


def test_deadlines_shown_in_the_persons_time_zone(
    cast: Any, demo: dict[str, int], client_for: Any
) -> None:
    call = Call.objects.get(key="demo-helpline-capacity-fund")  # 12:00 CET = 11:00 UTC
    person_settings_update(user=cast.viewer_a, time_zone="Asia/Tokyo")
    page = client_for(cast.viewer_a).get(f"/funding/calls/{call.key}/").content.decode()
    assert "20:00" in page and "Asia/Tokyo" in page
    person_settings_update(user=cast.viewer_a, time_zone="Europe/Berlin")
    page = client_for(cast.viewer_a).get(f"/funding/calls/{call.key}/").content.decode()
    assert "12:00" in page
    seed = (
        client_for(cast.viewer_a)
        .get("/funding/calls/eu-horizon-cl3-2024-fct-01-03/")
        .content.decode()
    )
    assert "time zone not stated by the source" in seed


def test_digest_content(cast: Any, demo: dict[str, int]) -> None:
    now = timezone.now()
    saved_search_create(
        actor=cast.admin_a,
        organisation=cast.org_a,
        name="Online",
        params={"q": "online"},
    )
    watch(
        actor=cast.admin_a,
        organisation=cast.org_a,
        call=Call.objects.get(key="demo-small-grants-online-prevention"),
    )
    digest = digest_for(cast.viewer_a, now=now, since=now - timedelta(days=7))
    body = digest.body()
    assert "New calls for 'Online' (Org A)" in body
    assert "Small grants for online prevention projects (synthetic demo)" in body
    assert "Deadlines in the next 30 days (Org A)" in body
    assert (
        "Who can apply: Small non-profits in Germany, Austria or the Netherlands"
        in body
    )
    assert "/funding/unsubscribe/" in body
    later = digest_for(cast.viewer_a, now=now, since=now + timedelta(seconds=1))
    assert "New calls for" not in later.body()  # nothing new since


def test_send_digests_weekly_and_opt_out(
    cast: Any, demo: dict[str, int], mailoutbox: Any, client: Any
) -> None:
    watch(
        actor=cast.admin_a,
        organisation=cast.org_a,
        call=Call.objects.get(key="demo-small-grants-online-prevention"),
    )
    sent = send_digests()
    assert sent == 4  # org A has four members; org B has nothing to read
    assert send_digests() == 0  # weekly gate
    prefs = PersonSettings.objects.get(user=cast.viewer_a)
    assert (
        client.post(f"/funding/unsubscribe/{prefs.unsubscribe_token}/").status_code
        == 200
    )
    prefs.refresh_from_db()
    assert prefs.digest == "off" and not prefs.reminders
    mailoutbox.clear()
    send_digests(force=True)
    assert "viewer-a@example.org" not in [m.to[0] for m in mailoutbox]


def test_reminders_two_weeks_before_once(
    cast: Any, demo: dict[str, int], mailoutbox: Any
) -> None:
    soon = (timezone.now() + timedelta(days=13)).date().isoformat()
    call = call_save(
        actor=None,
        key="soon",
        name="Closing soon",
        status="open",
        deadline_text=soon,
        sources=[{"url": "https://example.org", "kind": "synthetic"}],
    )
    far = Call.objects.get(key="demo-helpline-capacity-fund")
    watch(actor=cast.admin_a, organisation=cast.org_a, call=call)
    watch(actor=cast.admin_a, organisation=cast.org_a, call=far)
    assert send_reminders() == 4
    assert all(m.subject == "Two weeks left: Closing soon" for m in mailoutbox)
    assert send_reminders() == 0
    out = StringIO()
    call_command("funders", "send-digests", "--reminders-only", stdout=out)
    assert "0 reminder(s)" in out.getvalue()
