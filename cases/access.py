"""Who may see or change what. The only place permissions are decided.

- Rules (django-rules) answer "may this user do X to this object?" and are used by views, the API and
  templates alike (`user.has_perm("cases.view_case", case)`). This module holds the core: the predicates
  every app builds on and the rules of `cases`; `scheduling/access.py` and `handover/access.py` add their
  apps' rules to the same rule set (each app's `AppConfig.ready()` imports its module).
- `visible_cases` / `visible_clients` are the same rules written as querysets, for lists.
- `get_case_for` / `get_client_for` / `get_consent_for` fetch one object with the check and the access-log
  entry in one call. A case the user may not see is a 404, exactly as a case that does not exist (STYLE.md
  habit 6).
- `requires` marks a view with the rule it needs; the permission-matrix test walks the URL configuration
  and fails for any view without one, so a new page cannot forget access control.
"""

from collections.abc import Iterable
from functools import wraps

import rules
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission

from . import hooks
from .models import (
    DECISION_CHANGE_STATES,
    HEALTH_RECORD_PROFESSIONS,
    OPEN_STATES,
    RUNNING_STATES,
    AccessLog,
    ApiToken,
    Case,
    Client,
    Consent,
    Profession,
    ReferralSubmission,
    Role,
)

# --- predicates -------------------------------------------------------------------------------------


def _has_role(*roles):
    @rules.predicate(name=f"has_role_{'_'.join(roles)}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.role in roles and user.municipality_id)

    return predicate


is_case_officer = _has_role(Role.CASE_OFFICER)
is_team_member = _has_role(Role.TEAM_STAFF, Role.UNIT_MANAGER)
is_team_staff = _has_role(Role.TEAM_STAFF)
is_unit_manager = _has_role(Role.UNIT_MANAGER)
is_coordinator = _has_role(Role.COORDINATOR)
is_integration = _has_role(Role.INTEGRATION)
is_provider_integration = _has_role(Role.PROVIDER_INTEGRATION)
is_administrator = _has_role(Role.ADMINISTRATOR)


def has_profession(*professions):
    """A predicate: a member of the team's staff of one of `professions`."""

    @rules.predicate(name=f"has_profession_{'_'.join(professions)}")
    def predicate(user):
        return user.role == Role.TEAM_STAFF and user.profession in professions

    return predicate


is_therapist = has_profession(Profession.AT, Profession.FT)
# HSL/PDL: the hälso- och sjukvårdsjournal is read and written by those who keep it, and by USK for
# delegated tasks (cases.models.HEALTH_RECORD_PROFESSIONS; the entry then says so).
is_health_professional = has_profession(*HEALTH_RECORD_PROFESSIONS)


@rules.predicate
def same_municipality(user, obj):
    return obj is not None and user.municipality_id is not None and obj.municipality_id == user.municipality_id


def team_ids(user) -> frozenset[int]:
    """The teams whose cases a team member works with: their own team, and for a unit manager also the
    teams they lead (`User.led_teams`). Read once per user object (one query for a unit manager, none for
    anyone else), so a page checking many cases asks once."""
    cached = getattr(user, "_team_ids", None)
    if cached is not None:
        return cached
    ids = {user.team_id} if getattr(user, "team_id", None) else set()
    if getattr(user, "role", None) == Role.UNIT_MANAGER and user.pk:
        ids.update(user.led_teams.values_list("pk", flat=True))
    user._team_ids = frozenset(ids)
    return user._team_ids


@rules.predicate
def on_case_team(user, case):
    team_id = getattr(case, "team_id", None)
    return team_id is not None and team_id in team_ids(user)


@rules.predicate
def address_not_protected(user, obj):
    client = obj.client if isinstance(obj, Case) else obj
    return client is not None and not client.protected_identity


@rules.predicate
def submitted_it(user, submission):
    """The integration account that sent the referral (its status is all it ever reads back)."""
    return submission is not None and submission.submitted_by_id == user.id


@rules.predicate
def case_is_open(user, case):
    return case is not None and case.state in OPEN_STATES


@rules.predicate
def case_is_running(user, obj):
    """Active or handed over (RUNNING_STATES): the support is being carried out (verkställighet)."""
    case = getattr(obj, "case", obj)
    return case is not None and case.state in RUNNING_STATES


@rules.predicate
def decision_changeable(user, case):
    """Ändringsbeslut while the case is decided or the support runs (not once it has ended)."""
    return case is not None and case.state in DECISION_CHANGE_STATES


@rules.predicate
def receiver_on_case(user, case):
    """A hemtjänst user whose unit is among the case's receivers (as registered with
    `hooks.register_receiver_cases`): they may write to the team about it first (issue 8) and fetch its
    meeting invitation, but never open the case itself."""
    if case is None or not user.is_authenticated:
        return False
    return hooks.receiver_cases(user, Case.objects.filter(pk=case.pk)).exists()


# The hospital's integration reads no case, not even one it referred: only its referrals' status
# (`cases.view_referral_status`, GET /api/v1/referrals/{id}/).
can_view_case = same_municipality & (is_case_officer | (is_team_member & on_case_team))
case_officer_of_municipality = is_case_officer & same_municipality
team_of_case = is_team_member & same_municipality & on_case_team
# The team's own staff on the case: they visit the client, write the journal and write to hemtjänst.
staff_of_case = is_team_staff & on_case_team
receiving_coordinator = is_coordinator & same_municipality & receiver_on_case

rules.add_perm("cases.home", rules.is_authenticated)
rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.search_clients", is_case_officer)
rules.add_perm("cases.register_referral", is_case_officer | is_integration)
rules.add_perm("cases.view_referral_status", is_integration & same_municipality & submitted_it)
rules.add_perm("cases.view_client", is_case_officer & same_municipality)
rules.add_perm("cases.change_client", is_case_officer & same_municipality)
rules.add_perm("cases.record_consent", case_officer_of_municipality & case_is_open)
rules.add_perm("cases.decide", case_officer_of_municipality & case_is_open)
rules.add_perm("cases.change_decision", case_officer_of_municipality & decision_changeable)
rules.add_perm("cases.assign_team", case_officer_of_municipality & case_is_open)
rules.add_perm("cases.start_case", (case_officer_of_municipality | team_of_case) & case_is_open)
rules.add_perm("cases.decline_case", case_officer_of_municipality & case_is_open)
rules.add_perm("cases.end_case", (case_officer_of_municipality | team_of_case) & case_is_open)
# Closing happens by itself when hemtjänst has acknowledged the handover and the closing notice; by hand
# only the team's unit manager closes, with a reason.
rules.add_perm("cases.close_case", is_unit_manager & team_of_case & case_is_open)
rules.add_perm("cases.view_team_cases", is_team_member)
# The case officer who registers a referral becomes its handläggare; an integration does not.
rules.add_perm("cases.be_case_officer", is_case_officer)
# The case officer's start page: the municipality's open cases and the consents to renew.
rules.add_perm("cases.view_municipality_cases", is_case_officer)
# hemtjänst's people: they see only what the team sends their units, never a case.
rules.add_perm("cases.represent_hemtjanst", is_coordinator)
# Skyddade personuppgifter: the address only to those who visit (the case's team), never printed.
rules.add_perm("cases.view_address", address_not_protected | team_of_case)
rules.add_perm("cases.manage_catalogues", is_administrator)

rules.add_perm("cases.accept_over_capacity", is_case_officer | is_unit_manager)

# Which rule guards which transition (the target state), for views and API alike.
TRANSITION_PERMISSIONS = {
    "active": "cases.start_case",
    "declined": "cases.decline_case",
    "withdrawn": "cases.end_case",
    "readmitted": "cases.end_case",
    "closed": "cases.close_case",
}

# The start page each user gets: the first whose rule holds (views.home, templates/home.html).
START_PAGES = (
    ("case_officer", "cases.view_municipality_cases"),
    ("team", "cases.view_team_cases"),
    ("hemtjanst", "cases.represent_hemtjanst"),
    ("administrator", "cases.manage_catalogues"),
)


def registered_start_page(user) -> str | None:
    """The URL name of a start page an app above registered for the user's rule (`hooks.register_start_page`),
    or None: the unit manager's caseload. Asked of the rule set itself, as `start_page` is."""
    return next((url_name for url_name, perm in hooks.start_pages() if rules.has_perm(perm, user)), None)


def start_page(user) -> str:
    """Which start page `user` gets, "" for none. Asks the rule set itself rather than `user.has_perm`,
    which grants a superuser every permission: a superuser without a role has no start page of a role."""
    return next((page for page, perm in START_PAGES if rules.has_perm(perm, user)), "")


# --- querysets: the same rules for lists ----------------------------------------------------------


def visible_cases(user, base: QuerySet | None = None) -> QuerySet:
    qs = Case.objects.all() if base is None else base
    if not (user.is_authenticated and user.municipality_id):
        return qs.none()
    qs = qs.filter(municipality_id=user.municipality_id)
    if user.role == Role.CASE_OFFICER:
        return qs
    if user.role in (Role.TEAM_STAFF, Role.UNIT_MANAGER):
        return qs.filter(team_id__in=team_ids(user))
    return qs.none()


def visible_clients(user, base: QuerySet | None = None) -> QuerySet:
    qs = Client.objects.all() if base is None else base
    if not (user.is_authenticated and user.municipality_id):
        return qs.none()
    if user.role == Role.CASE_OFFICER:
        return qs.filter(municipality_id=user.municipality_id)
    return qs.filter(Exists(visible_cases(user).filter(client_id=OuterRef("pk"))))


# --- fetch with check and log ----------------------------------------------------------------------


def get_case_for(
    request, pk, *, perm: str = "cases.view_case", what: str, queryset: QuerySet | None = None, receivers: bool = False
) -> Case:
    """The case `pk` if the user may `perm` it, logged as a read of its client; 404 otherwise. With
    `receivers`, also a case the hemtjänst user's unit receives messages on (`perm` still decides)."""
    case = visible_cases(request.user, queryset).filter(pk=pk).first()
    if case is None and receivers:
        base = Case.objects.all() if queryset is None else queryset
        case = hooks.receiver_cases(request.user, base.filter(pk=pk)).first()
    if case is None:
        _denied(request, Case.objects.filter(pk=pk).values_list("client_id", "pk", "municipality_id"), what=what)
    read_of_case(request, case, [(perm, case)], what=what)
    return case


def read_of_case(request, case: Case | None, rules_on: list[tuple[str, object]], *, what: str) -> None:
    """The end of every fetch-with-check: 404 unless the object was found (`case` is its case) and every
    `(perm, object)` rule holds, and then one access-log row for the read of the case's client. A refused
    read of a case that exists is logged as denied."""
    if case is None:
        raise Http404
    if not all(request.user.has_perm(perm, obj) for perm, obj in rules_on):
        _denied(request, [(case.client_id, case.pk, case.municipality_id)], what=what)
    log_reads(request, [(case.client_id, case.pk)], what=what)


def _denied(request, found, *, what: str):
    """Log a refused attempt at a client's data that exists (`found`: client, case and municipality ids, or
    nothing), in the log of the client's municipality, and answer 404 as for one that does not exist."""
    for client_id, case_id, municipality_id in found:
        log_reads(request, [(client_id, case_id)], what=what, denied=True, municipality_id=municipality_id)
    raise Http404


def refuse_read_of(request, cases: QuerySet, *, what: str):
    """404 for an object of a case the user may not see (apps above fetch visits, entries, messages): if it
    exists, the refused attempt is logged against its case's client, as `get_case_for` does."""
    _denied(request, cases.values_list("client_id", "pk", "municipality_id"), what=what)


def get_consent_for(request, case_pk, pk, *, perm: str = "cases.record_consent", what: str) -> Consent:
    """A consent of the case `case_pk`, if the user may `perm` the case; logged as a read of its client."""
    case = get_case_for(request, case_pk, perm=perm, what=what)
    consent = case.consents.filter(pk=pk).first()
    if consent is None:
        raise Http404
    return consent


def get_client_for(request, pk, *, perm: str = "cases.view_client", what: str, queryset: QuerySet | None = None):
    client = visible_clients(request.user, queryset).filter(pk=pk).first()
    if client is None:
        found = Client.objects.filter(pk=pk).values_list("pk", "municipality_id")
        _denied(request, [(client_id, None, municipality_id) for client_id, municipality_id in found], what=what)
    if not request.user.has_perm(perm, client):
        _denied(request, [(client.pk, None, client.municipality_id)], what=what)
    log_reads(request, [(client.pk, None)], what=what)
    return client


def log_reads(
    request, reads: Iterable[tuple[int, int | None]], *, what: str, denied: bool = False, municipality_id=None
) -> None:
    """One access-log row per client shown, in one INSERT."""
    user = request.user
    if not user.is_authenticated:
        return
    unit = user.team.name if user.team_id else user.get_role_display()
    rows = [
        AccessLog(
            user=user,
            municipality_id=municipality_id or user.municipality_id,
            denied=denied,
            client_id=client_id,
            case_id=case_id,
            what=what,
            unit=unit,
            path=request.path[:300],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        for client_id, case_id in dict.fromkeys(reads)
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)


# --- declaring access on views ---------------------------------------------------------------------


def requires(perm: str, *, on_object: bool = False):
    """Declare the rule a view needs.

    A model-level rule (`on_object=False`) is checked here. An object rule is checked when the view
    fetches its object through `get_case_for` / `get_client_for` with the same `perm`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not on_object and not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = perm
        return wrapped

    return decorator


def public(view):
    """A page anyone may open without signing in (login, health). Declared, so the matrix test sees it."""
    view = login_not_required(view)
    view.access_rule = "public"
    return view


def signing_in(view):
    """A step of the sign-in after the password (the second factor, enrolling an app): open to a signed-in
    user whose session has no second factor yet (cases/signin/middleware.py), and holding no client data."""
    view.access_rule = "signing_in"
    return view


def get_submission_for(request, pk, *, what: str):
    """A referral the integration sent (ReferralSubmission), if it may read its status; logged as a read
    of the client's case (the status is of that case). Another's, or none, is a 404."""
    submission = (
        ReferralSubmission.objects.select_related("case")
        .filter(pk=pk, submitted_by_id=request.user.pk, municipality_id=request.user.municipality_id)
        .first()
    )
    if submission is None:
        refuse_read_of(request, Case.objects.filter(referral_submissions__pk=pk), what=what)
    case = submission.case
    read_of_case(request, case, [("cases.view_referral_status", submission)], what=what)
    return submission


class ScopeMissing(APIException):
    status_code = 403
    default_code = "scope_missing"


class RulePermission(BasePermission):
    """DRF: the view's `rule` must hold; an object rule (`rule_on_object`) is checked by get_case_for.

    Every API view also declares its `scope` (cases.models.Scope), or `scope = None` for one no token may
    call (the staff's own API, by session). A request with a token (`request.auth` is the ApiToken) is
    refused with 403 `scope_missing` unless the token has the view's scope; a signed-in session has no
    scopes and is unaffected. A view that declares no scope at all is refused to everyone."""

    def has_permission(self, request, view):
        rule = getattr(view, "rule", None)
        if rule is None or not hasattr(view, "scope"):
            return False
        if not request.user.is_authenticated:
            return False
        if isinstance(request.auth, ApiToken) and (view.scope is None or view.scope not in request.auth.scopes):
            raise ScopeMissing(
                {
                    "detail": _("This token may not call this part of the API (its scopes do not include it)."),
                    "code": "scope_missing",
                }
            )
        return getattr(view, "rule_on_object", False) or request.user.has_perm(rule)
