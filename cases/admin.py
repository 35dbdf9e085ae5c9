"""The admin is for the administrator's catalogues, teams and users (with history). Client data is not
administered here: it is read and changed only through the case pages, which log every read."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import InterventionType, LegalBasis, Municipality, Team, User


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "consent_validity_days"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "municipality",
        "area",
        "working_days",
        "day_starts_at",
        "day_ends_at",
        "capacity",
        "max_support_days",
    ]
    list_filter = ["municipality"]


@admin.register(InterventionType, LegalBasis)
class CatalogueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "municipality", "active", "sort_order"]
    list_filter = ["municipality", "active"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "profession", "team", "municipality", "is_active"]
    list_filter = ["municipality", "role", "team", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Hemgång"), {"fields": ("municipality", "role", "profession", "team", "shift")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Hemgång"),
            {"fields": ("first_name", "last_name", "email", "municipality", "role", "profession", "team", "shift")},
        ),
    )
