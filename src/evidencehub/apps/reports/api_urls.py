"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.reports import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "initiatives/<slug:slug>/dashboard/",
        api.DashboardApi.as_view(),
        name="initiative_dashboard",
    ),
]
