"""The KPI engine: SQL that runs where the data lives (SQLite and PostgreSQL),
statistics from ``evidencehub.core.stats``, contracts from
``evidencehub.core.kpis``.

Every query goes through :func:`_rows`, which refuses SQL without the
organisation filter (``ini.organisation_id = %s``): the initiative's
organisation is joined and filtered in every statement, so the same queries
run unchanged when the tables are distributed by organisation
(``docs/how-to/scale.md``; ``tests/apps/kpis/test_runs.py`` checks it).

Source rules: event KPIs read daily rollups (``collect_dailyrollup`` /
``collect_dailytotal``) where the period has any; otherwise aggregate figures
whose period lies wholly inside the requested one; the result's ``source``
says which. Contact KPIs read contact records, then aggregate figures.
Questionnaire KPIs pair the first baseline answer per user-held code (any
time up to the period end) with the last later answer given inside the period;
instruments without a total score are read item by item
(``docs/methods/kpi-item-shares.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.db import connection

from evidencehub.core.instruments.loader import catalogue_instrument
from evidencehub.core.kpis.definitions import DATA_NEEDED, KpiDefinition
from evidencehub.core.kpis.evidence import EVIDENCE_METHOD, evidence_reached
from evidencehub.core.kpis.results import (
    BREAKDOWNS,
    ENGINE_METHOD,
    STATUS_INPUTS_MISSING,
    STATUS_NO_DATA,
    STATUS_NOT_IMPLEMENTED,
    STATUS_OK,
    KpiResult,
    Method,
    Period,
    cap_groups,
    count_result,
    proportion_result,
    rate_result,
)
from evidencehub.core.stats import (
    PAIRED_ID,
    PAIRED_VERSION,
    Criterion,
    classify_pairs,
    paired_change,
)

ORG_FILTER = "ini.organisation_id = %s"


def _org_join(alias: str) -> str:
    return (
        f"JOIN initiatives_initiative ini ON ini.id = {alias}.initiative_id "
        f"AND {ORG_FILTER}"
    )


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one engine query. Refuses a query without the organisation filter."""
    if ORG_FILTER not in sql:
        raise AssertionError("engine query without the organisation filter")
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return list(cur.fetchall())


@dataclass(frozen=True)
class Context:
    organisation_id: int
    initiative_id: int
    intervention_type: str
    period: Period
    kpi: KpiDefinition
    breakdown: str = ""
    # Shared by the KPIs of one run: rows read once (responses, modules,
    # whether rollups exist) are not read again for the next KPI.
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]

    def result(self, status: str, **kw: Any) -> KpiResult:
        kw.setdefault("unit", self.kpi.unit)
        return KpiResult(self.kpi.id, self.kpi.version, self.period, status, **kw)


Compute = Callable[[Context], list[KpiResult]]
REGISTRY: dict[str, Compute] = {}


def register(*ids: str) -> Callable[[Compute], Compute]:
    def deco(func: Compute) -> Compute:
        for kid in ids:
            REGISTRY[kid] = func
        return func

    return deco


def _stamp(ctx: Context, r: KpiResult) -> KpiResult:
    return replace(r, kpi_id=ctx.kpi.id, kpi_version=ctx.kpi.version, unit=r.unit)


# -- events: rollups, then aggregate figures -------------------------------


def _has_rollups(ctx: Context) -> bool:
    return bool(ctx.memo(("rollups", ctx.period), lambda: _count_rollups(ctx)))


def _count_rollups(ctx: Context) -> bool:
    rows = _rows(
        "SELECT COUNT(*) FROM collect_dailytotal t "  # noqa: S608
        f"{_org_join('t')} WHERE t.initiative_id = %s AND t.day >= %s "
        "AND t.day <= %s",
        [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
    )
    return bool(rows[0][0])


def _rollup(
    ctx: Context, event_type: str, *, module: str | None = None, group: str = ""
) -> dict[str, float]:
    """SUM(events) of one type in the period, by ``group`` column or total.
    All (type, module, group) sums of the period are read in one query and
    shared by the KPIs of the run."""
    cells: dict[tuple[str, str, str], float] = ctx.memo(
        ("rollup", ctx.period, group), lambda: _rollup_cells(ctx, group)
    )
    out: dict[str, float] = {}
    for (t, m, g), v in cells.items():
        if t == event_type and (module is None or m == module):
            out[g] = out.get(g, 0.0) + v
    return out


def _rollup_cells(ctx: Context, group: str) -> dict[tuple[str, str, str], float]:
    col = f"r.{group}" if group else "''"
    sql = (
        f"SELECT r.type, r.module, {col}, SUM(r.events) "  # noqa: S608
        f"FROM collect_dailyrollup r {_org_join('r')} "
        "WHERE r.initiative_id = %s AND r.day >= %s AND r.day <= %s "
        "GROUP BY r.type, r.module" + (f", {col}" if group else "")
    )
    params = [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end]
    return {
        (str(t), str(m), str(g)): float(v or 0) for t, m, g, v in _rows(sql, params)
    }


def _figures(ctx: Context, elements: Sequence[str]) -> tuple[dict[str, float], int]:
    """Aggregate figures lying wholly inside the period, summed per element,
    and how many figures overlap the period only partly (left out)."""
    marks = ", ".join(["%s"] * len(elements))
    rows = _rows(
        "SELECT f.element, SUM(CASE WHEN f.period_start >= %s AND f.period_end <= %s "  # noqa: S608
        "THEN f.value ELSE 0 END), SUM(CASE WHEN f.period_start >= %s AND "
        "f.period_end <= %s THEN 0 ELSE 1 END) FROM collect_aggregatefigure f "
        f"{_org_join('f')} WHERE f.initiative_id = %s AND f.element IN ({marks}) "
        "AND f.period_end >= %s AND f.period_start <= %s GROUP BY f.element",
        [
            ctx.period.start,
            ctx.period.end,
            ctx.period.start,
            ctx.period.end,
            ctx.organisation_id,
            ctx.initiative_id,
            *elements,
            ctx.period.start,
            ctx.period.end,
        ],
    )
    sums = {str(e): float(v or 0) for e, v, _p in rows}
    partial = sum(int(p or 0) for _e, _v, p in rows)
    return sums, partial


def _figure_note(partial: int) -> str:
    note = "From aggregate figures entered for this initiative (no event data)."
    if partial:
        note += (
            f" {partial} figure(s) overlapping the period only partly were left out."
        )
    return note


def _ratio(
    ctx: Context,
    num: dict[str, float],
    den: dict[str, float],
    source: str,
    notes: str = "",
) -> list[KpiResult]:
    f = ctx.kpi.formula
    factor, unit = f.factor, ctx.kpi.unit
    total = proportion_result(
        kpi_id=ctx.kpi.id,
        kpi_version=ctx.kpi.version,
        period=ctx.period,
        numerator=int(sum(num.values())),
        denominator=int(sum(den.values())),
        factor=factor,
        unit=unit,
        source=source,
        notes=notes,
    )
    out = [total]
    if ctx.breakdown:
        keys = set(num) | set(den)
        groups = cap_groups({k: (num.get(k, 0), den.get(k, 0)) for k in keys})
        for g, (a, b) in sorted(groups.items()):
            out.append(
                proportion_result(
                    kpi_id=ctx.kpi.id,
                    kpi_version=ctx.kpi.version,
                    period=ctx.period,
                    numerator=int(a),
                    denominator=int(b),
                    factor=factor,
                    unit=unit,
                    source=source,
                    breakdown=ctx.breakdown,
                    group=g or "(none)",
                )
            )
    return out


def _event_ratio(
    ctx: Context,
    num_type: str,
    den_type: str,
    *,
    num_module: str | None = None,
    den_module: str | None = None,
    figures: tuple[str, str] | None = None,
) -> list[KpiResult]:
    group = ctx.breakdown if ctx.breakdown in BREAKDOWNS else ""
    if _has_rollups(ctx):
        num = _rollup(ctx, num_type, module=num_module, group=group)
        den = _rollup(ctx, den_type, module=den_module, group=group)
        return _ratio(ctx, num, den, "rollups")
    if figures:
        sums, partial = _figures(ctx, figures)
        if figures[1] in sums:
            return _ratio(
                replace(ctx, breakdown=""),
                {"": sums.get(figures[0], 0)},
                {"": sums[figures[1]]},
                "aggregate_figures",
                _figure_note(partial),
            )
    return [ctx.result(STATUS_NO_DATA, notes="No event data for this period.")]


def _modules(ctx: Context) -> list[str]:
    return list(ctx.memo("modules", lambda: _load_modules(ctx)))


def _load_modules(ctx: Context) -> list[str]:
    rows = _rows(
        "SELECT s.modules FROM collect_collectionsettings s "  # noqa: S608
        f"{_org_join('s')} WHERE s.initiative_id = %s",
        [ctx.organisation_id, ctx.initiative_id],
    )
    if not rows or rows[0][0] is None:
        return []
    raw = rows[0][0]
    if isinstance(raw, str):
        import json

        raw = json.loads(raw)
    return [str(m) for m in raw]


@register("R01")
def visitor_days(ctx: Context) -> list[KpiResult]:
    if _has_rollups(ctx):
        rows = _rows(
            "SELECT SUM(t.visitor_days) FROM collect_dailytotal t "  # noqa: S608
            f"{_org_join('t')} WHERE t.initiative_id = %s AND t.day >= %s "
            "AND t.day <= %s",
            [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
        )
        note = "Visitor-days, never unique people."
        if ctx.breakdown:
            note += " Daily totals have no breakdown."
        return [
            count_result(
                kpi_id=ctx.kpi.id,
                kpi_version=ctx.kpi.version,
                period=ctx.period,
                count=int(rows[0][0] or 0),
                unit=ctx.kpi.unit,
                source="rollups",
                notes=note,
            )
        ]
    sums, partial = _figures(ctx, ["visitor_days"])
    if "visitor_days" in sums:
        return [
            count_result(
                kpi_id=ctx.kpi.id,
                kpi_version=ctx.kpi.version,
                period=ctx.period,
                count=int(sums["visitor_days"]),
                unit=ctx.kpi.unit,
                source="aggregate_figures",
                notes=_figure_note(partial),
            )
        ]
    return [ctx.result(STATUS_NO_DATA, notes="No visits recorded for this period.")]


@register("R04")
def self_assessment_completion(ctx: Context) -> list[KpiResult]:
    return _event_ratio(ctx, "self_assessment_completed", "self_assessment_started")


@register("R08")
def deterrence_funnel(ctx: Context) -> list[KpiResult]:
    return _event_ratio(
        ctx,
        "help_link_clicked",
        "warning_shown",
        figures=("help_link_clicks", "warnings_shown"),
    )


@register("R09")
def onion_share(ctx: Context) -> list[KpiResult]:
    if not _has_rollups(ctx):
        return [ctx.result(STATUS_NO_DATA, notes="No event data for this period.")]
    rows = _rows(
        "SELECT r.channel, SUM(r.visitor_days) FROM collect_dailyrollup r "  # noqa: S608
        f"{_org_join('r')} WHERE r.initiative_id = %s AND r.day >= %s "
        "AND r.day <= %s AND r.type = %s GROUP BY r.channel",
        [
            ctx.organisation_id,
            ctx.initiative_id,
            ctx.period.start,
            ctx.period.end,
            "page_view",
        ],
    )
    by = {str(c): float(v or 0) for c, v in rows}
    return _ratio(
        replace(ctx, breakdown=""),
        {"": by.get("onion", 0)},
        {"": sum(by.values())},
        "rollups",
        "Visitor-days with a page view, by entry point.",
    )


@register("E10")
def feedback_rate(ctx: Context) -> list[KpiResult]:
    """Feedback submissions per visitor-day (ReDirection reported responses
    against visits): no event marks reaching the feedback page, so visits are
    the denominator."""
    if not _has_rollups(ctx):
        return [ctx.result(STATUS_NO_DATA, notes="No event data for this period.")]
    rows = _rows(
        "SELECT SUM(t.visitor_days) FROM collect_dailytotal t "  # noqa: S608
        f"{_org_join('t')} WHERE t.initiative_id = %s AND t.day >= %s "
        "AND t.day <= %s",
        [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
    )
    sent = _rollup(ctx, "feedback_submitted")
    return _ratio(
        replace(ctx, breakdown=""),
        {"": sum(sent.values())},
        {"": float(rows[0][0] or 0)},
        "rollups",
        "Feedback submissions per visitor-day; visitor-days are not people.",
    )


@register("E01")
def activation(ctx: Context) -> list[KpiResult]:
    modules = _modules(ctx)
    return _event_ratio(
        ctx,
        "module_started",
        "programme_landing",
        num_module=modules[0] if modules else None,
        figures=("programme_registrations", "programme_landings"),
    )


@register("E03")
def completion(ctx: Context) -> list[KpiResult]:
    modules = _modules(ctx)
    if not modules:
        return [
            ctx.result(
                STATUS_NO_DATA,
                notes="Declare the programme's modules in collection settings: "
                "completion is the last module completed over the first started.",
            )
        ]
    return _event_ratio(
        ctx,
        "module_completed",
        "module_started",
        num_module=modules[-1],
        den_module=modules[0],
    )


@register("E02")
def module_funnel(ctx: Context) -> list[KpiResult]:
    modules = _modules(ctx)
    if not modules or not _has_rollups(ctx):
        return [ctx.result(STATUS_NO_DATA, notes="No modules or no event data.")]
    started = _rollup(ctx, "module_started", group="module")
    base = int(started.get(modules[0], 0))
    out = [
        proportion_result(
            kpi_id=ctx.kpi.id,
            kpi_version=ctx.kpi.version,
            period=ctx.period,
            numerator=int(started.get(modules[-1], 0)),
            denominator=base,
            source="rollups",
            notes="Total: share reaching the last module.",
        )
    ]
    for m in modules[:12]:
        out.append(
            proportion_result(
                kpi_id=ctx.kpi.id,
                kpi_version=ctx.kpi.version,
                period=ctx.period,
                numerator=int(started.get(m, 0)),
                denominator=base,
                source="rollups",
                breakdown="module",
                group=m,
            )
        )
    return out


# -- helpline contact records, then aggregate figures ---------------------

ANSWERED = "c.status = 'answered'"
HAS_ACTION = "CAST(c.actions AS TEXT) NOT IN ('[]', '[\"none\"]')"


def _contacts(
    ctx: Context, num_where: str, den_where: str
) -> tuple[dict[str, float], dict[str, float]]:
    group = "c.channel" if ctx.breakdown == "channel" else "''"
    rows = _rows(
        f"SELECT {group}, SUM(CASE WHEN {num_where} THEN 1 ELSE 0 END), "  # noqa: S608
        f"SUM(CASE WHEN {den_where} THEN 1 ELSE 0 END) "
        f"FROM collect_contactrecord c {_org_join('c')} "
        "WHERE c.initiative_id = %s AND c.date >= %s AND c.date <= %s"
        + (f" GROUP BY {group}" if ctx.breakdown == "channel" else ""),
        [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
    )
    num = {str(g): float(a or 0) for g, a, _b in rows}
    den = {str(g): float(b or 0) for g, _a, b in rows}
    return num, den


def _contact_ratio(ctx: Context, num_where: str, den_where: str) -> list[KpiResult]:
    num, den = _contacts(ctx, num_where, den_where)
    if not sum(den.values()):
        return [ctx.result(STATUS_NO_DATA, notes="No contact records in this period.")]
    return _ratio(ctx, num, den, "contact_records")


@register("R02")
def contacts_answered(ctx: Context) -> list[KpiResult]:
    num, _den = _contacts(ctx, ANSWERED, "1 = 1")
    if _den and sum(_den.values()):
        out = [
            count_result(
                kpi_id=ctx.kpi.id,
                kpi_version=ctx.kpi.version,
                period=ctx.period,
                count=int(sum(num.values())),
                unit=ctx.kpi.unit,
                source="contact_records",
            )
        ]
        if ctx.breakdown == "channel":
            for g, v in sorted(num.items()):
                out.append(
                    count_result(
                        kpi_id=ctx.kpi.id,
                        kpi_version=ctx.kpi.version,
                        period=ctx.period,
                        count=int(v),
                        unit=ctx.kpi.unit,
                        source="contact_records",
                        breakdown="channel",
                        group=g,
                    )
                )
        return out
    elements = ["calls_answered", "chats_answered", "emails_received"]
    sums, partial = _figures(ctx, elements)
    if sums:
        return [
            count_result(
                kpi_id=ctx.kpi.id,
                kpi_version=ctx.kpi.version,
                period=ctx.period,
                count=int(sum(sums.values())),
                unit=ctx.kpi.unit,
                source="aggregate_figures",
                notes=_figure_note(partial),
            )
        ]
    return [ctx.result(STATUS_NO_DATA, notes="No contacts recorded for this period.")]


@register("R03")
def answer_rate(ctx: Context) -> list[KpiResult]:
    den_where = "c.status IN ('answered', 'abandoned', 'missed')"
    num, den = _contacts(ctx, ANSWERED, den_where)
    if sum(den.values()):
        return _ratio(ctx, num, den, "contact_records")
    elements = ["calls_answered", "calls_abandoned", "calls_missed"]
    sums, partial = _figures(ctx, elements)
    if sums:
        return _ratio(
            replace(ctx, breakdown=""),
            {"": sums.get("calls_answered", 0)},
            {"": sum(sums.values())},
            "aggregate_figures",
            _figure_note(partial) + " Phone calls only.",
        )
    return [ctx.result(STATUS_NO_DATA, notes="No contacts recorded for this period.")]


@register("R05")
def target_group_share(ctx: Context) -> list[KpiResult]:
    return _contact_ratio(
        ctx, f"{ANSWERED} AND c.caller_type = 'own_concern'", ANSWERED
    )


@register("R06")
def pre_offence_share(ctx: Context) -> list[KpiResult]:
    own = f"{ANSWERED} AND c.caller_type = 'own_concern'"
    return _contact_ratio(
        ctx,
        f"{own} AND c.offending_status = 'not_offended'",
        f"{own} AND c.offending_status IN ('not_offended', 'online_only', 'contact')",
    )


@register("E06")
def repeat_contact_rate(ctx: Context) -> list[KpiResult]:
    return _contact_ratio(ctx, f"{ANSWERED} AND c.repeat_contact = 'yes'", ANSWERED)


@register("E07")
def action_agreed(ctx: Context) -> list[KpiResult]:
    return _contact_ratio(ctx, f"{ANSWERED} AND {HAS_ACTION}", ANSWERED)


@register("H02")
def safety_plan_high_risk(ctx: Context) -> list[KpiResult]:
    high = f"{ANSWERED} AND c.risk_level = 'high'"
    return _contact_ratio(
        ctx, f"{high} AND CAST(c.actions AS TEXT) LIKE '%%safety_plan%%'", high
    )


@register("B04")
def agreed_action_completion(ctx: Context) -> list[KpiResult]:
    rep = (
        f"{ANSWERED} AND c.repeat_contact = 'yes' AND "
        "c.previous_actions_taken IN ('yes', 'partly', 'no')"
    )
    return _contact_ratio(ctx, f"{rep} AND c.previous_actions_taken = 'yes'", rep)


@register("A04")
def out_of_hours(ctx: Context) -> list[KpiResult]:
    return _contact_ratio(ctx, "c.status = 'out_of_hours'", "1 = 1")


@register("H06")
def safeguarding_rate(ctx: Context) -> list[KpiResult]:
    num, den = _contacts(
        replace(ctx, breakdown=""), f"{ANSWERED} AND c.safeguarding <> 'none'", ANSWERED
    )
    n, d = sum(num.values()), sum(den.values())
    if not d:
        return [ctx.result(STATUS_NO_DATA, notes="No contact records in this period.")]
    return [
        rate_result(
            kpi_id=ctx.kpi.id,
            kpi_version=ctx.kpi.version,
            period=ctx.period,
            numerator=n,
            denominator=d,
            factor=ctx.kpi.formula.factor,
            unit=ctx.kpi.unit,
            source="contact_records",
        )
    ]


def _paired(
    ctx: Context, pre: list[float], post: list[float], source: str, note: str = ""
) -> KpiResult:
    if len(pre) < 2:
        return ctx.result(
            STATUS_NO_DATA,
            n=len(pre),
            source=source,
            notes="Fewer than 2 pairs: no change can be estimated yet.",
        )
    pc = paired_change(pre, post)
    details: dict[str, Any] = {"mean_pre": pc.mean_pre, "mean_post": pc.mean_post}
    if pc.d_z is not None:
        details["d_z"] = pc.d_z.estimate
    return ctx.result(
        STATUS_OK,
        value=pc.mean_change.estimate,
        numerator=sum(b - a for a, b in zip(pre, post, strict=True)),
        denominator=len(pre),
        lower=pc.mean_change.lower,
        upper=pc.mean_change.upper,
        n=pc.n,
        methods=(Method(*ENGINE_METHOD), Method(PAIRED_ID, PAIRED_VERSION)),
        source=source,
        notes=note,
        details=details,
    )


@register("W08")
def within_contact_distress(ctx: Context) -> list[KpiResult]:
    rows = _rows(
        "SELECT c.distress_start, c.distress_end FROM collect_contactrecord c "  # noqa: S608
        f"{_org_join('c')} WHERE c.initiative_id = %s AND c.date >= %s "
        "AND c.date <= %s AND c.distress_start IS NOT NULL "
        "AND c.distress_end IS NOT NULL ORDER BY c.id",
        [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
    )
    pre = [float(a) for a, _b in rows]
    post = [float(b) for _a, b in rows]
    r = _paired(ctx, pre, post, "contact_records", "End minus start of one contact.")
    if r.has_value:
        fell = sum(1 for a, b in zip(pre, post, strict=True) if a - b >= 2)
        r = replace(r, details={**r.details, "fell_2_or_more": fell})
    return [r]


# -- questionnaires ---------------------------------------------------------


@dataclass(frozen=True)
class Pairs:
    pre: list[float]
    post: list[float]
    later_in_period: int
    later_matched: int
    baseline_in_period: int
    baseline_with_code_in_period: int
    baseline_followed: int


def _responses(ctx: Context, instrument_id: str | None) -> list[tuple[Any, ...]]:
    """(code_hash, occasion, total or None, valid, 1 if inside the period
    else 0) of one
    instrument's responses (``None``: every response) up to the period end."""
    rows = _all_responses(ctx)
    if instrument_id is None:
        return [r[1:] for r in rows]
    return [r[1:] for r in rows if r[0] == instrument_id]


def _all_responses(ctx: Context) -> list[tuple[Any, ...]]:
    """Every response of the initiative up to the period end, read once per
    run: (instrument id or None, code_hash, occasion, total, valid, in period).
    The period test runs in SQL, so no timestamp crosses the wire."""
    rows: list[tuple[Any, ...]] = ctx.memo(
        ("responses", ctx.period), lambda: _load_responses(ctx)
    )
    return rows


def _load_responses(ctx: Context) -> list[tuple[Any, ...]]:
    end = ctx.period.end + timedelta(days=1)
    return _rows(
        "SELECT s.instrument_id, r.code_hash, q.occasion, s.total, s.valid, "  # noqa: S608
        "CASE WHEN r.submitted_hour >= %s THEN 1 ELSE 0 END "
        "FROM instruments_response r "
        "JOIN instruments_questionnaire q ON q.id = r.questionnaire_id "
        f"{_org_join('q')} "
        "LEFT JOIN instruments_responsescore s ON s.response_id = r.id "
        "WHERE q.initiative_id = %s AND r.submitted_hour < %s "
        "ORDER BY r.submitted_hour, r.id",
        [ctx.period.start, ctx.organisation_id, ctx.initiative_id, end],
    )


def _pairs(ctx: Context, instrument_id: str) -> Pairs:
    pairs: Pairs = ctx.memo(
        ("pairs", ctx.period, instrument_id), lambda: _make_pairs(ctx, instrument_id)
    )
    return pairs


def _make_pairs(ctx: Context, instrument_id: str) -> Pairs:
    rows = _responses(ctx, instrument_id)
    first_base: dict[str, float] = {}
    base_in, base_code_in = 0, set()
    last_later: dict[str, float] = {}
    later_in = 0
    for code, occasion, total, valid, flag in rows:
        in_period = bool(flag)
        score = float(total) if total is not None and valid else None
        if occasion == "baseline":
            if in_period:
                base_in += 1
                if code:
                    base_code_in.add(code)
            if code and score is not None:
                first_base.setdefault(code, score)
        elif occasion in ("end", "follow_up") and in_period:
            later_in += 1
            if code and score is not None:
                last_later[code] = score
    linked = [c for c in last_later if c in first_base]
    all_later_codes = set(last_later)
    return Pairs(
        pre=[first_base[c] for c in linked],
        post=[last_later[c] for c in linked],
        later_in_period=later_in,
        later_matched=len(linked),
        baseline_in_period=base_in,
        baseline_with_code_in_period=len(base_code_in),
        baseline_followed=len(base_code_in & all_later_codes),
    )


def _instrument(ctx: Context) -> str:
    return str(ctx.kpi.params.get("instrument", ""))


@register("W01")
def mean_change(ctx: Context) -> list[KpiResult]:
    p = _pairs(ctx, _instrument(ctx))
    return [_paired(ctx, p.pre, p.post, "responses", "After minus before.")]


def _share_pairs(ctx: Context, hits: int, n: int, note: str) -> list[KpiResult]:
    r = proportion_result(
        kpi_id=ctx.kpi.id,
        kpi_version=ctx.kpi.version,
        period=ctx.period,
        numerator=hits,
        denominator=n,
        source="responses",
        notes=note,
    )
    return [r]


@register("W02")
def reliable_rise(ctx: Context) -> list[KpiResult]:
    p, t = _pairs(ctx, _instrument(ctx)), float(ctx.kpi.params["threshold"])
    hits = sum(1 for a, b in zip(p.pre, p.post, strict=True) if b - a >= t)
    return _share_pairs(
        ctx,
        hits,
        len(p.pre),
        f"Rise of at least {t:g}: {ctx.kpi.params['threshold_source']}",
    )


@register("W03", "W04")
def reliable_fall(ctx: Context) -> list[KpiResult]:
    p, t = _pairs(ctx, _instrument(ctx)), float(ctx.kpi.params["threshold"])
    hits = sum(1 for a, b in zip(p.pre, p.post, strict=True) if a - b >= t)
    return _share_pairs(
        ctx,
        hits,
        len(p.pre),
        f"Fall of at least {t:g}: {ctx.kpi.params['threshold_source']}",
    )


@register("W05")
def band_shift(ctx: Context) -> list[KpiResult]:
    p = _pairs(ctx, _instrument(ctx))
    bands = [float(b) for b in ctx.kpi.params["bands"]]

    def band(x: float) -> int:
        return sum(1 for b in bands if x >= b)

    hits = sum(1 for a, b in zip(p.pre, p.post, strict=True) if band(b) < band(a))
    return _share_pairs(ctx, hits, len(p.pre), str(ctx.kpi.params["threshold_source"]))


def _criterion(instrument_id: str) -> Criterion | None:
    inst = catalogue_instrument(instrument_id)
    if inst.reliable_change is None:
        return None
    cut = inst.clinical_cutoff
    return Criterion(
        threshold=float(inst.reliable_change.threshold),
        source=inst.reliable_change.source,
        lower_is_better=cut is None or cut.direction == "higher_is_worse",
        cutoff=float(cut.value) if cut else None,
        cutoff_source=cut.source if cut else "",
    )


@register("W06", "W09")
def jacobson_truax(ctx: Context) -> list[KpiResult]:
    p = _pairs(ctx, _instrument(ctx))
    crit = _criterion(_instrument(ctx))
    if crit is None:
        return [ctx.result(STATUS_NO_DATA, notes="No reliable-change threshold.")]
    cl = classify_pairs(zip(p.pre, p.post, strict=True), crit)
    key = "recovered" if ctx.kpi.id == "W06" else "deteriorated"
    r = proportion_result(
        kpi_id=ctx.kpi.id,
        kpi_version=ctx.kpi.version,
        period=ctx.period,
        numerator=cl.counts[key],
        denominator=cl.n,
        source="responses",
        notes=f"Reliable change = {cl.threshold:g} points; source: "
        f"{cl.threshold_source}",
    )
    methods = (*r.methods, Method(cl.method_id, cl.method_version))
    return [replace(r, methods=methods, details={"classes": cl.counts})]


@register("A02")
def usability(ctx: Context) -> list[KpiResult]:
    from evidencehub.core.kpis.stats import mean_interval

    rows = _responses(ctx, _instrument(ctx))
    scores = [float(t) for _c, _o, t, v, flag in rows if t is not None and v and flag]
    if len(scores) < 2:
        return [ctx.result(STATUS_NO_DATA, n=len(scores), source="responses")]
    m = mean_interval(scores)
    at_68 = sum(1 for s in scores if s >= float(ctx.kpi.params["threshold"]))
    return [
        ctx.result(
            STATUS_OK,
            value=m.estimate,
            numerator=sum(scores),
            denominator=len(scores),
            lower=m.lower,
            upper=m.upper,
            n=len(scores),
            methods=(Method(*ENGINE_METHOD), Method(m.method_id, m.method_version)),
            source="responses",
            details={"share_at_or_above_68": at_68 / len(scores)},
        )
    ]


# -- single items of questionnaires without a total score -----------------


def _item_rows(ctx: Context, instrument_id: str) -> list[tuple[Any, ...]]:
    """(code_hash, occasion, answers dict, 1 if inside the period else 0) of
    every response to one instrument up to the period end, read once per run.
    Only the answers of that instrument cross the wire; the item values are
    scale points, never free text."""
    rows: list[tuple[Any, ...]] = ctx.memo(
        ("items", ctx.period, instrument_id),
        lambda: _load_item_rows(ctx, instrument_id),
    )
    return rows


def _load_item_rows(ctx: Context, instrument_id: str) -> list[tuple[Any, ...]]:
    import json

    end = ctx.period.end + timedelta(days=1)
    rows = _rows(
        "SELECT r.code_hash, q.occasion, r.answers, "  # noqa: S608
        "CASE WHEN r.submitted_hour >= %s THEN 1 ELSE 0 END "
        "FROM instruments_response r "
        "JOIN instruments_questionnaire q ON q.id = r.questionnaire_id "
        f"{_org_join('q')} "
        "JOIN instruments_instrumentversion v ON v.id = q.instrument_version_id "
        "WHERE q.initiative_id = %s AND v.instrument_id = %s "
        "AND r.submitted_hour < %s ORDER BY r.submitted_hour, r.id",
        [ctx.period.start, ctx.organisation_id, ctx.initiative_id, instrument_id, end],
    )
    out = []
    for code, occasion, raw, flag in rows:
        answers = json.loads(raw) if isinstance(raw, str) else raw
        out.append((code, occasion, answers if isinstance(answers, dict) else {}, flag))
    return out


def _item_value(answers: dict[str, Any], item: str) -> float | None:
    value = answers.get(item)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _in_period_items(ctx: Context, instrument_id: str, item: str) -> list[float]:
    """One item's answers given inside the period (any occasion); skipped
    items are left out of the denominator."""
    values = []
    for _code, _occ, answers, flag in _item_rows(ctx, instrument_id):
        v = _item_value(answers, item)
        if flag and v is not None:
            values.append(v)
    return values


def _item_share(ctx: Context) -> list[KpiResult]:
    """Share of respondents in the period whose answer to ``params.item`` lies
    in [``params.low``, ``params.high``] (inclusive), with its Wilson interval.
    With ``params.items`` (a list) the hit is "any item in range", and the
    count per item goes to ``details``."""
    inst, prm = _instrument(ctx), ctx.kpi.params
    low, high = float(prm["low"]), float(prm["high"])
    items = [str(i) for i in prm.get("items") or [prm["item"]]]
    hits = n = 0
    per_item = dict.fromkeys(items, 0)
    for _code, _occ, answers, flag in _item_rows(ctx, inst):
        values = {i: _item_value(answers, i) for i in items}
        if not flag or all(v is None for v in values.values()):
            continue
        n += 1
        inside = [i for i, v in values.items() if v is not None and low <= v <= high]
        hits += 1 if inside else 0
        for i in inside:
            per_item[i] += 1
    note = str(prm.get("threshold_source", ""))
    r = _share_pairs(ctx, hits, n, note)[0]
    if len(items) > 1:
        r = replace(r, details={"per_item": per_item})
    return [r]


@register("W07", "B02", "B03", "B05", "M05")
def item_share(ctx: Context) -> list[KpiResult]:
    return _item_share(ctx)


def _item_pairs(ctx: Context, item: str) -> tuple[list[float], list[float]]:
    """First baseline answer per code (any time up to the period end) and the
    last later answer inside the period, for one item: the pairing rule of
    :func:`_make_pairs`, on an item instead of a total."""
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for code, occasion, answers, flag in _item_rows(ctx, _instrument(ctx)):
        v = _item_value(answers, item)
        if not code or v is None:
            continue
        if occasion == "baseline":
            first.setdefault(code, v)
        elif occasion in ("end", "follow_up") and flag:
            last[code] = v
    linked = [c for c in last if c in first]
    return [first[c] for c in linked], [last[c] for c in linked]


@register("M01")
def ruler_change(ctx: Context) -> list[KpiResult]:
    items = [str(i) for i in ctx.kpi.params["items"]]
    pre, post = _item_pairs(ctx, items[0])
    r = _paired(ctx, pre, post, "responses", f"After minus before, {items[0]} ruler.")
    extra: dict[str, Any] = {}
    for item in items[1:]:
        a, b = _item_pairs(ctx, item)
        if len(a) >= 2:
            pc = paired_change(a, b)
            extra[f"{item}_change"] = pc.mean_change.estimate
            extra[f"{item}_n"] = pc.n
    return [replace(r, details={**r.details, **extra})]


@register("D01")
def questionnaire_completion(ctx: Context) -> list[KpiResult]:
    rows = [r for r in _responses(ctx, None) if r[4]]
    valid = sum(1 for r in rows if r[3])
    return _share_pairs(ctx, valid, len(rows), "Responses with a valid score.")


def _all_pairs(ctx: Context) -> list[Pairs]:
    ids: list[str] = ctx.memo("instruments", lambda: _instrument_ids(ctx))
    return [_pairs(ctx, i) for i in ids]


def _instrument_ids(ctx: Context) -> list[str]:
    return sorted({str(r[0]) for r in _all_responses(ctx) if r[0] is not None})


@register("D02")
def match_rate(ctx: Context) -> list[KpiResult]:
    ps = _all_pairs(ctx)
    return _share_pairs(
        ctx,
        sum(p.later_matched for p in ps),
        sum(p.later_in_period for p in ps),
        "Later answers (end or follow-up) linked to a baseline code.",
    )


@register("D04")
def follow_up_rate(ctx: Context) -> list[KpiResult]:
    ps = _all_pairs(ctx)
    return _share_pairs(
        ctx,
        sum(p.baseline_followed for p in ps),
        sum(p.baseline_with_code_in_period for p in ps),
        "Baseline codes given in the period with a later answer.",
    )


def linked_pairs(ctx: Context) -> int:
    """The most linked pre/post pairs on any one scored instrument."""
    return max((len(p.pre) for p in _all_pairs(ctx)), default=0)


def within_contact_pairs(ctx: Context) -> int:
    rows = _rows(
        "SELECT COUNT(*) FROM collect_contactrecord c "  # noqa: S608
        f"{_org_join('c')} WHERE c.initiative_id = %s AND c.date >= %s "
        "AND c.date <= %s AND c.distress_start IS NOT NULL "
        "AND c.distress_end IS NOT NULL",
        [ctx.organisation_id, ctx.initiative_id, ctx.period.start, ctx.period.end],
    )
    return int(rows[0][0] or 0)


@register("S04")
def evidence_level(ctx: Context) -> list[KpiResult]:
    from evidencehub.apps.kpis.selectors import plan_ceiling_for

    reached = evidence_reached(
        ceiling=plan_ceiling_for(ctx.initiative_id, ctx.organisation_id),
        linked_pairs=linked_pairs(ctx),
        within_contact_pairs=within_contact_pairs(ctx),
    )
    return [
        ctx.result(
            STATUS_OK,
            value=float(reached.sms or 0),
            n=0,
            methods=(Method(*ENGINE_METHOD), Method(*EVIDENCE_METHOD)),
            source="evaluation_plan",
            notes=f"EIF {reached.eif.value}; SMS {reached.sms or 'not rated'}. "
            + reached.reason,
            details={"eif": reached.eif.value, "missing": list(reached.missing)},
        )
    ]


# -- organisation inputs (operations app) and the dispatcher -------------


def _operations(ctx: Context) -> KpiResult:
    try:
        from evidencehub.apps.operations import kpis as ops  # type: ignore[attr-defined]

        compute = ops.compute
    except (ImportError, AttributeError):
        compute = None
    out = None
    if compute is not None:
        from evidencehub.apps.initiatives.models import Initiative

        initiative = Initiative.objects.get(
            pk=ctx.initiative_id, organisation_id=ctx.organisation_id
        )
        out = compute(
            kpi_id=ctx.kpi.id,
            initiative=initiative,
            start=ctx.period.start,
            end=ctx.period.end,
        )
    if out is None:
        return ctx.result(
            STATUS_INPUTS_MISSING,
            source="operations",
            notes="Inputs not available yet: this KPI needs the organisation's own "
            "records (" + ", ".join(DATA_NEEDED[d] for d in ctx.kpi.data_needed) + ").",
        )
    value = out.get("value")
    method = str(out.get("method") or "operations")
    # The operations app names methods "id@version"; older callers "id vN".
    mid, _sep, mver = method.partition("@" if "@" in method else " v")
    return ctx.result(
        STATUS_OK if value is not None else STATUS_NO_DATA,
        value=None if value is None else float(value),
        numerator=_num(out.get("numerator")),
        denominator=_num(out.get("denominator")),
        n=int(out.get("n") or 0),
        # C04 carries the interval of the improvement rate into the cost.
        lower=_num(out.get("lower")) if value is not None else None,
        upper=_num(out.get("upper")) if value is not None else None,
        unit=str(out.get("unit") or ctx.kpi.unit),
        methods=(Method(*ENGINE_METHOD), Method(mid, mver or "1")),
        source="operations",
        notes=str(out.get("notes") or "")[:500],
    )


def _num(x: Any) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


def compute(ctx: Context) -> list[KpiResult]:
    """All results (total first, then capped breakdown cells) for one KPI."""
    kpi = ctx.kpi
    if kpi.computed_by == "operations":
        return [_operations(ctx)]
    func = REGISTRY.get(kpi.id) if kpi.computed_by == "engine" else None
    if func is None:
        needs = ", ".join(DATA_NEEDED[d] for d in kpi.data_needed)
        missing = str(kpi.params.get("missing") or "")
        return [
            ctx.result(
                STATUS_NOT_IMPLEMENTED,
                notes=f"Defined in the catalogue, not computed yet (needs: {needs})."
                + (f" Missing: {missing}" if missing else ""),
            )
        ]
    return func(ctx)


__all__ = ["REGISTRY", "STATUS_OK", "Context", "compute"]
