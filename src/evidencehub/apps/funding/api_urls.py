"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.funding import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/", api.CallListApi.as_view(), name="funding_calls"),
    path("calls/<slug:key>/", api.CallDetailApi.as_view(), name="funding_call"),
    path("calls/<slug:key>/share/", api.ShareApi.as_view(), name="funding_call_share"),
    path("funders/", api.FunderListApi.as_view(), name="funders"),
    path("funders/coverage/", api.CoverageApi.as_view(), name="funders_coverage"),
    path("funders/past-grants/", api.GrantListApi.as_view(), name="funders_grants"),
    path(
        "funders/past-grants/360giving/",
        api.GrantExportApi.as_view(),
        name="funders_grants_export",
    ),
    path("funders/imports/", api.ImportApi.as_view(), name="funders_import"),
    path(
        "funders/submissions/",
        api.SubmissionListApi.as_view(),
        name="funders_submissions",
    ),
    path(
        "funders/submissions/<int:pk>/review/",
        api.SubmissionReviewApi.as_view(),
        name="funders_submission_review",
    ),
    path(
        "funders/organisations/<slug:slug>/profile/",
        api.ProfileApi.as_view(),
        name="funding_profile",
    ),
    path(
        "funders/organisations/<slug:slug>/matches/",
        api.MatchesApi.as_view(),
        name="funding_matches",
    ),
    path(
        "funders/organisations/<slug:slug>/saved-searches/",
        api.SavedSearchListApi.as_view(),
        name="funding_saved_searches",
    ),
    path(
        "funders/organisations/<slug:slug>/saved-searches/<int:pk>/",
        api.SavedSearchDetailApi.as_view(),
        name="funding_saved_search",
    ),
    path(
        "funders/organisations/<slug:slug>/watchlist/",
        api.WatchlistApi.as_view(),
        name="funding_watchlist",
    ),
    path(
        "funders/organisations/<slug:slug>/watchlist/<slug:key>/",
        api.WatchDetailApi.as_view(),
        name="funding_watch",
    ),
    path("funders/<slug:key>/", api.FunderDetailApi.as_view(), name="funder"),
]
