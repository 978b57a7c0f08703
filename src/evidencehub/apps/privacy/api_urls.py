"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.privacy import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "initiatives/<slug:slug>/benchmarks/",
        api.BenchmarkApi.as_view(),
        name="initiative_benchmarks",
    ),
    path(
        "initiatives/<slug:slug>/noisy-releases/",
        api.NoisyReleaseApi.as_view(),
        name="initiative_noisy_releases",
    ),
    path(
        "organisations/<slug:slug>/privacy-budget/",
        api.LedgerApi.as_view(),
        name="privacy_budget",
    ),
]
