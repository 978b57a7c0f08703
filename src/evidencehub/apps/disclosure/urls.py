from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.disclosure import views

app_name = "disclosure"

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "consortia/<slug:slug>/results/",
        views.consortium_results,
        name="consortium_results",
    ),
]
