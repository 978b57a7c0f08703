"""REST API v1: every route is assembled here from the apps' own `api` modules."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from evidencehub.apps.accounts import api as accounts_api
from evidencehub.apps.audit import api as audit_api
from evidencehub.apps.initiatives import api as initiatives_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("token/", accounts_api.TokenObtainApi.as_view(), name="token"),
    path(
        "organisations/",
        accounts_api.OrganisationListApi.as_view(),
        name="organisations",
    ),
    path(
        "organisations/<slug:slug>/",
        accounts_api.OrganisationDetailApi.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/memberships/",
        accounts_api.MembershipListApi.as_view(),
        name="memberships",
    ),
    path(
        "organisations/<slug:slug>/memberships/<int:pk>/",
        accounts_api.MembershipDetailApi.as_view(),
        name="membership",
    ),
    path(
        "organisations/<slug:slug>/audit-events/",
        audit_api.AuditEventListApi.as_view(),
        name="audit_events",
    ),
    path(
        "initiatives/", initiatives_api.InitiativeListApi.as_view(), name="initiatives"
    ),
    path(
        "initiatives/<slug:slug>/",
        initiatives_api.InitiativeDetailApi.as_view(),
        name="initiative",
    ),
    path(
        "initiatives/<slug:slug>/logic-model/",
        initiatives_api.LogicModelApi.as_view(),
        name="logic_model",
    ),
    path(
        "initiatives/<slug:slug>/plan/", initiatives_api.PlanApi.as_view(), name="plan"
    ),
    path(
        "initiatives/<slug:slug>/plan/questions/",
        initiatives_api.QuestionListApi.as_view(),
        name="questions",
    ),
    path(
        "initiatives/<slug:slug>/plan/questions/<int:pk>/",
        initiatives_api.QuestionDetailApi.as_view(),
        name="question",
    ),
    path(
        "initiatives/<slug:slug>/jrc-profile/",
        initiatives_api.JrcProfileApi.as_view(),
        name="jrc_profile",
    ),
    path("", include("evidencehub.apps.collect.api_urls")),
    path("", include("evidencehub.apps.funding.api_urls")),
    path("", include("evidencehub.apps.instruments.api_urls")),
    path("", include("evidencehub.apps.kpis.api_urls")),
    path("", include("evidencehub.apps.operations.api_urls")),
    path("", include("evidencehub.apps.disclosure.api_urls")),
    path("", include("evidencehub.apps.privacy.api_urls")),
    path("", include("evidencehub.apps.federation.api_urls")),
    path("", include("evidencehub.apps.reports.api_urls")),
    path("", include("evidencehub.apps.sharing.api_urls")),
]
