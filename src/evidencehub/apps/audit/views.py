from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evidencehub.apps.accounts.decorators import organisation_required
from evidencehub.apps.accounts.models import Organisation
from evidencehub.apps.audit.selectors import audit_events_for_organisation
from evidencehub.core.permissions import Capability, Role


@organisation_required(Capability.VIEW_AUDIT)
def audit_log(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    prefix = request.GET.get("action", "")[:100]
    events = audit_events_for_organisation(
        organisation=organisation, action_prefix=prefix
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {"organisation": organisation, "page": page, "action": prefix},
    )
