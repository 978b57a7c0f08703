"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.federation import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("bundles/", api.BundleListApi.as_view(), name="bundles"),
    path(
        "organisations/<slug:slug>/bundle/",
        api.OrganisationBundleApi.as_view(),
        name="organisation_bundle",
    ),
]
