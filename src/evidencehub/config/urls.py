from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from evidencehub.apps.accounts import views as account_views
from evidencehub.apps.audit import views as audit_views

admin.site.site_header = "Prevention Evidence Hub"
admin.site.site_title = "Prevention Evidence Hub"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("evidencehub.apps.accounts.urls")),
    path("", include("evidencehub.apps.initiatives.urls")),
    path("", include("evidencehub.apps.collect.urls")),
    path("", include("evidencehub.apps.funding.urls")),
    path("", include("evidencehub.apps.instruments.urls")),
    path("", include("evidencehub.apps.kpis.urls")),
    path("", include("evidencehub.apps.operations.urls")),
    path("", include("evidencehub.apps.disclosure.urls")),
    path("", include("evidencehub.apps.privacy.urls")),
    path("", include("evidencehub.apps.federation.urls")),
    path("", include("evidencehub.apps.reports.urls")),
    path("", include("evidencehub.apps.sharing.urls")),
    path("o/<slug:org_slug>/audit/", audit_views.audit_log, name="audit_log"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("evidencehub.config.api_urls", "api"), namespace="api")),
]

handler400 = "evidencehub.api.handlers.bad_request"
handler404 = "evidencehub.api.handlers.not_found"
handler500 = "evidencehub.api.handlers.server_error"
