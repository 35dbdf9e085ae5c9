from django.contrib import admin

from cases.admin import MunicipalityScopedAdmin

from .models import Recipient


@admin.register(Recipient)
class RecipientAdmin(MunicipalityScopedAdmin):
    """The hemtjänst directory: coordinators, groups, night patrol and the users who act for each."""

    list_display = ["name", "kind", "provider", "municipality", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "provider"]
    filter_horizontal = ["members"]
