"""Pages: catalogue browser, KPI detail, initiative KPI page, scorecard and
"propose core KPIs for this plan"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidencehub.apps.disclosure.selectors import (
    INTERNAL_NOTE,
    Audience,
    audience_for,
)
from evidencehub.apps.initiatives.models import Initiative, KpiTarget
from evidencehub.apps.initiatives.views import initiative_required
from evidencehub.apps.kpis import selectors, services
from evidencehub.apps.kpis.presenters import STATUS_TEXT, value_text
from evidencehub.core.kpis.definitions import (
    DATA_NEEDED,
    DOMAINS,
    LEVELS,
    load_catalogue,
)
from evidencehub.core.kpis.results import BREAKDOWNS, Period, PeriodError, parse_period
from evidencehub.core.permissions import Capability, Role, role_can


def _period(request: HttpRequest) -> tuple[Period, str]:
    raw = (request.GET.get("period") or request.POST.get("period") or "").strip()
    try:
        return parse_period(raw or str(timezone.now().year)), ""
    except PeriodError as exc:
        return parse_period(str(timezone.now().year)), str(exc)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    p = request.GET
    filters = {
        "q": p.get("q", "")[:100],
        "domain": p.get("domain", "")[:40],
        "data_needed": p.get("data_needed", "")[:40],
        "level": p.get("level", "")[:20],
    }
    kpis = load_catalogue().search(**filters)
    return render(
        request,
        "kpis/catalogue.html",
        {
            "kpis": kpis,
            "filters": filters,
            "domains": DOMAINS,
            "data_needed": DATA_NEEDED,
            "levels": LEVELS,
        },
    )


@login_required
def kpi_detail(request: HttpRequest, kpi_id: str) -> HttpResponse:
    kpi = load_catalogue().get(kpi_id)
    if kpi is None:
        raise Http404("No such KPI")
    return render(
        request,
        "kpis/detail.html",
        {
            "kpi": kpi,
            "domain_label": DOMAINS[kpi.domain],
            "data_labels": [DATA_NEEDED[d] for d in kpi.data_needed],
        },
    )


def _internal(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    """Members see their own figures unprotected, and are told so."""
    audience = audience_for(user=request.user, organisation=initiative.organisation)
    if audience is not Audience.INTERNAL:
        raise Http404("No such initiative")
    return {"internal": True, "internal_note": INTERNAL_NOTE}


def _lines(initiative: Initiative, period: Period) -> list[dict[str, Any]]:
    cat = load_catalogue()
    results = {
        r.kpi_id: r for r in selectors.stored(initiative=initiative, period=period)
    }
    core = {k.id for k in cat.core_set(initiative.intervention_type)}
    planned = set(
        KpiTarget.objects.filter(question__plan__initiative=initiative).values_list(
            "kpi_id", flat=True
        )
    )
    wanted = [k for k in cat.kpis if k.id in core | planned or k.id in results]
    # outcomes first: a page never leads with an access count alone
    wanted.sort(key=lambda k: (not k.is_outcome, k.id not in planned, k.id))
    return [
        {
            "kpi": k,
            "result": results.get(k.id),
            "text": value_text(results.get(k.id)),
            "in_plan": k.id in planned,
            "in_core": k.id in core,
        }
        for k in wanted
    ]


@initiative_required()
def initiative_kpis(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    period, error = _period(request)
    lines = _lines(initiative, period)
    card = selectors.scorecard(initiative=initiative, period=period)
    return render(
        request,
        "kpis/initiative.html",
        {
            "initiative": initiative,
            "period": period,
            "period_error": error,
            "lines": lines,
            "warning": card.warning,
            "evidence": selectors.evidence(initiative=initiative, period=period),
            "periods": selectors.stored_periods(initiative=initiative),
            "can_compute": role_can(role, Capability.ENTER_DATA),
            "can_edit_plan": role_can(role, Capability.EDIT_PLAN),
            "breakdowns": BREAKDOWNS,
            "status_text": STATUS_TEXT,
            **_internal(request, initiative),
        },
    )


@require_POST
@initiative_required(Capability.ENTER_DATA)
def initiative_compute(
    request: HttpRequest, initiative: Initiative, role: Role
) -> HttpResponse:
    period, error = _period(request)
    if error:
        messages.error(request, error)
        return redirect("kpis:initiative", initiative.slug)
    breakdown = request.POST.get("breakdown", "")
    try:
        _run, results = services.compute_and_store(
            initiative=initiative,
            period=period,
            breakdown=breakdown if breakdown in BREAKDOWNS else "",
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        done = sum(1 for r in results if r.has_value and not r.breakdown)
        messages.success(
            request,
            _("Computed %(n)d KPIs with data for %(p)s.")
            % {"n": done, "p": period.label},
        )
    return redirect(f"{request.path.rsplit('compute/', 1)[0]}?period={period.label}")


@initiative_required()
def scorecard(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    period, error = _period(request)
    card = selectors.scorecard(initiative=initiative, period=period)
    rows = [
        {"line": ln, "text": value_text(ln.result)}
        for ln in sorted(
            card.lines, key=lambda ln: not (ln.kpi is not None and ln.kpi.is_outcome)
        )
    ]
    return render(
        request,
        "kpis/scorecard.html",
        {
            "initiative": initiative,
            "period": period,
            "period_error": error,
            "card": card,
            "rows": rows,
            "evidence": selectors.evidence(initiative=initiative, period=period),
            **_internal(request, initiative),
        },
    )


@initiative_required(Capability.EDIT_PLAN)
def propose(request: HttpRequest, initiative: Initiative, role: Role) -> HttpResponse:
    cat = load_catalogue()
    core = cat.core_set(initiative.intervention_type)
    planned = set(
        KpiTarget.objects.filter(question__plan__initiative=initiative).values_list(
            "kpi_id", flat=True
        )
    )
    errors: dict[str, Any] = {}
    if request.method == "POST":
        chosen = [k for k in request.POST.getlist("kpi") if cat.get(k) is not None]
        extra = request.POST.get("extra", "").strip().upper()
        if extra:
            chosen.extend(x.strip() for x in extra.replace(",", " ").split())
        targets: dict[str, Decimal | None] = {}
        for kid in chosen:
            raw = request.POST.get(f"target_{kid}", "").strip()
            if raw:
                try:
                    targets[kid] = Decimal(raw)
                except InvalidOperation:
                    errors[f"target_{kid}"] = _("Enter a number.")
        if not errors:
            try:
                services.propose_core_kpis(
                    actor=request.user,  # type: ignore[arg-type]
                    initiative=initiative,
                    kpi_ids=chosen,
                    targets=targets,
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("The chosen KPIs were added to the plan."))
                return redirect("initiatives:plan", initiative.slug)
    return render(
        request,
        "kpis/propose.html",
        {
            "initiative": initiative,
            "core": core,
            "planned": planned,
            "errors": errors,
            "has_outcome": any(k.is_outcome for k in core),
        },
        status=400 if errors else 200,
    )
