from __future__ import annotations

from django.contrib import admin

from evidencehub.apps.initiatives.models import (
    EvaluationPlan,
    EvaluationQuestion,
    Initiative,
    KpiTarget,
    LogicModel,
)


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin[Initiative]):
    list_display = ("name", "organisation", "intervention_type", "status")
    list_filter = ("intervention_type", "prevention_level", "status")
    search_fields = ("name", "slug")


class KpiTargetInline(admin.TabularInline[KpiTarget, EvaluationQuestion]):
    model = KpiTarget
    extra = 0


@admin.register(EvaluationQuestion)
class EvaluationQuestionAdmin(admin.ModelAdmin[EvaluationQuestion]):
    list_display = ("text", "design", "plan")
    inlines = [KpiTargetInline]


admin.site.register(EvaluationPlan)
admin.site.register(LogicModel)
