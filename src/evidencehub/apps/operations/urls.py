from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from evidencehub.apps.operations import views

app_name = "operations"

_I = "initiatives/<slug:slug>/inputs/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(_I, views.overview, name="overview"),
    path(f"{_I}costs/", views.costs, name="costs"),
    path(f"{_I}funding/", views.funding, name="funding"),
    path(f"{_I}staff/", views.posts, name="posts"),
    path(f"{_I}staff/training/", views.training, name="training"),
    path(f"{_I}staff/periods/", views.staff_periods, name="staff_periods"),
    path(f"{_I}staff/pulse/", views.staff_pulse, name="staff_pulse"),
    path(f"{_I}materials/", views.materials, name="materials"),
    path(f"{_I}materials/<int:pk>/", views.material_detail, name="material"),
    path(f"{_I}policy/", views.policy, name="policy"),
    path(f"{_I}policy/goals/", views.goal_new, name="goal_new"),
    path(f"{_I}<str:kind>/import/", views.record_import, name="import"),
    path(f"{_I}<str:kind>/<int:pk>/delete/", views.record_delete, name="delete"),
]
