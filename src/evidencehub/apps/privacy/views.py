"""Pages: an initiative's benchmark against peers, and the organisation's
privacy-loss ledger (admins), where a noisy figure can be released."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from evidencehub.apps.accounts.decorators import organisation_required
from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.selectors import stored_periods
from evidencehub.apps.privacy import selectors, services
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import Period, PeriodError, parse_period
from evidencehub.core.permissions import Capability, Role
from evidencehub.core.privacy.budget import BudgetExceeded
from evidencehub.core.privacy.mechanisms import MECHANISMS
from evidencehub.core.privacy.quantiles import (
    DEFAULT_BENCHMARK_EPSILON,
    MIN_PEERS,
    TooFewPeers,
    bounds_for_unit,
)


def _period(raw: str) -> tuple[Period, str]:
    try:
        return parse_period((raw or str(timezone.now().year))[:32]), ""
    except PeriodError as exc:
        return parse_period(str(timezone.now().year)), str(exc)


def _float(raw: str) -> float | None:
    try:
        value = float(raw[:40])
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
    return list(exc.messages)


@login_required
def benchmarks(request: HttpRequest, slug: str) -> HttpResponse:
    initiative, audience = selectors.benchmark_access(user=request.user, slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    period, period_error = _period(data.get("period", ""))
    kpis = [k for k in load_catalogue().kpis if bounds_for_unit(k.unit) is not None]
    kpi_id = data.get("kpi", "")[:8] or (kpis[0].id if kpis else "")
    kpi = load_catalogue().get(kpi_id)
    errors: list[str] = [period_error] if period_error else []
    if kpi is None:
        errors.append(_("kpi: unknown KPI."))
    can_build = selectors.can_build_benchmark(user=request.user, initiative=initiative)
    if request.method == "POST" and not can_build:
        raise PermissionDenied
    if request.method == "POST" and not errors and kpi is not None:
        try:
            services.build_benchmark(
                intervention_type=initiative.intervention_type,
                kpi_id=kpi.id,
                period=period,
                epsilon=DEFAULT_BENCHMARK_EPSILON,
                actor=request.user,  # type: ignore[arg-type]
            )
        except TooFewPeers:
            errors.append(
                _(
                    "Too few peers: a benchmark needs at least %(n)s initiatives "
                    "of this kind with a figure that may be shared."
                )
                % {"n": MIN_PEERS}
            )
        except ValidationError as exc:
            errors.extend(_errors(exc))
        else:
            return redirect(f"{request.path}?kpi={kpi.id}&period={period.label}")
    view: dict[str, Any] | None = None
    if kpi is not None and not errors:
        bench = selectors.stored_benchmark(
            intervention_type=initiative.intervention_type,
            kpi_id=kpi.id,
            kpi_version=kpi.version,
            period=period,
        )
        if bench is not None:
            view = selectors.benchmark_view(
                bench=bench, initiative=initiative, audience=audience, period=period
            )
    status = 400 if errors and request.method == "POST" else 200
    return render(
        request,
        "privacy/benchmarks.html",
        {
            "initiative": initiative,
            "can_build": can_build,
            "internal": audience.value == "internal",
            "period": period,
            "periods": stored_periods(initiative=initiative),
            "kpis": kpis,
            "kpi": kpi,
            "bench": view,
            "errors": errors,
            "epsilon": DEFAULT_BENCHMARK_EPSILON,
            "min_peers": MIN_PEERS,
        },
        status=status,
    )


def _release_from_post(request: HttpRequest, organisation: Organisation) -> list[str]:
    p = request.POST
    initiative = Initiative.objects.filter(
        organisation=organisation, slug=p.get("initiative", "")[:60]
    ).first()
    if initiative is None:
        return [_("initiative: choose one of your initiatives.")]
    period, error = _period(p.get("period", ""))
    if error:
        return [f"period: {error}"]
    epsilon = _float(p.get("epsilon", ""))
    if epsilon is None:
        return [_("epsilon: give a number, for example 0.5.")]
    mechanism = p.get("mechanism", "laplace")[:16]
    delta = _float(p.get("delta", "") or "0")
    if delta is None:
        return [_("delta: give a number, for example 0.000001.")]
    try:
        services.release_noisy_kpi(
            initiative=initiative,
            kpi_id=p.get("kpi_id", "")[:8],
            period=period,
            epsilon=epsilon,
            mechanism=mechanism,
            delta=delta,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        return _errors(exc)
    except BudgetExceeded as exc:
        return [str(exc)]
    return []


@organisation_required(Capability.VIEW_AUDIT)
def privacy_budget(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        errors = _release_from_post(request, organisation)
        if not errors:
            messages.success(request, _("Released. The ledger shows the entry."))
            return redirect("privacy:budget", organisation.slug)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    summary = selectors.ledger(
        organisation=organisation, year=year or timezone.now().year
    )
    return render(
        request,
        "privacy/budget.html",
        {
            "organisation": organisation,
            "summary": summary,
            "errors": errors,
            "initiatives": Initiative.objects.filter(organisation=organisation),
            "mechanisms": MECHANISMS,
            "form": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )
