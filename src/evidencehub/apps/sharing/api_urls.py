"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.sharing import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "initiatives/<slug:slug>/export/",
        api.ExportApi.as_view(),
        name="initiative_export",
    ),
    path(
        "initiatives/<slug:slug>/share-links/",
        api.LinkListApi.as_view(),
        name="share_links",
    ),
    path(
        "initiatives/<slug:slug>/share-links/<int:pk>/revoke/",
        api.LinkRevokeApi.as_view(),
        name="share_link_revoke",
    ),
    path(
        "initiatives/<slug:slug>/report-jobs/",
        api.ReportJobApi.as_view(),
        name="report_jobs",
    ),
    path(
        "initiatives/<slug:slug>/jobs/<str:job_id>/",
        api.JobApi.as_view(),
        name="job",
    ),
    path(
        "initiatives/<slug:slug>/jobs/<str:job_id>/download/",
        api.JobDownloadApi.as_view(),
        name="job_download",
    ),
]
