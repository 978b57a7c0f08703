from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.kpis import views

app_name = "kpis"

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/", views.catalogue, name="catalogue"),
    path("kpis/<str:kpi_id>/", views.kpi_detail, name="detail"),
    path("initiatives/<slug:slug>/kpis/", views.initiative_kpis, name="initiative"),
    path(
        "initiatives/<slug:slug>/kpis/compute/",
        views.initiative_compute,
        name="compute",
    ),
    path("initiatives/<slug:slug>/kpis/scorecard/", views.scorecard, name="scorecard"),
    path("initiatives/<slug:slug>/kpis/propose/", views.propose, name="propose"),
]
