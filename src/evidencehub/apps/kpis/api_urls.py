"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.kpis import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/", api.KpiListApi.as_view(), name="kpis"),
    path("kpis/package/", api.KpiPackageApi.as_view(), name="kpi_package"),
    path("kpis/<str:kpi_id>/", api.KpiDetailApi.as_view(), name="kpi"),
    path(
        "initiatives/<slug:slug>/kpis/",
        api.InitiativeResultsApi.as_view(),
        name="initiative_kpis",
    ),
    path(
        "initiatives/<slug:slug>/kpis/compute/",
        api.InitiativeComputeApi.as_view(),
        name="initiative_kpis_compute",
    ),
    path(
        "initiatives/<slug:slug>/kpis/scorecard/",
        api.ScorecardApi.as_view(),
        name="initiative_scorecard",
    ),
    path(
        "initiatives/<slug:slug>/kpis/evidence/",
        api.EvidenceApi.as_view(),
        name="initiative_evidence",
    ),
]
