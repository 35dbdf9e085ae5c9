"""The administrator's view of deliveries and the reminders' lead times, in their own municipality.

Notifications are read-only here: they are records of what the system told whom, changed only by the
sending (services.notification_send). Their texts name a case's reference and the kind of thing only, so
no client data is shown. "Leveransfel" lists those that failed for good and those waiting for a retry
after an error.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin import MunicipalityScopedAdmin, admin_municipality_scope

from .models import Notification, ReminderSetting

Status = Notification.Status


class DeliveryFailureFilter(admin.SimpleListFilter):
    title = _("delivery failures")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed for good")), ("retrying", _("Failed, to be retried"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=Status.FAILED)
        if self.value() == "retrying":
            return queryset.filter(status__in=[Status.PENDING, Status.SENDING]).exclude(last_error="")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["when", "kind", "status", "tries", "to", "error"]
    list_filter = [DeliveryFailureFilter, "status", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email"]
    ordering = ["-created_at"]

    # The model's own field labels are English until a migration gives them Swedish names; the list's
    # columns say it in Swedish meanwhile.
    @admin.display(description=_("When"), ordering="created_at")
    def when(self, obj):
        return obj.created_at

    @admin.display(description=_("Attempts"), ordering="attempts")
    def tries(self, obj):
        return obj.attempts

    @admin.display(description=_("Recipient"))
    def to(self, obj):
        return obj.recipient

    @admin.display(description=_("Last error"))
    def error(self, obj):
        return obj.last_error

    def get_queryset(self, request):
        return admin_municipality_scope(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReminderSettingForm(forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = ["municipality", "team", "name", "value"]

    def clean(self):
        """A team's lead time belongs to the team's own municipality; say so rather than store a row no
        rule ever reads."""
        data = super().clean()
        team, municipality = data.get("team"), data.get("municipality")
        if team is not None and municipality is not None and team.municipality_id != municipality.pk:
            self.add_error("team", _("The team belongs to another municipality."))
        return data


@admin.register(ReminderSetting)
class ReminderSettingAdmin(MunicipalityScopedAdmin):
    """Lead times per municipality, or per team (a team's row wins); without a row the rule's default."""

    form = ReminderSettingForm
    list_display = ["name", "value", "team", "municipality"]
    list_filter = ["name", ("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["team", "municipality"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not request.user.is_superuser and request.user.municipality_id:
            initial.setdefault("municipality", request.user.municipality_id)
        return initial
