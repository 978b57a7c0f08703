"""The organisation's own members see their figures unprotected and marked
as internal; the deployment refuses a threshold under 5."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.utils import translation

from evidencehub.apps.disclosure.selectors import (
    INTERNAL_NOTE,
    Audience,
    audience_for,
    release_policy,
    released_results,
)
from evidencehub.core.kpis.results import parse_period

MARK = "Internal: not for sharing — small numbers are not hidden."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/helpline-a/kpis/?period=2026",
        "/initiatives/helpline-a/kpis/scorecard/?period=2026",
    ],
)
def test_members_see_the_internal_marking_on_kpi_pages(
    computed: Any, client_for: Any, url: str
) -> None:
    html = client_for(computed.viewer_a).get(url).content.decode()
    assert 'id="internal-note"' in html
    assert MARK in html
    assert "internal, not protected" in html


@pytest.mark.django_db
def test_members_see_their_small_numbers_marked_internal_in_the_api(
    computed: Any, api_for: Any
) -> None:
    api = api_for(computed.staff_a)
    rows = api.get("/api/v1/initiatives/helpline-a/kpis/?period=2026").json()
    chat = [r for r in rows if r["kpi_id"] == "R02" and r["group"] == "chat"]
    assert chat[0]["value"] == 3  # unprotected: it is their own figure
    assert all(r["internal"] is True and r["disclosure"] == MARK for r in rows)
    card = api.get("/api/v1/initiatives/helpline-a/kpis/scorecard/?period=2026").json()
    assert card["internal"] is True and card["disclosure"] == MARK


@pytest.mark.django_db
def test_audience_and_released_results(computed: Any) -> None:
    from evidencehub.apps.kpis.selectors import stored

    a = computed.initiative_a
    assert (
        audience_for(user=computed.viewer_a, organisation=computed.org_a)
        is Audience.INTERNAL
    )
    assert (
        audience_for(user=computed.evaluator, organisation=computed.org_a)
        is Audience.OUTSIDE
    )
    assert (
        audience_for(user=computed.admin_b, organisation=computed.org_a)
        is Audience.OUTSIDE
    )
    rows = stored(initiative=a, period=parse_period("2026"), with_groups=True)
    inside = released_results(results=rows, audience=Audience.INTERNAL)
    assert all(r.internal and not r.suppressed for r in inside)
    outside = released_results(results=rows, audience=Audience.OUTSIDE)
    assert any(r.suppressed for r in outside)
    assert not any(r.internal for r in outside)


def test_internal_note_is_translated_to_german() -> None:
    with translation.override("de"):
        assert str(INTERNAL_NOTE) != MARK


def test_policy_follows_the_settings(settings: Any) -> None:
    settings.SUPPRESSION_THRESHOLD = 7
    settings.ROUNDING_BASE = 5
    policy = release_policy()
    assert (policy.threshold, policy.rounding_base) == (7, 5)


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SUPPRESSION_THRESHOLD)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "evidencehub.config.settings_test",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"EVIDENCEHUB_SUPPRESSION_THRESHOLD": "4"},
            "EVIDENCEHUB_SUPPRESSION_THRESHOLD is 4",
        ),
        ({"EVIDENCEHUB_SUPPRESSION_THRESHOLD": "0"}, "must be from 5 to 1000"),
        (
            {"EVIDENCEHUB_SUPPRESSION_THRESHOLD": "ten"},
            "EVIDENCEHUB_SUPPRESSION_THRESHOLD",
        ),
        ({"EVIDENCEHUB_ROUNDING_BASE": "1"}, "EVIDENCEHUB_ROUNDING_BASE is 1"),
    ],
)
def test_a_threshold_under_five_refuses_to_start(
    env: dict[str, str], message: str
) -> None:
    done = start(env)
    assert done.returncode != 0
    assert message in done.stderr


def test_a_threshold_of_five_starts() -> None:
    done = start({"EVIDENCEHUB_SUPPRESSION_THRESHOLD": "5"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"


def test_every_reason_the_core_writes_reads_in_german() -> None:
    from datetime import date

    from evidencehub.apps.disclosure.presenters import reason_text
    from evidencehub.core.disclosure import (
        SECONDARY_REASON,
        ReleasePolicy,
        release_result,
    )
    from evidencehub.core.kpis.results import (
        KpiResult,
        Period,
        count_result,
        proportion_result,
    )

    p = Period(date(2026, 1, 1), date(2026, 12, 31), "year", "2026")
    figures = [
        count_result(
            kpi_id="R02", kpi_version="1", period=p, count=3, unit="c", source=""
        ),
        count_result(
            kpi_id="R02", kpi_version="1", period=p, count=33, unit="c", source=""
        ),
        proportion_result(
            kpi_id="R03",
            kpi_version="1",
            period=p,
            numerator=2,
            denominator=5,
            source="",
        ),
        proportion_result(
            kpi_id="R03",
            kpi_version="1",
            period=p,
            numerator=2,
            denominator=50,
            source="",
        ),
        KpiResult("W01", "1", p, "ok", value=2.0, n=4, details={"figure": "median"}),
    ]
    policy = ReleasePolicy(rounding_base=5)
    reasons = [r for f in figures for r in release_result(f, policy).reasons]
    reasons.append(SECONDARY_REASON)
    assert len(reasons) == 6
    with translation.override("de"):
        german = [reason_text(r) for r in reasons]
    assert all(g != r for g, r in zip(german, reasons, strict=True)), german
    assert "Median" in german[4]
    assert reason_text("Something else.") == "Something else."


@pytest.mark.django_db
def test_the_evaluator_page_speaks_german(computed: Any, client_for: Any) -> None:
    client = client_for(computed.evaluator)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    html = client.get("/consortia/consortium/results/?period=2026").content.decode()
    assert "Geschützte Ergebnisse" in html
    assert "Zurückgehalten: Diese Anzahl liegt unter 10" in html
