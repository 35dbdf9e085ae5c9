"""Every move of the case, allowed and refused, through the one door (services.case_transition)."""

import pytest
from django.db import IntegrityError, transaction

from cases import services
from cases.models import ALLOWED_TRANSITIONS, Case, CaseState
from hemgang.errors import DomainError

from .. import factories as f

ALL_STATES = [s.value for s in CaseState]


def _case_in(world, state):
    """A case brought to `state` the way the routine does it."""
    case = f.referred_case(world.officer)
    if state == "referred":
        return case
    if state in ("declined",):
        return services.case_decline(actor=world.officer, case=case, reason="Grön triage")
    if state == "withdrawn":
        return services.case_withdraw(actor=world.officer, case=case, reason="Tackar nej")
    f.consent(world.officer, case)
    f.decision(world.officer, case, world.team, world.types, world.basis)
    if state == "decided":
        return Case.objects.get(pk=case.pk)
    case = services.case_start(actor=world.staff, case=case)
    if state == "active":
        return case
    if state == "readmitted":
        return services.case_readmit(actor=world.staff, case=case, reason="Inlagd igen")
    f.hand_over(world.staff, case)
    if state == "handed_over":
        return Case.objects.get(pk=case.pk)
    f.close(world.staff, case)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("state", ALL_STATES)
def test_it_reaches_every_state_through_the_routine(world, state):
    assert _case_in(world, state).state == state


@pytest.mark.parametrize(
    "start, to",
    [(s, t) for s in ALL_STATES for t in ALL_STATES if t not in ALLOWED_TRANSITIONS[s] and t != "decided"],
)
def test_it_refuses_every_move_not_in_the_table(world, start, to):
    case = _case_in(world, start)
    with pytest.raises(DomainError) as err:
        services.case_transition(case=case, to=to, actor=world.officer, reason="försök")
    assert err.value.code == "transition_not_allowed"
    case.refresh_from_db()
    assert case.state == start


def test_it_refuses_decided_without_a_decision(world, referred):
    with pytest.raises(DomainError) as err:
        services.case_transition(case=referred, to="decided", actor=world.officer)
    assert err.value.code == "decision_required"


@pytest.mark.parametrize("to", ["declined", "withdrawn", "readmitted"])
def test_ending_early_needs_a_reason(world, referred, to):
    with pytest.raises(DomainError) as err:
        services.case_transition(case=referred, to=to, actor=world.officer, reason="  ")
    assert err.value.field == "reason"
    referred.refresh_from_db()
    assert referred.state == "referred"


def test_it_records_who_when_and_why_in_the_history(world, referred):
    services.case_decline(actor=world.officer, case=referred, reason="Grön triage")
    last = referred.history.order_by("-history_id").first()
    assert last.state == "declined"
    assert last.history_user == world.officer
    assert last.state_reason == "Grön triage"
    referred.refresh_from_db()
    assert referred.ended_at is not None


def test_it_cannot_start_before_the_decision_start_date(world, referred):
    import datetime as dt

    from django.utils import timezone

    f.consent(world.officer, referred)
    f.decision(
        world.officer,
        referred,
        world.team,
        world.types,
        world.basis,
        start=timezone.localdate() + dt.timedelta(days=2),
        decided_on=timezone.localdate(),
    )
    with pytest.raises(DomainError) as err:
        services.case_start(actor=world.staff, case=referred)
    assert err.value.code == "not_started_yet"


def test_the_database_refuses_a_second_open_case_for_a_client(world, referred):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(municipality=world.town, client=referred.client, registered_by=world.officer)


def test_the_database_refuses_an_ended_case_without_end_time(world, referred):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=referred.pk).update(state="closed")
