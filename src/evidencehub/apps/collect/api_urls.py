"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.collect import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("collect", api.CollectApi.as_view(), name="collect"),
    path("collect/pixel.gif", api.CollectPixelApi.as_view(), name="collect_pixel"),
    path(
        "initiatives/<slug:slug>/collection-keys/",
        api.KeyListApi.as_view(),
        name="collection_keys",
    ),
    path(
        "initiatives/<slug:slug>/collection-keys/<int:pk>/rotate/",
        api.KeyRotateApi.as_view(),
        name="collection_key_rotate",
    ),
    path(
        "initiatives/<slug:slug>/collection-keys/<int:pk>/revoke/",
        api.KeyRevokeApi.as_view(),
        name="collection_key_revoke",
    ),
    path(
        "initiatives/<slug:slug>/collection-settings/",
        api.SettingsApi.as_view(),
        name="collection_settings",
    ),
    path(
        "initiatives/<slug:slug>/contact-records/",
        api.ContactListApi.as_view(),
        name="contact_records",
    ),
    path(
        "initiatives/<slug:slug>/aggregate-figures/",
        api.FigureListApi.as_view(),
        name="aggregate_figures",
    ),
    path(
        "initiatives/<slug:slug>/period-figures/",
        api.PeriodFigureApi.as_view(),
        name="period_figures",
    ),
    path(
        "initiatives/<slug:slug>/daily-rollups/",
        api.RollupListApi.as_view(),
        name="daily_rollups",
    ),
]
