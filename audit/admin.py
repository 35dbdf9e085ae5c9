"""The users' admin with separation of duties: the form of cases/admin.py, its saves through audit.services.

A change that would give access to client data becomes a request a unit manager decides in the app (their
page "Kontoändringar"; the admin says that the change waits); the password of a care account is never set
here, only a reset asked for.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.admin import UserAdmin
from cases.models import User
from hemgang.errors import DomainError

from . import services


def _flags(cleaned: dict, initial_groups, initial_permissions) -> dict:
    return {
        "is_superuser": cleaned.get("is_superuser", False),
        "is_staff": cleaned.get("is_staff", False),
        "permissions_changed": ("groups" in cleaned and {g.pk for g in cleaned["groups"]} != initial_groups)
        or ("user_permissions" in cleaned and {p.pk for p in cleaned["user_permissions"]} != initial_permissions),
    }


def _guarded_form(base, actor):
    """The admin's form for `actor`, refusing outright what no administrator may do (services)."""

    class GuardedForm(base):
        def clean(self):
            cleaned = super().clean()
            account = self.instance if self.instance.pk else None
            before = services.snapshot(User.objects.get(pk=account.pk)) if account else {}
            after = {**before, **_after(self, cleaned)}
            groups = set(account.groups.values_list("pk", flat=True)) if account else set()
            permissions = set(account.user_permissions.values_list("pk", flat=True)) if account else set()
            for problem in services.admin_change_problems(
                actor=actor,
                account=account,
                before=before,
                after=after,
                flags=_flags(cleaned, groups, permissions),
            ):
                self.add_error(None, problem)
            return cleaned

    return GuardedForm


def _after(form, cleaned: dict) -> dict:
    """The guarded values the form asks for (only the fields it has)."""
    after = {}
    for field in ("role", "profession", "email", "is_active"):
        if field in form.fields and field in cleaned:
            after[field] = cleaned[field]
    for field in ("team", "municipality"):
        if field in form.fields and field in cleaned:
            after[field] = cleaned[field].pk if cleaned[field] else None
    if "led_teams" in form.fields and "led_teams" in cleaned:
        after["led_teams"] = sorted(team.pk for team in cleaned["led_teams"])
    return after


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    def get_form(self, request, obj=None, **kwargs):
        return _guarded_form(super().get_form(request, obj, **kwargs), request.user)

    def get_readonly_fields(self, request, obj=None):
        # Superuser status is never given here (createsuperuser is the break-glass way, on the server).
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "is_superuser" in fields else [*fields, "is_superuser"]

    def save_model(self, request, obj, form, change):
        before = services.snapshot(User.objects.get(pk=obj.pk)) if change else {}
        after = {**before, **_after(form, form.cleaned_data)}
        if not change:
            # The add form has no led teams; the team and the rest come from the form.
            after.setdefault("led_teams", [])
        outcome = services.account_admin_save(
            actor=request.user, account=obj, before=before, after=after, created=not change
        )
        request.account_led_teams_now = outcome.led_teams
        if outcome.request is not None:
            request.account_change_waits = True
            messages.warning(
                request,
                _(
                    "The change of access waits for a unit manager's approval; until then it does not take "
                    "effect. The user gets an e-mail to choose their password when a new account or a reset "
                    "is approved."
                ),
            )

    def save_related(self, request, form, formsets, change):
        if "led_teams" in form.cleaned_data:
            led = getattr(request, "account_led_teams_now", None)
            if led is not None:
                form.cleaned_data["led_teams"] = form.cleaned_data["led_teams"].model.objects.filter(pk__in=led)
        super().save_related(request, form, formsets, change)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "was changed successfully" would contradict the warning that the change waits.
        if getattr(request, "account_change_waits", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        """A care account's password is never set by the administrator: they may only ask for a reset."""
        account = self.get_object(request, unquote(id))
        if account is None or not self.has_change_permission(request, account):
            raise Http404
        if not services.is_care(services.snapshot(account)):
            return super().user_change_password(request, id, form_url)
        change_url = reverse("admin:cases_user_change", args=[account.pk])
        if request.method == "POST":
            try:
                services.account_password_reset_request(actor=request.user, account=account)
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                messages.warning(
                    request,
                    _(
                        "The password reset waits for a unit manager's approval; then the user gets an "
                        "e-mail with a link to choose a new password."
                    ),
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Request a password reset"),
            "account": account,
            "opts": self.opts,
            "change_url": change_url,
        }
        return TemplateResponse(request, "audit/admin_password_request.html", context)
