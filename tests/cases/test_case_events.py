"""Issue 9, item 1: every service that changes a case records its one event, in its transaction — the
kind, the states, the actor and the means — and nothing when it refuses; the log is append-only."""

import datetime as dt
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases import hooks, services
from cases.models import CaseEvent
from handover import services as handover
from handover.models import Delivery, Message
from hemgang.errors import DomainError
from scheduling import services as scheduling
from scheduling.models import MeetingParticipant

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)  # the support runs 2026-11-23 – 2026-12-02; day 6 is 2026-11-28


def _at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@contextmanager
def written():
    """The events written inside the block, in order."""
    last = CaseEvent.objects.aggregate(last=Max("id"))["last"] or 0
    got = SimpleNamespace(events=[], kinds=[])
    yield got
    got.events = list(CaseEvent.objects.filter(id__gt=last).order_by("id"))
    got.kinds = [e.kind for e in got.events]


def _one(got, kind):
    assert got.kinds.count(kind) == 1, got.kinds
    return next(e for e in got.events if e.kind == kind)


# --- cases: referral, consent, decision, team, the lifecycle's moves -----------------------------------


def test_a_referral_records_referred_by_the_officer(world):
    with written() as got:
        case = f.referred_case(world.officer)
    event = _one(got, "referred")
    assert got.kinds == ["referred"]
    assert (event.case, event.municipality, event.actor) == (case, world.town, world.officer)
    assert (event.from_state, event.to_state, event.means) == ("", "referred", "system")


def test_consent_records_recorded_then_renewed_then_withdrawn(world, referred):
    with written() as got:
        first = f.consent(world.officer, referred)
    assert got.kinds == ["consent_recorded"]
    assert got.events[0].payload["consent_id"] == first.pk
    with written() as got:
        renewal = f.consent(world.officer, referred)
    assert got.kinds == ["consent_renewed"] and renewal.renews == first
    with written() as got:
        services.consent_withdraw(actor=world.officer, consent=renewal, reported_by="Brukaren", reason="Vill inte")
    assert got.kinds == ["consent_withdrawn"] and got.events[0].payload["reason"] == "Vill inte"


def test_a_decision_records_decided_with_its_move_and_period(world, referred):
    f.consent(world.officer, referred)
    with written() as got:
        decision = f.decision(world.officer, referred, world.team, world.types, world.basis)
    event = _one(got, "decided")
    assert got.kinds == ["decided"]
    assert (event.from_state, event.to_state, event.team) == ("referred", "decided", world.team)
    assert event.payload["decision_id"] == decision.pk and event.payload["over_capacity"] is False


def test_a_refused_service_records_nothing(world, referred):
    with written() as got, pytest.raises(DomainError):
        f.decision(world.officer, referred, world.team, world.types, world.basis)  # no consent yet
    assert got.kinds == []


def test_a_decision_change_records_decision_changed(world, decided):
    decision = decided.decision
    i = decision.interventions.first()
    kept = services.InterventionLine(
        intervention_type_id=i.intervention_type_id,
        times=i.times,
        per=i.per,
        minutes=i.minutes,
        part_of_day=i.part_of_day,
        id=i.pk,
    )
    with written() as got:
        services.decision_change(
            actor=world.officer,
            decision=decision,
            end_date=decision.end_date - dt.timedelta(days=2),
            interventions=[kept],
            reason="Snabbare återhämtning",
        )
    event = _one(got, "decision_changed")
    assert got.kinds == ["decision_changed"]
    assert event.payload["old_end_date"] == decision.end_date.isoformat() and event.payload["added"] == []


def test_a_team_assigned_records_team_assigned_with_the_new_team(world, decided):
    with written() as got:
        services.case_assign_team(actor=world.officer, case=decided, team=world.other_team)
    event = _one(got, "team_assigned")
    assert got.kinds == ["team_assigned"]
    assert event.team == world.other_team and event.payload["team"] == world.other_team.name


def test_the_start_records_started_and_the_effects_their_own_events(world, decided):
    with written() as got:
        services.case_start(actor=world.staff, case=decided)
    started = _one(got, "started")
    assert got.kinds[0] == "started" and (started.from_state, started.to_state) == ("decided", "active")
    assert "homecoming_at" in started.payload
    # the effects registered with the door follow in the same transaction
    assert _one(got, "meeting_booked").payload["meeting_id"] == decided.follow_up_meeting.pk


@pytest.mark.parametrize(
    ("move", "state"),
    [(services.case_decline, "declined"), (services.case_withdraw, "withdrawn"), (services.case_readmit, "readmitted")],
)
def test_ending_early_records_the_move_with_its_reason(world, referred, move, state):
    with written() as got:
        move(actor=world.officer, case=referred, reason="Skäl")
    event = _one(got, state)
    assert got.kinds == [state]
    assert (event.from_state, event.to_state, event.payload["reason"]) == ("referred", state, "Skäl")


def test_a_move_refused_by_a_registered_precondition_records_nothing(world, active):
    with written() as got, pytest.raises(DomainError):
        services.case_transition(case=active, to="handed_over", actor=world.staff)  # no handover sent
    assert got.kinds == []


def test_a_failing_listener_rolls_the_change_back(world, referred):
    def refuse(event):
        raise RuntimeError("listener failed")

    hooks.on_case_event(refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.case_decline(actor=world.officer, case=referred, reason="Skäl")
    finally:
        hooks._case_event_listeners.remove(refuse)
    referred.refresh_from_db()
    assert referred.state == "referred" and not CaseEvent.objects.filter(case=referred, kind="declined").exists()


def test_the_log_is_append_only(world, referred):
    event = CaseEvent.objects.get(case=referred)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(kind="closed")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()


# --- the means: web pages and the API --------------------------------------------------------------------


def test_a_decline_on_the_web_page_is_recorded_as_web(world, login, referred):
    login(world.officer).post(reverse("case_transition", args=[referred.pk, "declined"]), {"reason": "Grön triage"})
    assert CaseEvent.objects.get(case=referred, kind="declined").means == "web"


def test_a_referral_through_the_api_is_recorded_as_api(world):
    from rest_framework.test import APIClient

    from cases.models import ApiToken, ReferralSubmission

    _, raw = ApiToken.issue(world.integration, scopes=["referrals"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    body = {
        "personal_number": "19400517-1238",
        "first_name": "Greta",
        "last_name": "Testberg",
        "source": "hospital",
        "admitted_on": "2026-11-15",
        "reason": "Höftfraktur",
        "triage": "yellow",
    }
    response = api.post(reverse("api-referral-create"), body, format="json", HTTP_IDEMPOTENCY_KEY="first")
    assert response.status_code == 201, response.content
    case_id = ReferralSubmission.objects.get(pk=response.json()["id"]).case_id
    assert CaseEvent.objects.get(case_id=case_id, kind="referred").means == "api"


# --- scheduling: the meeting and tapering ------------------------------------------------------------------


@pytest.fixture
def running(world, start_case):
    case = start_case(MONDAY)
    with time_machine.travel(_at(MONDAY, 15), tick=False):
        yield case


def test_moving_the_meeting_records_meeting_moved(world, running):
    meeting = running.follow_up_meeting
    new = _at(dt.date(2026, 11, 30), 11)
    with written() as got:
        scheduling.meeting_reschedule(actor=world.officer, meeting=meeting, starts_at=new, reason="Krock")
    event = _one(got, "meeting_moved")
    assert event.payload["reason"] == "Krock" and event.payload["previous_starts_at"] == meeting.starts_at.isoformat()


def test_hemtjansts_confirmation_records_meeting_confirmed(world, running):
    participant = MeetingParticipant.objects.get(meeting__case=running, role="hemtjanst_day")
    with written() as got:
        scheduling.meeting_confirm_participant(actor=world.coordinator, participant=participant, representative="Kim")
    assert got.kinds == ["meeting_confirmed"] and got.events[0].payload["representative"] == "Kim"


def test_the_outcome_records_meeting_held_and_a_correction_is_marked(world, running):
    meeting = running.follow_up_meeting
    with time_machine.travel(meeting.starts_at + dt.timedelta(hours=2), tick=False):
        for corrected in (False, True):
            with written() as got:
                scheduling.meeting_record_outcome(
                    actor=world.officer, meeting=meeting, continued_needs="Hemtjänst", further_support="hemtjanst"
                )
            assert got.kinds == ["meeting_held"] and got.events[0].payload["corrected"] is corrected


def test_tapering_records_tapering_set(world, running):
    intervention = running.decision.interventions.first()
    with time_machine.travel(_at(dt.date(2026, 11, 26)), tick=False), written() as got:
        scheduling.tapering_set(
            actor=world.staff, case=running, intervention=intervention, hemtjanst_from=dt.date(2026, 11, 28)
        )
    assert got.kinds == ["tapering_set"] and got.events[0].payload["hemtjanst_from"] == "2026-11-28"


# --- handover: receivers, messages, receipts, the handover and the closing --------------------------------


def test_changing_the_receivers_records_receivers_changed_once(world, running):
    with written() as got:
        handover.case_recipients_set(actor=world.staff, case=running, recipients=[world.group])
    assert got.kinds == ["receivers_changed"]
    with written() as got:
        handover.case_recipients_set(actor=world.staff, case=running, recipients=[world.group])
    assert got.kinds == []  # nothing changed


def test_sending_records_message_sent_and_a_receipt_message_acknowledged(world, running):
    notice = Message.objects.get(case=running, kind="start_notice")
    with written() as got:
        handover.message_send(actor=world.staff, message=notice)
    assert got.kinds == ["message_sent"] and got.events[0].payload["message_kind"] == "start_notice"
    delivery = Delivery.objects.filter(message=notice, recipient__members=world.coordinator).first()
    with written() as got:
        handover.message_acknowledge(actor=world.coordinator, delivery=delivery)
    assert got.kinds == ["message_acknowledged"] and got.events[0].payload["receiver"] == delivery.recipient.name


def test_hemtjanst_writing_records_message_received(world, running):
    with written() as got:
        handover.message_send_to_team(actor=world.coordinator, case=running, subject="Natten", body="Sov gott.")
    assert got.kinds == ["message_received"]


def test_the_handover_is_one_event_that_moves_the_case_and_the_last_receipt_closes_it(world, running):
    with time_machine.travel(_at(MONDAY + dt.timedelta(days=9)), tick=False):
        with written() as got:
            f.hand_over(world.staff, running)
        event = _one(got, "handover_sent")
        assert "message_sent" not in got.kinds
        assert (event.from_state, event.to_state) == ("active", "handed_over")
        with written() as got:
            f.close(world.staff, running)
    closed = _one(got, "closed")
    assert closed.from_state == "handed_over" and closed.payload["reason"].startswith("Stängdes automatiskt")
    assert closed.payload["automatic"] is True
    assert got.kinds[-2:] == ["message_acknowledged", "closed"]
