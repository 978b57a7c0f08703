"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.instruments import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("instruments/", api.InstrumentListApi.as_view(), name="instruments"),
    path(
        "instruments/<slug:instrument_id>/versions/<str:version>/",
        api.InstrumentDetailApi.as_view(),
        name="instrument",
    ),
    path(
        "initiatives/<slug:slug>/questionnaires/",
        api.QuestionnaireListApi.as_view(),
        name="questionnaires",
    ),
    path(
        "initiatives/<slug:slug>/questionnaires/<int:pk>/results/",
        api.QuestionnaireResultsApi.as_view(),
        name="questionnaire_results",
    ),
    path(
        "surveys/<slug:public_id>/responses/",
        api.SurveyResponseApi.as_view(),
        name="survey_responses",
    ),
    path(
        "surveys/<slug:public_id>/micro/",
        api.MicroSurveyApi.as_view(),
        name="survey_micro",
    ),
]
