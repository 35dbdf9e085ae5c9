"""The admin is for the administrator's catalogues, teams, users and the hemtjänst directory (with
history). Client data is not administered here: it is read and changed only through the case pages, which
log every read.

An administrator works inside their own municipality and cannot change their own role, municipality or
permissions: otherwise they could make themselves a case officer and read client data.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import Decision, InterventionType, LegalBasis, Municipality, Recipient, Team, User

admin.site.site_header = _("Hemgång administration")
admin.site.site_title = _("Hemgång administration")
admin.site.index_title = _("Catalogues, teams and users")

# django-otp's pages show an app's key and the recovery codes: an administrator who could read them and
# reset a password would sign in as a case officer (issue 12, separation of duties). A lost phone is the
# operator's `manage.py reset_second_factor USERNAME`. (django-axes' pages are off too, AXES_ENABLE_ADMIN:
# they list every municipality's usernames and addresses.)
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


def admin_municipality_scope(request, qs, field: str = "municipality"):
    """The rows of `qs` in the administrator's own municipality (a superuser sees all): every admin of a
    municipality's rows, also those of the apps above, scopes through here."""
    if request.user.is_superuser:
        return qs
    return qs.filter(**{field: request.user.municipality_id})


class MunicipalityScopedAdmin(SimpleHistoryAdmin):
    """Rows and choices of the administrator's own municipality only (a superuser sees all)."""

    municipality_field = "municipality"

    def get_queryset(self, request):
        return admin_municipality_scope(request, super().get_queryset(request), self.municipality_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "municipality":
                kwargs["queryset"] = Municipality.objects.filter(pk=request.user.municipality_id)
            elif db_field.name == "team":
                kwargs["queryset"] = Team.objects.filter(municipality_id=request.user.municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name == "members":
            kwargs["queryset"] = User.objects.filter(municipality_id=request.user.municipality_id)
        elif not request.user.is_superuser and db_field.name == "led_teams":
            kwargs["queryset"] = Team.objects.filter(municipality_id=request.user.municipality_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    municipality_field = "pk"
    list_display = [
        "name",
        "code",
        "consent_validity_days",
        "case_officers_work_weekends",
        "payment_free_days",
        "payment_daily_cost",
    ]


@admin.register(Team)
class TeamAdmin(MunicipalityScopedAdmin):
    list_display = [
        "name",
        "municipality",
        "area",
        "working_days",
        "day_starts_at",
        "day_ends_at",
        "capacity",
        "max_support_days",
        "follow_up_day",
    ]
    list_filter = ["municipality"]


@admin.register(InterventionType)
class CatalogueAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "municipality", "active", "sort_order"]
    list_filter = ["municipality", "active"]
    list_editable = ["active", "sort_order"]
    search_fields = ["name"]


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["municipality", "name", "description", "needs_assessment", "active", "sort_order"]

    def clean_needs_assessment(self):
        """The database refuses to change the kind of a basis decisions rest on; say so in Swedish."""
        value = self.cleaned_data["needs_assessment"]
        instance = self.instance
        if (
            instance.pk
            and value != instance.needs_assessment
            and Decision.objects.filter(legal_basis=instance).exists()
        ):
            raise forms.ValidationError(
                _("Decisions already rest on this basis, so its kind cannot change. Add a new basis instead.")
            )
        return value


@admin.register(LegalBasis)
class LegalBasisAdmin(CatalogueAdmin):
    form = LegalBasisForm
    list_display = ["name", "municipality", "needs_assessment", "active", "sort_order"]


@admin.register(User)
class UserAdmin(MunicipalityScopedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "profession", "team", "municipality", "is_active"]
    list_filter = ["role", ("team", admin.RelatedOnlyFieldListFilter), "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Hemgång"), {"fields": ("municipality", "role", "profession", "team", "led_teams", "shift")}),
    )
    filter_horizontal = ("groups", "user_permissions", "led_teams")
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Hemgång"),
            {"fields": ("first_name", "last_name", "email", "municipality", "role", "profession", "team", "shift")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["role", "municipality", "team", "led_teams", "profession", "groups", "is_staff"]
        return fields


@admin.register(Recipient)
class RecipientAdmin(MunicipalityScopedAdmin):
    """The hemtjänst directory: coordinators, groups, night patrol, the safety-alarm centre and the users who
    act for each. The client's providers link to it; messages go to it."""

    list_display = ["name", "kind", "provider", "municipality", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "provider"]
    filter_horizontal = ["members"]
