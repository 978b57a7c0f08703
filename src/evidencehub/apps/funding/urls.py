from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.funding import views

app_name = "funding"

urlpatterns: list[URLPattern | URLResolver] = [
    path("funding/", views.search, name="search"),
    path("funding/calls/<slug:key>/", views.call_detail, name="call"),
    path("funding/calls/<slug:key>/deadlines.ics", views.call_ics, name="call_ics"),
    path(
        "funding/calls/<slug:key>/commongrants.json",
        views.call_commongrants,
        name="call_commongrants",
    ),
    path("funding/funders/", views.funder_list, name="funders"),
    path("funding/funders/<slug:key>/", views.funder_detail, name="funder"),
    path("funding/programmes/<slug:key>/", views.programme_detail, name="programme"),
    path("funding/past-grants/", views.grant_list, name="grants"),
    path(
        "funding/past-grants/360giving.json", views.grant_export, name="grants_export"
    ),
    path("funding/past-grants/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("funding/coverage/", views.coverage, name="coverage"),
    path("funding/settings/", views.person_settings, name="settings"),
    path("funding/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("funding/feeds/search/<str:token>.ics", views.search_feed, name="search_feed"),
    path(
        "funding/feeds/watchlist/<str:token>.ics",
        views.watchlist_feed,
        name="watchlist_feed",
    ),
    path("funding/propose/", views.submit, name="submit"),
    path("funding/proposals/", views.submissions, name="submissions"),
    path("funding/review/", views.review_queue, name="review_queue"),
    path("funding/review/<int:pk>/", views.review, name="review"),
    path("funding/import/", views.import_file, name="import"),
    path("funding/o/<slug:org_slug>/", views.organisation_home, name="organisation"),
    path("funding/o/<slug:org_slug>/profile/", views.profile_edit, name="profile"),
    path("funding/o/<slug:org_slug>/searches/", views.save_search, name="save_search"),
    path(
        "funding/o/<slug:org_slug>/searches/<int:pk>/delete/",
        views.delete_search,
        name="delete_search",
    ),
    path(
        "funding/o/<slug:org_slug>/watch/<slug:key>/", views.toggle_watch, name="watch"
    ),
    path("funding/o/<slug:org_slug>/share/<slug:key>/", views.share, name="share"),
]
