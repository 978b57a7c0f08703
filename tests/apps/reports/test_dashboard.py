"""The initiative dashboard: sections, release for outside viewers, filters,
tenancy, the page, its API and the chart builders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from evidencehub.apps.disclosure.selectors import Audience, audience_for
from evidencehub.apps.kpis.models import StoredResult
from evidencehub.apps.reports.api import dashboard_dict
from evidencehub.apps.reports.selectors import (
    SECTION_IDS,
    WITHHELD_FOR_SAFETY,
    DashboardError,
    dashboard,
    figure_rows,
)
from evidencehub.core.charts import render_svg
from evidencehub.core.charts.specs import Bar, bar_chart, number, parts_chart
from evidencehub.core.kpis.results import parse_period
from tests.disclosure_scan import assert_no_small_cells

Y = parse_period("2026")
URL = "/initiatives/helpline-a/dashboard/"
API = "/api/v1/initiatives/helpline-a/dashboard/"
# A figure resting on 5 staff: shown to members, withheld from anyone else.
SMALL_VALUE = 83.3


def _store(initiative: Any, kpi_id: str, period: str = "2026", **kw: Any) -> None:
    p = parse_period(period)
    StoredResult.objects.create(
        organisation_id=initiative.organisation_id,
        initiative=initiative,
        kpi_id=kpi_id,
        kpi_version="1",
        period_label=p.label,
        period_kind=p.kind,
        period_start=p.start,
        period_end=p.end,
        status=kw.pop("status", "ok"),
        methods=[{"id": "evidencehub.kpis.engine", "version": "1"}],
        computed_at=datetime(2026, 11, 1, tzinfo=UTC),
        **kw,
    )


@pytest.fixture
def figures(cast: Any) -> Any:
    from evidencehub.apps.initiatives.services import question_save

    i = cast.initiative_a
    question_save(
        actor=cast.admin_a,
        initiative=i,
        text="Are calls answered?",
        design="routine_monitoring",
        kpi_targets=[
            {"kpi_id": "R03", "direction": "at_least", "target_value": 70},
            {"kpi_id": "ST01", "direction": "at_least", "target_value": 50},
        ],
    )
    _store(i, "R02", value=2204, n=2204, unit="contacts")
    _store(i, "R03", value=80.5, lower=79.0, upper=82.0, n=2735, unit="%")
    _store(i, "R03", "2025", value=75.0, lower=73.2, upper=76.7, n=2500, unit="%")
    _store(i, "R03", breakdown="channel", group="phone", value=81.0, n=2700, unit="%")
    _store(i, "R03", breakdown="channel", group="chat", value=57.1, n=7, unit="%")
    _store(i, "ST01", value=SMALL_VALUE, n=5, unit="%", source="operations")
    classes = {"recovered": 12, "improved": 30, "unchanged": 40, "deteriorated": 4}
    _store(
        i,
        "W09",
        value=4.7,
        lower=1.8,
        upper=11.4,
        n=86,
        unit="%",
        details={"classes": classes},
    )
    _store(i, "C01", value=95.24, n=2204, unit="EUR per answered contact")
    return cast


def _all_text(board: Any) -> str:
    return json.dumps(dashboard_dict(board), default=str)


# -- selector -------------------------------------------------------------


def test_every_section_is_present_in_order(figures: Any) -> None:
    board = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.INTERNAL
    )
    assert [s.id for s in board.sections] == list(SECTION_IDS)
    assert board.internal
    reach = board.section("reach")
    assert reach is not None
    assert {f.result.kpi_id for f in reach.figures} == {"R02", "R03"}
    # one chart per unit: counts and percentages never share an axis
    assert {c.spec["layer"][0]["encoding"]["x"]["title"] for c in reach.charts} == {
        "contacts",
        "%",
    }
    cost = board.section("cost")
    assert cost is not None and cost.figures[0].result.value == 95.24
    # every chart is one spec with a table of the same figures
    for section in board.sections:
        for chart in section.charts:
            assert chart.spec["$schema"].endswith("v6.json")
            assert chart.table.rows, chart.id


def test_members_see_small_figures_marked_internal(figures: Any) -> None:
    board = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.INTERNAL
    )
    staff = board.section("staff")
    assert staff is not None
    assert staff.figures[0].result.value == SMALL_VALUE
    assert not staff.figures[0].suppressed


def test_outside_viewers_get_no_unreleased_figure(figures: Any) -> None:
    audience = audience_for(user=figures.evaluator, organisation=figures.org_a)
    assert audience is Audience.OUTSIDE
    board = dashboard(
        initiative=figures.initiative_a,
        period=Y,
        audience=audience,
        breakdown="channel",
    )
    assert not board.internal
    for section in board.sections:
        for f in section.figures:
            assert f.suppressed or f.result.n >= 10 or not f.result.has_value, f
    text = _all_text(board)
    assert str(SMALL_VALUE) not in text  # neither in specs, tables nor rows
    assert "57.1" not in text  # the chat cell rests on 7 contacts
    staff = board.section("staff")
    assert staff is not None
    rows = figure_rows(staff)
    assert rows[0]["withheld"] and rows[0]["value"] == ""
    assert "fewer than 10" in rows[0]["note"]
    assert "withheld" in " ".join(staff.notes)
    # the scorecard status rests on the released figure only
    card = board.section("scorecard")
    assert card is not None
    lines = {row[0].split("(")[-1].rstrip(")"): row for row in card.tables[0].rows}
    assert lines["ST01"][-1] == "Insufficient data"
    assert lines["R03"][-1] == "Met"


def test_reliable_change_classes_are_released_with_secondary_suppression(
    figures: Any,
) -> None:
    """docs/methods/dashboard.md, "Worked example" (threshold 10)."""
    inside = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.INTERNAL
    ).section("outcomes")
    assert inside is not None
    chart = next(c for c in inside.charts if c.id == "outcomes-reliable-change")
    assert [v["value"] for v in chart.spec["data"]["values"]] == [12, 30, 40, 4]

    outside = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.OUTSIDE
    ).section("outcomes")
    assert outside is not None
    chart = next(c for c in outside.charts if c.id == "outcomes-reliable-change")
    # 4 deteriorated is under the threshold; 12 recovered is withheld too, or
    # the total of 86 would give the 4 away
    assert [v["value"] for v in chart.spec["data"]["values"]] == [30, 40]
    # counts on the axis, not shares of the shown classes (which would
    # overstate each one)
    assert chart.spec["encoding"]["x"]["stack"] == "zero"
    assert any("withheld" in n for n in outside.notes)
    table = {row[0]: row[1] for row in chart.table.rows}
    assert table["Reliably deteriorated"].startswith("Withheld")
    assert table["Recovered (reliable and clinically significant)"] == (
        WITHHELD_FOR_SAFETY
    )


def test_trends_show_earlier_periods_of_the_same_kind(figures: Any) -> None:
    board = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.INTERNAL
    )
    trends = board.section("trends")
    assert trends is not None
    chart = next(c for c in trends.charts if c.title == "Trends (%)")
    r03 = [v for v in chart.spec["data"]["values"] if "(R03)" in v["group"]]
    assert [(v["label"], v["value"]) for v in r03] == [("2025", 75.0), ("2026", 80.5)]
    # a measure with a single period is no trend
    assert not [v for v in chart.spec["data"]["values"] if "(W09)" in v["group"]]
    assert not any("no trend" in n for n in trends.notes)


def test_breakdown_adds_the_stored_cells(figures: Any) -> None:
    board = dashboard(
        initiative=figures.initiative_a,
        period=Y,
        audience=Audience.INTERNAL,
        breakdown="channel",
    )
    reach = board.section("reach")
    assert reach is not None
    pct = next(c for c in reach.charts if c.table.columns[1] == "Group")
    groups = {v["group"]: v["value"] for v in pct.spec["data"]["values"]}
    assert groups == {"chat": 57.1, "phone": 81.0}
    # a breakdown with nothing stored says so instead of showing nothing
    locale = dashboard(
        initiative=figures.initiative_a,
        period=Y,
        audience=Audience.INTERNAL,
        breakdown="locale",
    ).section("reach")
    assert locale is not None
    assert any("No figures by language" in n for n in locale.notes)


def test_an_unknown_breakdown_names_the_field(figures: Any) -> None:
    with pytest.raises(DashboardError) as exc:
        dashboard(
            initiative=figures.initiative_a,
            period=Y,
            audience=Audience.INTERNAL,
            breakdown="postcode",
        )
    assert exc.value.field == "breakdown"


def test_an_empty_initiative_says_there_is_nothing_yet(cast: Any) -> None:
    board = dashboard(
        initiative=cast.initiative_b, period=Y, audience=Audience.INTERNAL
    )
    harm = board.section("harm")
    assert harm is not None and harm.charts == []
    assert harm.notes == ["No figures for this period yet."]


def test_every_chart_renders_to_svg_for_the_pdf(figures: Any) -> None:
    board = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.OUTSIDE
    )
    charts = [c for s in board.sections for c in s.charts]
    assert len(charts) >= 8
    for chart in charts:
        assert render_svg(chart.spec).startswith("<svg"), chart.id


# -- page and API ---------------------------------------------------------


def test_members_get_the_page_marked_internal(figures: Any, client_for: Any) -> None:
    resp = client_for(figures.viewer_a).get(URL, {"period": "2026"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="dash-audience"' in html and "Internal" in html
    for section_id in SECTION_IDS:
        assert f'id="section-{section_id}"' in html
    assert 'id="spec-reach-1"' in html  # specs travel as json_script, not code
    assert "/static/reports/vendor/vega-embed" in html
    assert "cdn" not in html.lower()
    assert str(SMALL_VALUE) in html
    assert 'href="/kpis/R03/"' in html


def test_members_can_preview_the_outside_view(figures: Any, client_for: Any) -> None:
    resp = client_for(figures.admin_a).get(URL, {"period": "2026", "view": "outside"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Released figures" in html
    assert str(SMALL_VALUE) not in html


def test_consortium_evaluators_see_released_figures_only(
    figures: Any, client_for: Any, api_for: Any
) -> None:
    resp = client_for(figures.evaluator).get(URL, {"period": "2026"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Released figures" in html and str(SMALL_VALUE) not in html
    assert_no_small_cells(html, threshold=10)
    data = api_for(figures.evaluator).get(API, {"period": "2026"}).json()
    assert data["audience"] == "outside" and data["internal"] is False
    assert str(SMALL_VALUE) not in json.dumps(data)
    assert_no_small_cells(data, threshold=10)
    # "view=internal" cannot widen what an outsider sees
    data = api_for(figures.evaluator).get(API, {"view": "internal"}).json()
    assert data["internal"] is False


def test_other_organisations_get_404(
    figures: Any, client_for: Any, api_for: Any
) -> None:
    assert client_for(figures.admin_b).get(URL).status_code == 404
    assert api_for(figures.admin_b).get(API).status_code == 404
    assert (
        client_for(figures.admin_a).get("/initiatives/nope/dashboard/").status_code
        == 404
    )


def test_signed_out_visitors_are_sent_to_sign_in(figures: Any, client: Any) -> None:
    resp = client.get(URL)
    assert resp.status_code == 302 and "/account/login/" in resp["Location"]
    api = client.get(API)
    assert api.status_code in (401, 403) and "detail" in api.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "last year"}, "period"),
        ({"period": "2026-13"}, "period"),
        ({"period": "9" * 5000}, "period"),
        ({"period": "<script>alert(1)</script>"}, "period"),
        ({"period": "2020-01-01..2026-01-01"}, "period"),
        ({"breakdown": "postcode"}, "breakdown"),
        ({"breakdown": "channel'--"}, "breakdown"),
        ({"view": "everything"}, "view"),
    ],
)
def test_bad_filters_get_a_clear_400(
    figures: Any, client_for: Any, api_for: Any, params: dict[str, str], field: str
) -> None:
    resp = api_for(figures.admin_a).get(API, params)
    assert resp.status_code == 400
    assert field in resp.json()
    page = client_for(figures.admin_a).get(URL, params)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="dash-error"' in html and "<script>alert" not in html
    assert 'aria-invalid="true"' in html or field == "view"


def test_the_api_returns_sections_with_specs_and_tables(
    figures: Any, api_for: Any
) -> None:
    resp = api_for(figures.analyst_a).get(API, {"period": "2026"})
    assert resp.status_code == 200
    data = resp.json()
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS)
    assert data["internal"] is True and data["period"] == "2026"
    reach = data["sections"][1]
    chart = reach["charts"][0]
    assert set(chart) == {"id", "title", "description", "spec", "table"}
    assert chart["table"]["columns"][0] == "Measure"
    r03 = next(f for f in reach["figures"] if f["kpi_id"] == "R03")
    assert r03["value"] == "80.5%" and r03["interval"] == "79.0% to 82.0%"
    assert r03["provenance"].startswith("R03 v1; evidencehub.kpis.engine v1")
    assert "2026" in r03["provenance"] and "n=2735" in r03["provenance"]


def test_the_initiative_page_links_to_the_dashboard(
    figures: Any, client_for: Any
) -> None:
    html = client_for(figures.viewer_a).get("/initiatives/helpline-a/").content
    assert b'href="/initiatives/helpline-a/dashboard/"' in html


# -- chart builders (pure) ------------------------------------------------


def test_withheld_bars_are_not_drawn_but_explained() -> None:
    chart = bar_chart(
        id="x",
        title="Answer rate",
        description="d",
        bars=[Bar("Phone", 80.5, 79.0, 82.0, n=2735), Bar("Chat", None, note="W")],
        unit="%",
    )
    assert [v["label"] for v in chart.spec["data"]["values"]] == ["Phone"]
    assert chart.spec["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 100]}
    assert chart.spec["layer"][1]["mark"]["type"] == "rule"  # the interval
    assert chart.table.rows == (
        ("Phone", "80.5%", "79.0% to 82.0%", "2,735"),
        ("Chat", "W", "", ""),
    )


def test_parts_keep_their_order_and_numbers_read_plainly() -> None:
    chart = parts_chart(
        id="p",
        title="Classes",
        description="d",
        parts=[Bar("A", 3.0), Bar("B", 5.0)],
        unit="People",
    )
    assert chart.spec["encoding"]["color"]["sort"] == ["A", "B"]
    assert number(2204.0, "contacts") == "2,204 contacts"
    assert number(95.24, "EUR") == "95.24 EUR"
    assert number(None) == ""


def test_materials_show_their_readability_against_the_target(figures: Any) -> None:
    from evidencehub.apps.operations.models import Material

    Material.objects.create(
        initiative=figures.initiative_a,
        title="Leaflet for callers",
        kind="leaflet",
        language="en",
        text="Synthetic demo text.",
        score=62.5,
        target=60,
        method="flesch-en",
        meets_target=True,
    )
    section = dashboard(
        initiative=figures.initiative_a, period=Y, audience=Audience.OUTSIDE
    ).section("readability")
    assert section is not None
    chart = next(c for c in section.charts if c.id == "readability-materials-1")
    assert chart.spec["data"]["values"][0]["value"] == 62.5
    assert section.tables[0].rows == (
        ("Leaflet for callers (en)", "flesch-en", "62.50", "60", "Yes"),
    )


def test_the_module_funnel_keeps_programme_order(figures: Any) -> None:
    from evidencehub.apps.collect.models import CollectionSettings

    i = figures.initiative_a
    CollectionSettings.objects.update_or_create(
        initiative=i, defaults={"modules": ["intro", "b-step", "a-last"]}
    )
    _store(i, "E02", value=40.0, lower=35.0, upper=45.2, n=400, unit="%")
    for module, reached, n in (("intro", 100.0, 400), ("b-step", 62.5, 400)):
        _store(i, "E02", breakdown="module", group=module, value=reached, n=n, unit="%")
    _store(i, "E02", breakdown="module", group="a-last", value=2.0, n=400, unit="%")
    board = dashboard(initiative=i, period=Y, audience=Audience.INTERNAL)
    reach = board.section("reach")
    assert reach is not None
    funnel = reach.charts[0]
    assert funnel.id == "reach-funnel"
    assert funnel.spec["layer"][0]["encoding"]["y"]["sort"] == [
        "intro",
        "b-step",
        "a-last",
    ]


def test_a_first_year_shows_its_quarters_as_the_trend(cast: Any) -> None:
    i = cast.initiative_b
    _store(i, "R03", "2026", value=60.0, lower=55.0, upper=65.0, n=400, unit="%")
    for q, value in (("2026-Q1", 50.0), ("2026-Q2", 58.0), ("2026-Q3", 66.0)):
        _store(
            i, "R03", q, value=value, lower=value - 5, upper=value + 5, n=100, unit="%"
        )
    board = dashboard(initiative=i, period=Y, audience=Audience.INTERNAL)
    trends = board.section("trends")
    assert trends is not None
    chart = next(c for c in trends.charts if c.title == "Trends (%)")
    points = [(v["label"], v["value"]) for v in chart.spec["data"]["values"]]
    assert points == [("2026-Q1", 50.0), ("2026-Q2", 58.0), ("2026-Q3", 66.0)]
