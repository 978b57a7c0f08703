from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("initiatives/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
]
