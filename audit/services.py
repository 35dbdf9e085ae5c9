"""Every account change of the admin goes through here (issue 12, separation of duties).

An administrator manages accounts but must not be able to give anyone — least of all themselves — access
to client data. So, for a care account (audit.models.CARE_ROLES, before or after the change):

- creating it, or changing a guarded field (role, profession, team, led teams, municipality, e-mail,
  activation), is not applied: the account keeps (or, new, gets) no access, and a request waits for a unit
  manager (audit.access.may_decide) — never the requester, never the account itself;
- a password is never set by the administrator: a reset is a request, and on approval the user gets a
  one-time link by e-mail to choose their own (as does a new account);
- deactivation takes effect at once: taking access away is always allowed;
- whatever happens leaves an `AccountEvent`, and each request keeps its history.

Refused outright, whatever the account: making anyone superuser, giving a care account staff status (the
admin), and any change by an administrator to their own role, access or permissions.
"""

from dataclasses import dataclass

import rules
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Role, User
from hemgang.errors import DomainError
from hemgang.history import save_as
from hemgang.links import absolute_url

from .models import CARE_ROLES, AccountChangeRequest, AccountEvent

# What decides an account's access to client data, as stored in a request's `changes` (ids for relations).
GUARDED = ("role", "profession", "team", "led_teams", "municipality", "email", "is_active")

# A new care account waits with no access at all until it is approved.
NO_ACCESS = {"role": "", "profession": "", "team": None, "led_teams": [], "is_active": False}


def snapshot(account: User | None, *, led_teams=None) -> dict:
    """The guarded fields of `account` as plain values (an unsaved account: its attributes; `led_teams`
    the ids the form gives, else those stored)."""
    if account is None:
        return {}
    if led_teams is None:
        led_teams = account.led_teams.values_list("pk", flat=True) if account.pk else []
    return {
        "role": account.role,
        "profession": account.profession,
        "team": account.team_id,
        "led_teams": sorted(led_teams),
        "municipality": account.municipality_id,
        "email": account.email,
        "is_active": account.is_active,
    }


def is_care(values: dict) -> bool:
    return values.get("role") in CARE_ROLES


def admin_change_problems(*, actor, account: User | None, before: dict, after: dict, flags: dict) -> list:
    """Why the administrator's change is refused outright (empty: it may go ahead, applied or as a request).
    `flags`: is_superuser and is_staff after the change, and whether groups or permissions changed."""
    problems = []
    was_superuser = bool(account and account.pk and account.is_superuser)
    if flags.get("is_superuser") and not was_superuser:
        problems.append(gettext_lazy("Nobody is made superuser in the admin."))
    if flags.get("is_staff") and (is_care(after) or is_care(before)):
        problems.append(gettext_lazy("An account with a care role cannot have staff status (the admin)."))
    own = account is not None and account.pk is not None and account.pk == actor.pk
    if own and (_changed(before, after) or flags.get("permissions_changed")):
        problems.append(gettext_lazy("You cannot change your own role, access or permissions."))
    pending = (
        account is not None
        and account.pk
        and (is_care(before) or is_care(after))
        and _changed(before, after)
        and account.change_requests.filter(state=AccountChangeRequest.State.PENDING, kind="change").exists()
    )
    if pending:
        problems.append(gettext_lazy("A change of this account already waits for a unit manager's approval."))
    return problems


def _changed(before: dict, after: dict) -> dict:
    return {field: after[field] for field in GUARDED if field in after and before.get(field) != after[field]}


@dataclass(frozen=True)
class Outcome:
    """What the admin's save did: `request` when the guarded change waits for approval; `led_teams` the ids
    the account leads now (the admin's form sets its many-to-many after the save)."""

    request: AccountChangeRequest | None
    led_teams: list


@transaction.atomic
def account_admin_save(*, actor, account: User, before: dict, after: dict, created: bool) -> Outcome:
    """Save the account the admin's form changed (`account` carries the form's values, `after` its guarded
    ones, `before` those stored; empty for a new account).

    1. An account without care role before or after: saved as it is; a guarded change is logged.
    2. A care account: a deactivation is applied at once; every other guarded change is set back to what it
       was (a new account: no role, inactive, no usable password) and becomes one pending request.
    """
    changes = _changed(before, after) if not created else {k: v for k, v in after.items() if v not in ("", None, [])}
    if not (is_care(before) or is_care(after)):
        save_as(account, actor, reason="admin")
        if changes:
            _event(actor, account, AccountEvent.Action.CHANGED, detail=changes)
        return Outcome(None, after.get("led_teams", []))

    now_values = dict(NO_ACCESS) if created else dict(before)
    if created:
        now_values["municipality"] = after.get("municipality")
        now_values["email"] = after.get("email", "")
        account.set_unusable_password()
        changes.pop("municipality", None)
        changes.pop("email", None)
        changes["is_active"] = True
    deactivating = not created and before.get("is_active") and after.get("is_active") is False
    if deactivating:
        now_values["is_active"] = False
        changes.pop("is_active")
    _apply(account, now_values)
    save_as(account, actor, reason="admin")
    if deactivating:
        _event(actor, account, AccountEvent.Action.DEACTIVATED, detail={"is_active": False})
    request = None
    if changes or created:
        request = _request(
            actor,
            account,
            kind=AccountChangeRequest.Kind.CREATE if created else AccountChangeRequest.Kind.CHANGE,
            changes=changes,
            municipality_id=after.get("municipality") or before.get("municipality") or actor.municipality_id,
        )
    return Outcome(request, now_values["led_teams"])


@transaction.atomic
def account_password_reset_request(*, actor, account: User) -> AccountChangeRequest:
    """The administrator asks for a care account's password to be reset; the user chooses it themselves
    through the link sent on approval. An account without care role is left to the ordinary admin form."""
    if not is_care(snapshot(account)):
        raise DomainError(_("Only a care account's password reset needs approval."))
    if account.pk == actor.pk:
        raise DomainError(_("You cannot change your own role, access or permissions."))
    if account.change_requests.filter(state=AccountChangeRequest.State.PENDING, kind="password").exists():
        raise DomainError(_("A password reset of this account already waits for approval."))
    return _request(
        actor, account, kind=AccountChangeRequest.Kind.PASSWORD, changes={}, municipality_id=account.municipality_id
    )


def _request(actor, account, *, kind, changes, municipality_id) -> AccountChangeRequest:
    request = AccountChangeRequest(
        municipality_id=municipality_id, account=account, kind=kind, changes=changes, requested_by=actor
    )
    save_as(request, actor)
    _event(actor, account, AccountEvent.Action.REQUESTED, request=request, detail=changes)
    return request


def _lock_pending(actor, request: AccountChangeRequest) -> AccountChangeRequest:
    locked = AccountChangeRequest.objects.select_for_update().select_related("account").get(pk=request.pk)
    if locked.state != AccountChangeRequest.State.PENDING:
        raise DomainError(_("This request has already been decided."))
    # The rule itself, not `actor.has_perm`, which grants a superuser everything.
    if not rules.has_perm("audit.decide_account_change", actor, locked):
        raise DomainError(_("You may not decide this request."))
    return locked


@transaction.atomic
def request_approve(*, actor, request: AccountChangeRequest) -> AccountChangeRequest:
    """A unit manager approves: the change is applied to the account as asked, and for a new account or a
    password reset the user is sent a one-time link to choose their password (after the commit)."""
    request = _lock_pending(actor, request)
    account = User.objects.select_for_update().get(pk=request.account_id)
    if request.kind == AccountChangeRequest.Kind.PASSWORD:
        account.set_unusable_password()
    values = {**snapshot(account), **request.changes}
    _apply(account, values)
    try:
        with transaction.atomic():
            save_as(account, actor, reason=f"account change request {request.pk}")
            account.led_teams.set(values["led_teams"])
    except IntegrityError as error:
        raise DomainError(_("The change cannot be applied as it stands: %(error)s") % {"error": error}) from error
    request.state = AccountChangeRequest.State.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    save_as(request, actor, update_fields=["state", "decided_by", "decided_at"])
    _event(actor, account, AccountEvent.Action.APPROVED, request=request)
    _event(actor, account, AccountEvent.Action.APPLIED, request=request, detail=request.changes)
    if request.kind in (AccountChangeRequest.Kind.CREATE, AccountChangeRequest.Kind.PASSWORD):
        transaction.on_commit(lambda: send_set_password_link(account))
    return request


@transaction.atomic
def request_reject(*, actor, request: AccountChangeRequest, reason: str) -> AccountChangeRequest:
    request = _lock_pending(actor, request)
    request.state = AccountChangeRequest.State.REJECTED
    request.decided_by, request.decided_at, request.reason = actor, timezone.now(), reason
    save_as(request, actor, update_fields=["state", "decided_by", "decided_at", "reason"])
    _event(actor, request.account, AccountEvent.Action.REJECTED, request=request, detail={"reason": reason})
    return request


def set_password_link(account: User) -> str:
    """A link that sets the password once: the token covers the password hash, which setting it changes."""
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return absolute_url("account_set_password", uid, default_token_generator.make_token(account))


def send_set_password_link(account: User) -> None:
    if not account.email:
        return
    send_mail(
        _("Hemgång: choose your password"),
        _(
            "An account in Hemgång has been opened or its password reset for you. Choose your password here "
            "(the link works once, for a few days):\n\n%(link)s\n\nIf you did not expect this, tell your unit "
            "manager."
        )
        % {"link": set_password_link(account)},
        None,
        [account.email],
    )


@transaction.atomic
def password_set_by_link(*, account: User, password: str) -> None:
    account.set_password(password)
    account.save(update_fields=["password"])
    _event(None, account, AccountEvent.Action.PASSWORD_SET)


def _apply(account: User, values: dict) -> None:
    """Set the guarded fields but the many-to-many (saved after the row)."""
    account.role = values["role"]
    account.profession = values["profession"]
    account.team_id = values["team"]
    account.municipality_id = values["municipality"]
    account.email = values["email"]
    account.is_active = values["is_active"]


def _event(actor, account, action, *, request=None, detail=None) -> None:
    AccountEvent.objects.create(
        actor=actor,
        account=account,
        municipality_id=account.municipality_id or (actor.municipality_id if actor else None),
        action=action,
        request=request,
        detail=detail or {},
    )


# The words of the unit manager's page for each guarded field.
FIELD_LABELS = {
    "role": gettext_lazy("Role"),
    "profession": gettext_lazy("Profession"),
    "team": gettext_lazy("Team"),
    "led_teams": gettext_lazy("Also leads"),
    "municipality": gettext_lazy("Municipality"),
    "email": gettext_lazy("E-mail"),
    "is_active": gettext_lazy("Active"),
}


def describe_changes(changes: dict, *, teams: dict, municipalities: dict) -> list[tuple[str, str]]:
    """A request's changes in words: (field, new value) for the unit manager's page."""
    from cases.models import Profession

    roles, professions = dict(Role.choices), dict(Profession.choices)
    words = []
    for field, value in changes.items():
        if field == "role":
            shown = roles.get(value, value) or _("No role")
        elif field == "profession":
            shown = professions.get(value, value) or "–"
        elif field == "team":
            shown = teams.get(value, "–")
        elif field == "led_teams":
            shown = ", ".join(teams.get(pk, "?") for pk in value) or "–"
        elif field == "municipality":
            shown = municipalities.get(value, "–")
        elif field == "is_active":
            shown = _("Yes") if value else _("No")
        else:
            shown = value
        words.append((str(FIELD_LABELS.get(field, field)), str(shown)))
    return words
