"""Separation of duties for accounts (issue 12): an administrator's change that would give someone access to
client data is not applied but stored as a request a unit manager decides; every account change leaves an
event.

A care account is one with a role that reads client data (`CARE_ROLES`). For such an account — or one the
change would give such a role — creating it, or changing its role, profession, team, led teams,
municipality, activation or password, waits here for a unit manager's approval (audit.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Role

# The roles whose accounts read client data.
CARE_ROLES = (Role.CASE_OFFICER, Role.TEAM_STAFF, Role.UNIT_MANAGER, Role.COORDINATOR, Role.PROVIDER_INTEGRATION)
# The fields of an account that decide what client data it reads. A change to any of them on a care account
# (or one that gives the account a care role) needs a second person.
GUARDED_FIELDS = ("role", "profession", "team", "led_teams", "municipality", "is_active")


class AccountChangeRequest(models.Model):
    """A change to a care account that an administrator asked for and a unit manager decides. `changes`
    holds the new values of the guarded fields (ids for the team, led teams and municipality); a password
    reset has none."""

    class Kind(models.TextChoices):
        CREATE = "create", _("New account")
        CHANGE = "change", _("Change of access")
        PASSWORD = "password", _("Password reset")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        ordering = ["-requested_at"]
        constraints = [
            # The second person: the database refuses a request decided by its requester or by the account.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("account"))),
                name="accountchange_second_person",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="accountchange_decided_matches_state",
            ),
            # One waiting request per account and kind: a second one replaces nothing silently.
            models.UniqueConstraint(
                fields=["account", "kind"], condition=Q(state="pending"), name="accountchange_one_pending"
            ),
        ]
        indexes = [
            # The unit manager's page: the municipality's waiting requests.
            models.Index(fields=["municipality", "state"], name="accountchange_muni_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.account}"


class AccountEvent(models.Model):
    """One row for every account change: asked for, approved, rejected, applied, or taking effect at once
    (a deactivation, a change to an account without care role). Rows are only ever inserted: the app's
    database role may only INSERT and SELECT them (hemgang/db_roles.py)."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")
        DEACTIVATED = "deactivated", _("Deactivated")
        CHANGED = "changed", _("Changed")
        REFUSED = "refused", _("Refused")
        PASSWORD_SET = "password_set", _("Password set by the user")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TOKEN_APPROVED = "token_approved", _("API token approved")

    at = models.DateTimeField(default=timezone.now)
    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, null=True, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_events")
    # None: the user themselves without a session (the set-password link), or the system.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    request = models.ForeignKey(AccountChangeRequest, on_delete=models.PROTECT, null=True, related_name="events")
    # The fields concerned and their new values; never a password.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "at"], name="accountevent_account_at_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.account_id} {self.action}"
