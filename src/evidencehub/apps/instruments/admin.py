from __future__ import annotations

from django.contrib import admin

from evidencehub.apps.instruments.models import InstrumentVersion, Questionnaire


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin[InstrumentVersion]):
    list_display = ["instrument_id", "version", "title", "organisation", "origin"]
    list_filter = ["origin"]
    search_fields = ["instrument_id", "title"]
    readonly_fields = [
        "definition",
        "instrument_id",
        "version",
        "organisation",
        "origin",
    ]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin[Questionnaire]):
    list_display = ["title", "initiative", "instrument_version", "occasion", "is_open"]
    list_filter = ["occasion", "is_open"]
    readonly_fields = ["public_id"]
