from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.instruments import views

app_name = "instruments"

_I = "initiatives/<slug:slug>/questionnaires/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(_I, views.questionnaire_list, name="list"),
    path(f"{_I}new/", views.questionnaire_new, name="new"),
    path(f"{_I}settings/", views.survey_settings, name="settings"),
    path(f"{_I}import/", views.definition_import, name="import"),
    path(f"{_I}<int:pk>/", views.results, name="results"),
    path(f"{_I}<int:pk>/toggle/", views.questionnaire_toggle, name="toggle"),
    path(f"{_I}<int:pk>/import/", views.responses_import, name="responses_import"),
    path(
        f"{_I}instruments/<int:version_pk>/export.json",
        views.definition_export,
        name="export",
    ),
    path(
        f"{_I}instruments/<int:version_pk>/licensed-text/",
        views.licensed_text,
        name="licensed_text",
    ),
    path("s/<slug:public_id>/", views.survey, name="survey"),
]
