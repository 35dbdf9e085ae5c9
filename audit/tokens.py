"""The administrator's API tokens (/konton/nycklar/): issue one for an integration account, revoke one.

A token gives its account's access to a machine, so only integration accounts get one, and only the
scope their role uses: the hospital's system (`integration`) `referrals`, a hemtjänst provider's system
(`provider_integration`, whose units are decided as for a coordinator, with a unit manager's approval)
`messages`. Each issue, approval and revocation is one AccountEvent on the account, in the same transaction.

A `messages` token reads client data (the messages to the provider's units), so it works only once a unit
manager of the municipality, not the one who issued it, has approved it (issue 12, separation of duties:
an administrator alone gives no one access to client data, as with a care account).
"""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import ApiToken, Role, Scope, User
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import save_as

from .models import AccountEvent

SCOPES_OF_ROLE = {Role.INTEGRATION: {Scope.REFERRALS}, Role.PROVIDER_INTEGRATION: {Scope.MESSAGES}}
# The scopes that read client data: a token with one waits for a unit manager's approval.
APPROVED_SCOPES = {Scope.MESSAGES}
LONGEST = dt.timedelta(days=2 * 365)


def integration_accounts(actor) -> QuerySet:
    """The accounts of the administrator's municipality that may have tokens."""
    return User.objects.filter(
        municipality_id=actor.municipality_id, role__in=list(SCOPES_OF_ROLE), is_active=True
    ).order_by("username")


def tokens_of_municipality(actor) -> QuerySet:
    return (
        ApiToken.objects.filter(user__municipality_id=actor.municipality_id)
        .select_related("user", "created_by", "approved_by", "revoked_by")
        .order_by("revoked_at", "-created_at")
    )


@transaction.atomic
def api_token_issue(*, actor, account: User, name: str, scopes, expires_on: dt.date) -> tuple[ApiToken, str]:
    """A new token for `account`; the raw token is returned to be shown once. Refused for an account that is
    no integration of the actor's municipality, a scope its role does not use, or an expiry not within
    the next two years."""
    if account.municipality_id != actor.municipality_id or account.role not in SCOPES_OF_ROLE:
        raise DomainValidationError(_("Tokens are for the municipality's integration accounts."), field="account")
    if not scopes or not set(scopes) <= SCOPES_OF_ROLE[account.role]:
        raise DomainValidationError(_("Choose the scope the integration's role uses."), field="scopes")
    today = timezone.localdate()
    if not today < expires_on <= today + LONGEST:
        raise DomainValidationError(_("Choose an expiry within the next two years."), field="expires_on")
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
    token, raw = ApiToken.issue(account, name=name, scopes=scopes, created_by=actor, expires_at=expires_at)
    if needs_approval(token):
        token.approved_at = None
        save_as(token, actor, update_fields=["approved_at"])
    _event(actor, token, AccountEvent.Action.TOKEN_ISSUED)
    return token, raw


def needs_approval(token: ApiToken) -> bool:
    return bool(APPROVED_SCOPES & set(token.scopes))


def tokens_to_approve(user) -> QuerySet:
    """The municipality's tokens waiting for a unit manager's approval (not revoked, not expired)."""
    return tokens_of_municipality(user).filter(
        approved_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def api_token_approve(*, actor, token: ApiToken) -> ApiToken:
    """A unit manager's approval: the token works from now on. Never the issuer's own (the rule says so
    too), nor a token revoked, expired or approved already."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.created_by_id == actor.pk:
        raise DomainError(_("Another unit manager approves a token you issued."), code="own_token")
    if token.approved_at is not None or token.revoked_at is not None or token.expires_at <= timezone.now():
        raise DomainError(_("The token is not waiting for approval."), code="token_not_waiting")
    token.approved_at = timezone.now()
    token.approved_by = actor
    save_as(token, actor, update_fields=["approved_at", "approved_by"])
    _event(actor, token, AccountEvent.Action.TOKEN_APPROVED)
    return token


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke at once (any request with it is refused from now on); a token revoked already is left as is."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(_("The token is revoked already."), code="token_revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    save_as(token, actor, update_fields=["revoked_at", "revoked_by"])
    _event(actor, token, AccountEvent.Action.TOKEN_REVOKED)
    return token


def _event(actor, token: ApiToken, action) -> None:
    AccountEvent.objects.create(
        actor=actor,
        account_id=token.user_id,
        municipality_id=actor.municipality_id,
        action=action,
        detail={"token": token.prefix, "name": token.name, "scopes": token.scopes, "expires_at": str(token.expires_at)},
    )
