"""The one door through which a case changes state.

`case_transition` locks the case, checks the table of allowed moves (`models.ALLOWED_TRANSITIONS`) and the
move's preconditions, saves the new state, records the one event of the move and runs the effects of
entering the state, all in one transaction. `cases` knows its own preconditions (a decision needs
consent and a team; the start falls within the decision). What the higher apps need is registered by
them in `AppConfig.ready()` through `hooks.require_before` and `hooks.on_entering`:

- scheduling: on entering *active*, plan the visits and book the day-6 meeting; on entering an ended
  state, cancel the visits and the meeting that were still to come;
- handover: before *handed over*, a sent final handover; before *closed*, hemtjänst's receipts or the unit
  manager's written reason; on entering *active* (after scheduling), draft the start notice.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import save_as

from . import events, hooks
from .models import ALLOWED_TRANSITIONS, OPEN_STATES, TRANSITIONS_NEEDING_REASON, Case, CaseEvent, CaseState

# The event each move records: the routine's word for entering the state.
STATE_EVENTS = {
    CaseState.DECIDED: CaseEvent.Kind.DECIDED,
    CaseState.ACTIVE: CaseEvent.Kind.STARTED,
    CaseState.HANDED_OVER: CaseEvent.Kind.HANDOVER_SENT,
    CaseState.CLOSED: CaseEvent.Kind.CLOSED,
    CaseState.DECLINED: CaseEvent.Kind.DECLINED,
    CaseState.WITHDRAWN: CaseEvent.Kind.WITHDRAWN,
    CaseState.READMITTED: CaseEvent.Kind.READMITTED,
}
ENDED_STATES = tuple(state for state in CaseState if state not in OPEN_STATES)


def _own_preconditions(case: Case, to: str) -> None:
    """What `cases` itself requires of a move: a decision with consent and a team; a start within it."""
    if to == CaseState.DECIDED:
        decision = getattr(case, "decision", None)
        if decision is None:
            raise DomainError(_("Register the decision first."), code="decision_required")
        if case.valid_consent_on(decision.decided_on) is None:
            raise DomainError(_("There is no valid consent for the decision."), code="consent_required")
        if case.team_id is None:
            raise DomainError(_("Assign a team first."), code="team_required")
    if to == CaseState.ACTIVE:
        decision = case.decision
        today = timezone.localdate()
        if today < decision.start_date:
            raise DomainError(
                _("The support starts on %(date)s according to the decision.") % {"date": decision.start_date},
                code="not_started_yet",
            )
        if today > decision.end_date:
            raise DomainError(_("The decision's period has already ended."), code="decision_expired")


def _check_homecoming(case: Case, homecoming_at: dt.datetime) -> dt.datetime:
    """The client comes home on or after the decision's first day, and not later than today (the team
    records the start when it receives the client, 000: "samma dag")."""
    start = timezone.make_aware(dt.datetime.combine(case.decision.start_date, dt.time.min))
    if homecoming_at < start:
        raise DomainValidationError(
            _("The client cannot come home before the decision's start, %(date)s.")
            % {"date": case.decision.start_date},
            field="homecoming_at",
        )
    if timezone.localdate(homecoming_at) > timezone.localdate():
        raise DomainValidationError(_("The homecoming cannot be later than today."), field="homecoming_at")
    return homecoming_at


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor,
    reason: str = "",
    homecoming_at: dt.datetime | None = None,
    payload: dict | None = None,
) -> Case:
    """Move a case to state `to`, whoever moves it (a view, the API, a receipt that closes the case):

    1. lock the case row; the move must be in the table of allowed moves;
    2. a reason where the move needs one; the preconditions of `cases` and those registered for `to`;
    3. save the state with who, when and why (the case's history);
    4. record the move's one event (from-state, to-state, reason and `payload`);
    5. run the effects registered for entering `to`, in registration order (INSTALLED_APPS order).
    A refusal anywhere rolls back everything."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    from_state = case.state
    if to not in ALLOWED_TRANSITIONS[from_state]:
        raise DomainError(
            _("A case that is %(state)s cannot be moved to %(to)s.")
            % {"state": case.get_state_display().lower(), "to": CaseState(to).label.lower()},
            code="transition_not_allowed",
        )
    if to in TRANSITIONS_NEEDING_REASON and not reason.strip():
        raise DomainValidationError(_("Write a reason."), field="reason", code="reason_required")
    _own_preconditions(case, to)
    hooks.check_before(case, to=to, actor=actor, reason=reason)
    now = timezone.now()
    case.state, case.state_changed_at, case.state_reason = to, now, reason
    fields = ["state", "state_changed_at", "state_reason"]
    if to == CaseState.ACTIVE:
        case.homecoming_at = _check_homecoming(case, homecoming_at or now)
        fields.append("homecoming_at")
        payload = {**(payload or {}), "homecoming_at": case.homecoming_at.isoformat()}
    if to in ENDED_STATES:
        case.ended_at = now
        fields.append("ended_at")
    save_as(case, actor, update_fields=fields, reason=f"state:{to}")
    events.record(
        case,
        STATE_EVENTS[to],
        actor,
        from_state=from_state,
        to_state=to,
        payload={**({"reason": reason} if reason else {}), **(payload or {})},
        at=now,
    )
    if hooks.has_effects(to):
        entered = Case.objects.select_related("decision", "team", "municipality", "client", "case_officer").get(
            pk=case.pk
        )
        hooks.entered(entered, to=to, actor=actor, reason=reason)
    return case


def case_start(*, actor, case: Case, homecoming_at: dt.datetime | None = None) -> Case:
    """Verkställighet begins: the team receives the client (the same day they are ready for discharge),
    at `homecoming_at` (now when not given); the first visits follow it."""
    return case_transition(case=case, to=CaseState.ACTIVE, actor=actor, homecoming_at=homecoming_at)


def case_decline(*, actor, case: Case, reason: str) -> Case:
    return case_transition(case=case, to=CaseState.DECLINED, actor=actor, reason=reason)


def case_withdraw(*, actor, case: Case, reason: str) -> Case:
    return case_transition(case=case, to=CaseState.WITHDRAWN, actor=actor, reason=reason)


def case_readmit(*, actor, case: Case, reason: str) -> Case:
    return case_transition(case=case, to=CaseState.READMITTED, actor=actor, reason=reason)
