from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.reports import report_views, views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("initiatives/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "initiatives/<slug:slug>/report/preview/",
        report_views.report_preview,
        name="report_preview",
    ),
]
