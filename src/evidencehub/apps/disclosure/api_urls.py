"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.disclosure import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "consortia/<slug:slug>/results/",
        api.ConsortiumResultsApi.as_view(),
        name="consortium_results",
    ),
]
