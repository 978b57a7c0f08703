from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.federation import views

app_name = "federation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("bundles/", views.bundle_list, name="bundles"),
    path("bundles/<int:pk>/", views.bundle_detail, name="bundle"),
]
