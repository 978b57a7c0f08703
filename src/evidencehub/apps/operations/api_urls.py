"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.operations import api

_I = "initiatives/<slug:slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("policy-goals/", api.PolicyGoalsApi.as_view(), name="policy_goals"),
    path(f"{_I}operations-kpis/", api.KpiApi.as_view(), name="operations_kpis"),
    path(f"{_I}policy-matrix/", api.PolicyMatrixApi.as_view(), name="policy_matrix"),
    path(
        f"{_I}inputs/<str:kind>/",
        api.RecordListApi.as_view(),
        name="operations_records",
    ),
    path(
        f"{_I}inputs/<str:kind>/<int:pk>/",
        api.RecordDetailApi.as_view(),
        name="operations_record",
    ),
]
