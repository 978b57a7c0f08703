from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from evidencehub.apps.accounts.models import (
    Consortium,
    ConsortiumMembership,
    Membership,
    Organisation,
    User,
)


def _platform_admin_only(request: HttpRequest) -> bool:
    """The admin site is for platform admins alone; organisation admins use the
    organisation pages, which are scoped to their own organisation."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = _platform_admin_only  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "country", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )


class ConsortiumMembershipInline(admin.TabularInline[ConsortiumMembership, Consortium]):
    model = ConsortiumMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin[Consortium]):
    list_display = ("name", "slug")
    filter_horizontal = ("organisations",)
    inlines = [ConsortiumMembershipInline]
