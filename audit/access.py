"""Who decides account changes and who reviews the access log; joins the rule set of cases/access.py.

- A unit manager decides a request about an account of their municipality, never one they asked for nor
  one about their own account; for a team role (team staff, unit manager) only one who leads the team the
  account has or is given (cases.access.team_ids), and every team it is to lead.
- The log review (HSLF-FS 2016:40 4 kap. 9 §) is the unit manager's: the whole log of their municipality,
  since the enhetschef is the one responsible for the systematic review of every read there — a review
  limited to their own teams would miss exactly the reads from outside them.
"""

import rules
from django.db.models import QuerySet
from django.http import Http404

from cases.access import is_administrator, is_unit_manager, team_ids
from cases.models import Role

from .models import AccountChangeRequest
from .tokens import tokens_of_municipality, tokens_to_approve

TEAM_ROLES = (Role.TEAM_STAFF, Role.UNIT_MANAGER)


def _teams_concerned(request: AccountChangeRequest) -> set[int]:
    """The teams whose manager must approve: the account's team after the change and every team it is to
    lead, if its role after the change is a team role."""
    account, changes = request.account, request.changes
    role = changes.get("role", account.role)
    if role not in TEAM_ROLES:
        return set()
    team = changes.get("team", account.team_id)
    led = set(changes["led_teams"]) if "led_teams" in changes else set()
    return ({team} if team else set()) | led


@rules.predicate
def may_decide(user, request: AccountChangeRequest | None) -> bool:
    if request is None or not is_unit_manager(user):
        return False
    if request.municipality_id != user.municipality_id:
        return False
    if user.pk in (request.requested_by_id, request.account_id):
        return False
    return _teams_concerned(request) <= team_ids(user)


rules.add_perm("audit.review_account_changes", is_unit_manager)
rules.add_perm("audit.decide_account_change", is_unit_manager & may_decide)
rules.add_perm("audit.review_log", is_unit_manager)
# API tokens are accounts' credentials: the administrator's, as the accounts are (audit/tokens.py).
rules.add_perm("audit.manage_api_tokens", is_administrator)


@rules.predicate
def may_approve_token(user, token) -> bool:
    """A token of the unit manager's municipality that someone else issued."""
    return token is not None and token.user.municipality_id == user.municipality_id and token.created_by_id != user.pk


# A token that reads client data works only once a unit manager approves it (audit/tokens.py).
rules.add_perm("audit.approve_api_token", is_unit_manager & may_approve_token)


def requests_to_decide(user) -> QuerySet:
    """The waiting requests of the user's municipality (the page shows which of them they may decide)."""
    if not is_unit_manager(user):
        return AccountChangeRequest.objects.none()
    return AccountChangeRequest.objects.filter(
        municipality_id=user.municipality_id, state=AccountChangeRequest.State.PENDING
    ).select_related("account__team", "requested_by")


def get_token_for(user, pk):
    """A token of an account of the administrator's municipality; 404 otherwise."""
    token = tokens_of_municipality(user).filter(pk=pk).first()
    if token is None or not rules.has_perm("audit.manage_api_tokens", user):
        raise Http404
    return token


def get_token_to_approve(user, pk):
    """A waiting token the unit manager may approve; 404 otherwise (also one of another municipality)."""
    token = tokens_to_approve(user).filter(pk=pk).first()
    # The rule itself, not `user.has_perm`, which grants a superuser everything.
    if token is None or not rules.has_perm("audit.approve_api_token", user, token):
        raise Http404
    return token


def get_request_for(user, pk) -> AccountChangeRequest:
    """A waiting request the user may decide; 404 otherwise (also for one of another municipality)."""
    request = requests_to_decide(user).filter(pk=pk).first()
    # The rule itself, not `user.has_perm`, which grants a superuser everything.
    if request is None or not rules.has_perm("audit.decide_account_change", user, request):
        raise Http404
    return request
