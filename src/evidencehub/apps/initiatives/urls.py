from __future__ import annotations

from django.urls import path

from evidencehub.apps.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("o/<slug:org_slug>/", views.organisation_home, name="organisation"),
    path("o/<slug:org_slug>/initiatives/new/", views.initiative_new, name="new"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="detail"),
    path("initiatives/<slug:slug>/edit/", views.initiative_edit, name="edit"),
    path("initiatives/<slug:slug>/delete/", views.initiative_remove, name="delete"),
    path("initiatives/<slug:slug>/logic-model/", views.logic_model, name="logic_model"),
    path("initiatives/<slug:slug>/plan/", views.plan_detail, name="plan"),
    path("initiatives/<slug:slug>/plan/edit/", views.plan_edit, name="plan_edit"),
    path(
        "initiatives/<slug:slug>/plan/questions/new/",
        views.question_edit,
        name="question_new",
    ),
    path(
        "initiatives/<slug:slug>/plan/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "initiatives/<slug:slug>/plan/questions/<int:question_id>/delete/",
        views.question_remove,
        name="question_delete",
    ),
    path(
        "initiatives/<slug:slug>/data-protection/",
        views.data_protection_summary,
        name="data_protection",
    ),
    path(
        "initiatives/<slug:slug>/jrc-profile.json",
        views.jrc_profile_export,
        name="jrc_profile",
    ),
]
