from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.privacy import views

app_name = "privacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("initiatives/<slug:slug>/benchmarks/", views.benchmarks, name="benchmarks"),
    path("o/<slug:org_slug>/privacy-budget/", views.privacy_budget, name="budget"),
]
