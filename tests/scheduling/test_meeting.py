import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import Relative
from hemgang.errors import DomainError
from scheduling import services
from scheduling.ics import meeting_ics
from scheduling.models import FollowUpMeeting

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


def _local(moment):
    return timezone.localtime(moment)


def test_the_meeting_is_booked_on_day_6_at_10_when_the_support_starts(world, start_case):
    case = start_case(dt.date(2026, 11, 20))  # a Friday: day 6 is Wednesday 25 November
    meeting = case.follow_up_meeting
    assert _local(meeting.starts_at) == timezone.make_aware(dt.datetime(2026, 11, 25, 10))
    assert meeting.chair == world.officer
    roles = list(meeting.participants.values_list("role", flat=True))
    assert roles == ["client", "team", "hemtjanst_day", "case_officer"]


def test_the_meeting_moves_past_christmas(world, start_case):
    meeting = start_case(dt.date(2026, 12, 21)).follow_up_meeting
    assert _local(meeting.starts_at).date() == dt.date(2026, 12, 28)


def test_the_chair_gets_the_next_free_hour_in_the_window(world, start_case):
    first = start_case(MONDAY).follow_up_meeting
    second = start_case(MONDAY).follow_up_meeting
    assert _local(first.starts_at).time() == dt.time(10)
    assert _local(second.starts_at).time() == dt.time(11)
    assert _local(second.starts_at).date() == _local(first.starts_at).date()


def test_a_full_window_moves_the_meeting_to_the_next_working_day(world, start_case):
    meetings = [start_case(MONDAY).follow_up_meeting for _ in range(5)]
    assert [_local(m.starts_at).hour for m in meetings[:4]] == [10, 11, 12, 13]
    assert _local(meetings[4].starts_at) == timezone.make_aware(dt.datetime(2026, 12, 1, 10))


def test_night_interventions_invite_the_night_side_too(world, start_case):
    from cases.services import InterventionLine

    case = start_case(MONDAY, lines=[InterventionLine(world.types[2].pk, 1, "day", 20, "night")])
    assert case.follow_up_meeting.participants.filter(role="hemtjanst_night").exists()


def test_relatives_are_invited(world, start_case):
    case = start_case(MONDAY)
    Relative.objects.create(client=case.client, name="Olle Provén", relation="Son")
    meeting = case.follow_up_meeting
    meeting.delete()
    services.meeting_book(case=case, actor=world.staff)
    assert FollowUpMeeting.objects.get(case=case).participants.filter(role="relative", name="Olle Provén").exists()


@pytest.fixture
def booked(world, start_case):
    return start_case(MONDAY).follow_up_meeting


@time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 23, 15)), tick=False)
def test_rescheduling_needs_a_reason_and_confirms_a_day_off(world, booked):
    with pytest.raises(DomainError) as err:
        services.meeting_reschedule(
            actor=world.officer, meeting=booked, starts_at=timezone.make_aware(dt.datetime(2026, 12, 1, 13)), reason=""
        )
    assert err.value.field == "reason"
    saturday = timezone.make_aware(dt.datetime(2026, 11, 28, 10))
    with pytest.raises(DomainError) as err:
        services.meeting_reschedule(actor=world.officer, meeting=booked, starts_at=saturday, reason="Krock")
    assert err.value.field == "move_anyway"
    assert "2026-11-28 är inte en arbetsdag" in str(err.value.message)
    moved = services.meeting_reschedule(
        actor=world.officer, meeting=booked, starts_at=timezone.make_aware(dt.datetime(2026, 12, 1, 13)), reason="Krock"
    ).meeting
    assert moved.reschedule_reason == "Krock"
    assert moved.history.order_by("-history_id").first().history_change_reason == "Krock"


def test_hemtjanst_confirms_and_names_its_representative(world, booked):
    hemtjanst = booked.participants.get(role="hemtjanst_day")
    with pytest.raises(DomainError):
        services.meeting_confirm_participant(actor=world.staff, participant=hemtjanst, representative="")
    services.meeting_confirm_participant(actor=world.staff, participant=hemtjanst, representative="Kim, USK")
    hemtjanst.refresh_from_db()
    assert hemtjanst.confirmed_at and hemtjanst.representative == "Kim, USK"


def test_the_outcome_is_recorded_after_the_meeting(world, booked):
    with time_machine.travel(booked.starts_at - dt.timedelta(hours=1), tick=False), pytest.raises(DomainError):
        services.meeting_record_outcome(
            actor=world.officer, meeting=booked, continued_needs="x", further_support="hemtjanst"
        )
    with time_machine.travel(booked.ends_at, tick=False):
        with pytest.raises(DomainError):
            services.meeting_record_outcome(
                actor=world.officer, meeting=booked, continued_needs="x", further_support="maybe"
            )
        held = services.meeting_record_outcome(
            actor=world.officer,
            meeting=booked,
            continued_needs="Hjälp med dusch två gånger i veckan",
            further_support="hemtjanst",
        )
    assert held.status == "held" and held.outcome_recorded_by == world.officer


def test_the_ics_invitation_has_the_time_but_no_personal_data(world, booked):
    text = meeting_ics(booked, host="hemgang.example").decode()
    assert "BEGIN:VEVENT" in text and "DTSTART" in text
    assert booked.case.reference in text
    assert booked.case.client.last_name not in text
    assert booked.case.client.personal_number not in text


def test_a_second_municipality_does_not_share_the_chairs_hours(world, start_case):
    other_officer = f.UserFactory(municipality=world.town, role="case_officer", username="co3")
    first = start_case(MONDAY).follow_up_meeting
    second = start_case(MONDAY, officer=other_officer).follow_up_meeting
    assert _local(first.starts_at) == _local(second.starts_at)
