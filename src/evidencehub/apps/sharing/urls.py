from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.sharing import views

app_name = "sharing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("initiatives/<slug:slug>/export/", views.export, name="export"),
    path("initiatives/<slug:slug>/share/", views.links, name="links"),
    path("initiatives/<slug:slug>/share/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("initiatives/<slug:slug>/report/", views.report_start, name="report_start"),
    path("initiatives/<slug:slug>/jobs/<str:job_id>/", views.job, name="job"),
    path(
        "initiatives/<slug:slug>/jobs/<str:job_id>/status/",
        views.job_status,
        name="job_status",
    ),
    path(
        "initiatives/<slug:slug>/jobs/<str:job_id>/download/",
        views.job_download,
        name="job_download",
    ),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("shared/<str:token>/report.pdf", views.shared_pdf, name="shared_pdf"),
]
