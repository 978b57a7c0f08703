from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.collect import views

app_name = "collect"

_I = "initiatives/<slug:slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_I}collection/", views.overview, name="overview"),
    path(f"{_I}collection/keys/", views.keys, name="keys"),
    path(f"{_I}collection/keys/<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
    path(f"{_I}collection/keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path(f"{_I}collection/settings/", views.collection_settings, name="settings"),
    path(f"{_I}collection/test-page/", views.test_page, name="test_page"),
    path(f"{_I}contacts/", views.contacts, name="contacts"),
    path(f"{_I}contacts/new/", views.contact_new, name="contact_new"),
    path(f"{_I}contacts/import/", views.contact_import, name="contact_import"),
    path(f"{_I}figures/", views.figures, name="figures"),
    path(f"{_I}figures/import/", views.figure_import, name="figure_import"),
]
