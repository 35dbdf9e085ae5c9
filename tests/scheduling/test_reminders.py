"""The meeting and visit reminders (scheduling.reminders), with time moved: due today, caught up a day
late, swept twice, already sent, cause gone before sending, not yet due; across summer time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Role
from cases.services import InterventionLine
from notifications import reminders
from notifications.models import Notification, ReminderSetting
from notifications.services import notification_send
from scheduling import calendar, services
from scheduling.models import MeetingParticipant

from .. import factories as f

STOCKHOLM = ZoneInfo("Europe/Stockholm")
Kind = Notification.Kind
SCHEDULING_KINDS = [
    Kind.MEETING_TOMORROW,
    Kind.MEETING_UNCONFIRMED,
    Kind.MEETING_OUTCOME_MISSING,
    Kind.VISIT_UNDOCUMENTED,
    Kind.VISIT_UNDOCUMENTED_TEAM,
]

FRIDAY = dt.date(2026, 11, 20)  # a case started then has its day-6 meeting on Wednesday 25 November, 10:00


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def sweep(now: dt.datetime, kind: str) -> list[Notification]:
    """One sweep of `kind` at `now`; the rows of the kind after it. The engine gets the moment in UTC, as
    `timezone.now()` gives it (a Stockholm datetime would hide 'now + 24 hours': Python adds those to the
    wall clock)."""
    now = now.astimezone(dt.UTC)
    with time_machine.travel(now, tick=False):
        reminders.sweep(now=now, kinds=[kind])
    return rows(kind)


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def send_all(now: dt.datetime, kind: str) -> list[str]:
    """What the sending task does, at `now`, for every row of `kind`."""
    with time_machine.travel(now, tick=False):
        return [notification_send(row.pk) for row in rows(kind)]


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def meeting(world, start_case):
    """The day-6 meeting on Wednesday 25 November 2026 at 10:00, as the start of the support books it: the
    case officer's participant row names a user, the team's and hemtjänst's name their units."""
    case = start_case(FRIDAY)
    meeting = case.follow_up_meeting
    assert meeting.starts_at == at(dt.date(2026, 11, 25), 10)
    assert {p.role for p in meeting.participants.all() if p.user_id is None} >= {
        MeetingParticipant.Role.TEAM,
        MeetingParticipant.Role.HEMTJANST_DAY,
    }
    with_email(world.officer, world.staff, world.coordinator, world.other_staff)
    return meeting


# --- the calendar helpers -----------------------------------------------------------------------------


def test_working_days_are_counted_over_weekends_and_holidays():
    works = calendar.helgfri_vardag
    assert calendar.working_days_before(dt.date(2026, 11, 25), 2, works) == dt.date(2026, 11, 23)
    assert calendar.working_days_before(dt.date(2026, 11, 23), 2, works) == dt.date(2026, 11, 19)
    assert calendar.working_days_before(dt.date(2026, 11, 23), 0, works) == dt.date(2026, 11, 23)
    # Maundy Thursday 2026 (2 April) → Tuesday after Easter Monday.
    assert calendar.next_working_day(dt.date(2026, 4, 2), works) == dt.date(2026, 4, 7)
    assert calendar.working_days_after(dt.date(2026, 12, 23), 2, works) == dt.date(2026, 12, 29)
    for day in (dt.date(2026, 11, 21) + dt.timedelta(days=n) for n in range(30)):
        last = calendar.working_days_after(day, 2, works)
        assert calendar.working_days_before(last, 2, works) <= day
        assert calendar.working_days_before(last + dt.timedelta(days=1), 2, works) > day


# --- 1. the meeting tomorrow --------------------------------------------------------------------------


def test_it_reminds_the_participants_the_day_before_and_mails_each_once(world, meeting, login):
    stored = sweep(at(dt.date(2026, 11, 24), 7), Kind.MEETING_TOMORROW)
    assert [row.recipient for row in stored] == sorted(
        [world.officer, world.staff, world.coordinator], key=lambda u: u.pk
    )
    assert {(row.object_id, row.due_on) for row in stored} == {(meeting.pk, dt.date(2026, 11, 25))}
    # The team reads the meeting in the case; hemtjänst's coordinator the invitation in the inbox (the case's
    # meeting page is not theirs to open).
    links = {row.recipient: row.path for row in stored}
    assert links[world.staff] == links[world.officer] == reverse("meeting", args=[meeting.case_id])
    assert links[world.coordinator] == reverse("inbox")
    assert login(world.coordinator).get(links[world.coordinator]).status_code == 200
    assert send_all(at(dt.date(2026, 11, 24), 7, 1), Kind.MEETING_TOMORROW) == ["sent"] * 3
    reference = meeting.case.reference
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject == f"Hemgång: uppföljningsmöte i morgon för {reference}"
    assert "25 november kl. 10:00" in mail.outbox[0].body
    assert "Testberg" not in mail.outbox[0].body and "Greta" not in mail.outbox[0].subject
    # Swept again, sent again: nothing new, nothing twice.
    assert len(sweep(at(dt.date(2026, 11, 24), 18), Kind.MEETING_TOMORROW)) == 3
    assert send_all(at(dt.date(2026, 11, 24), 18, 1), Kind.MEETING_TOMORROW) == ["taken"] * 3
    assert len(mail.outbox) == 3


def test_a_sweep_missed_the_day_before_reminds_on_the_day_until_it_begins(world, meeting):
    assert sweep(at(dt.date(2026, 11, 25), 10, 1), Kind.MEETING_TOMORROW) == []
    stored = sweep(at(dt.date(2026, 11, 25), 8), Kind.MEETING_TOMORROW)
    assert len(stored) == 3 and stored[0].subject.startswith("Hemgång: uppföljningsmöte i dag")
    assert send_all(at(dt.date(2026, 11, 25), 8, 1), Kind.MEETING_TOMORROW) == ["sent"] * 3


def test_it_is_not_due_two_days_before(world, meeting):
    assert sweep(at(dt.date(2026, 11, 23), 23, 59), Kind.MEETING_TOMORROW) == []


def test_a_meeting_moved_before_sending_is_not_reminded_for_its_old_day(world, meeting):
    sweep(at(dt.date(2026, 11, 24), 7), Kind.MEETING_TOMORROW)
    # Moved to this afternoon: still a meeting to remind of, but the stored text names Wednesday.
    with time_machine.travel(at(dt.date(2026, 11, 24), 8), tick=False):
        services.meeting_reschedule(
            actor=world.officer, meeting=meeting, starts_at=at(dt.date(2026, 11, 24), 13), reason="Krock"
        )
    assert send_all(at(dt.date(2026, 11, 24), 8, 1), Kind.MEETING_TOMORROW) == ["cancelled"] * 3
    assert mail.outbox == []
    # The new day has its own reminder.
    stored = sweep(at(dt.date(2026, 11, 24), 9), Kind.MEETING_TOMORROW)
    assert sorted(row.due_on for row in stored) == [dt.date(2026, 11, 24)] * 3 + [dt.date(2026, 11, 25)] * 3
    send_all(at(dt.date(2026, 11, 24), 9, 1), Kind.MEETING_TOMORROW)
    assert len(mail.outbox) == 3 and "24 november kl. 13:00" in mail.outbox[0].body


def test_a_case_withdrawn_before_sending_is_not_reminded(world, meeting):
    sweep(at(dt.date(2026, 11, 24), 7), Kind.MEETING_TOMORROW)
    with time_machine.travel(at(dt.date(2026, 11, 24), 8), tick=False):
        case_services.case_withdraw(actor=world.officer, case=meeting.case, reason="Vill inte längre")
    assert send_all(at(dt.date(2026, 11, 24), 8, 1), Kind.MEETING_TOMORROW) == ["cancelled"] * 3
    assert mail.outbox == []
    assert sweep(at(dt.date(2026, 11, 24), 9), Kind.MEETING_TOMORROW)[0].status == "cancelled"


def test_tomorrow_is_the_calendar_day_when_summer_time_begins(world, start_case):
    # Summer time began at 02:00 on Sunday 29 March 2026: that day has 23 hours. Saturday 23:30 plus 24
    # hours is already Monday 00:30, but Monday's meeting is not tomorrow on Saturday.
    meeting = start_case(dt.date(2026, 3, 25)).follow_up_meeting
    assert meeting.starts_at == dt.datetime(2026, 3, 30, 10, tzinfo=STOCKHOLM)
    assert sweep(dt.datetime(2026, 3, 28, 23, 30, tzinfo=STOCKHOLM), Kind.MEETING_TOMORROW) == []
    stored = sweep(dt.datetime(2026, 3, 29, 23, 30, tzinfo=STOCKHOLM), Kind.MEETING_TOMORROW)
    everyone = sorted([world.officer, world.staff, world.coordinator], key=lambda u: u.pk)
    assert [(row.recipient, row.due_on) for row in stored] == [(user, dt.date(2026, 3, 30)) for user in everyone]


# --- 2. not confirmed by hemtjänst --------------------------------------------------------------------


def test_an_unconfirmed_meeting_is_reminded_to_the_team_two_working_days_before(world, meeting):
    # Wednesday's meeting: Monday is two helgfria vardagar before it, not Friday, Saturday or Sunday.
    assert sweep(at(dt.date(2026, 11, 22), 23, 59), Kind.MEETING_UNCONFIRMED) == []
    stored = sweep(at(dt.date(2026, 11, 23), 0, 5), Kind.MEETING_UNCONFIRMED)
    assert [(row.recipient, row.object_id, row.due_on) for row in stored] == [
        (world.staff, meeting.pk, dt.date(2026, 11, 25))
    ]
    assert send_all(at(dt.date(2026, 11, 23), 0, 6), Kind.MEETING_UNCONFIRMED) == ["sent"]
    assert sweep(at(dt.date(2026, 11, 24), 9), Kind.MEETING_UNCONFIRMED) == stored
    assert send_all(at(dt.date(2026, 11, 24), 9, 1), Kind.MEETING_UNCONFIRMED) == ["taken"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == (
        f"Hemgång: uppföljningsmötet för {meeting.case.reference} är inte bekräftat av hemtjänsten"
    )


def test_a_late_sweep_still_reminds_until_the_meeting_begins(world, meeting):
    assert sweep(at(dt.date(2026, 11, 25), 10), Kind.MEETING_UNCONFIRMED) == []
    assert len(sweep(at(dt.date(2026, 11, 25), 9, 59), Kind.MEETING_UNCONFIRMED)) == 1


def test_a_confirmation_before_sending_cancels_it(world, meeting):
    sweep(at(dt.date(2026, 11, 23), 9), Kind.MEETING_UNCONFIRMED)
    hemtjanst = meeting.participants.get(role=MeetingParticipant.Role.HEMTJANST_DAY)
    with time_machine.travel(at(dt.date(2026, 11, 23), 10), tick=False):
        services.meeting_confirm_participant(actor=world.staff, participant=hemtjanst, representative="Kim, USK")
    assert send_all(at(dt.date(2026, 11, 23), 10, 1), Kind.MEETING_UNCONFIRMED) == ["cancelled"]
    assert mail.outbox == []
    assert sweep(at(dt.date(2026, 11, 24), 9), Kind.MEETING_UNCONFIRMED)[0].status == "cancelled"


def test_the_teams_own_lead_time_holds(world, meeting):
    ReminderSetting.objects.create(
        municipality=world.town, team=world.team, name=ReminderSetting.Name.MEETING_CONFIRM_WORKING_DAYS, value=3
    )
    assert sweep(at(dt.date(2026, 11, 19), 23), Kind.MEETING_UNCONFIRMED) == []
    assert len(sweep(at(dt.date(2026, 11, 20), 12), Kind.MEETING_UNCONFIRMED)) == 1


# --- 3. the outcome not recorded ----------------------------------------------------------------------


def test_a_missing_outcome_is_reminded_to_the_chair_the_next_working_day(world, meeting):
    assert sweep(at(dt.date(2026, 11, 25), 23, 59), Kind.MEETING_OUTCOME_MISSING) == []
    stored = sweep(at(dt.date(2026, 11, 26), 0, 1), Kind.MEETING_OUTCOME_MISSING)
    assert [(row.recipient, row.due_on) for row in stored] == [(world.officer, dt.date(2026, 11, 25))]
    assert send_all(at(dt.date(2026, 11, 26), 8), Kind.MEETING_OUTCOME_MISSING) == ["sent"]
    assert sweep(at(dt.date(2026, 11, 27), 8), Kind.MEETING_OUTCOME_MISSING) == stored
    assert send_all(at(dt.date(2026, 11, 27), 8), Kind.MEETING_OUTCOME_MISSING) == ["taken"]
    assert len(mail.outbox) == 1 and meeting.case.reference in mail.outbox[0].subject


def test_after_a_friday_meeting_the_next_working_day_is_monday(world, meeting):
    with time_machine.travel(at(dt.date(2026, 11, 24), 8), tick=False):
        services.meeting_reschedule(
            actor=world.officer, meeting=meeting, starts_at=at(dt.date(2026, 11, 27), 10), reason="Krock"
        )
    assert sweep(at(dt.date(2026, 11, 29), 23), Kind.MEETING_OUTCOME_MISSING) == []
    # Caught up on Tuesday when Monday's sweeps were missed.
    stored = sweep(at(dt.date(2026, 12, 1), 9), Kind.MEETING_OUTCOME_MISSING)
    assert [row.due_on for row in stored] == [dt.date(2026, 11, 27)]


def test_an_outcome_recorded_before_sending_cancels_it(world, meeting):
    sweep(at(dt.date(2026, 11, 26), 7), Kind.MEETING_OUTCOME_MISSING)
    with time_machine.travel(at(dt.date(2026, 11, 26), 8), tick=False):
        services.meeting_record_outcome(
            actor=world.officer,
            meeting=meeting,
            continued_needs="Dusch två gånger i veckan",
            further_support="hemtjanst",
        )
    assert send_all(at(dt.date(2026, 11, 26), 8, 1), Kind.MEETING_OUTCOME_MISSING) == ["cancelled"]
    assert mail.outbox == []
    assert sweep(at(dt.date(2026, 11, 27), 8), Kind.MEETING_OUTCOME_MISSING)[0].status == "cancelled"


# --- 4 and 5. the visits not documented ---------------------------------------------------------------


@pytest.fixture
def second_staff(world):
    user = f.UserFactory(
        municipality=world.town, role=Role.TEAM_STAFF, profession="ssk", team=world.team, username="staff2"
    )
    with_email(user, world.staff, world.other_staff)
    return user


@pytest.fixture
def visit(world, start_case, second_staff):
    """One unassigned morning visit on Friday 20 November (a one-day decision), from 08:30."""
    case = start_case(FRIDAY, days=1, lines=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")])
    (visit,) = case.visits.all()
    return visit


def test_an_unlogged_visit_is_reminded_to_its_staff_at_the_end_of_the_teams_day(world, visit, second_staff):
    with time_machine.travel(at(FRIDAY, 9), tick=False):
        services.visit_assign(actor=world.staff, visit=visit, assigned_to=second_staff)
    assert sweep(at(FRIDAY, 21, 59), Kind.VISIT_UNDOCUMENTED) == []
    stored = sweep(at(FRIDAY, 22), Kind.VISIT_UNDOCUMENTED)
    assert [(row.recipient, row.object_id, row.due_on) for row in stored] == [(second_staff, visit.pk, FRIDAY)]
    assert stored[0].path == reverse("visit_log", args=[visit.pk])
    assert send_all(at(FRIDAY, 22, 1), Kind.VISIT_UNDOCUMENTED) == ["sent"]
    assert sweep(at(FRIDAY, 23), Kind.VISIT_UNDOCUMENTED) == stored
    assert send_all(at(FRIDAY, 23, 1), Kind.VISIT_UNDOCUMENTED) == ["taken"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Hemgång: besöket i {visit.case.reference} är inte dokumenterat"


def test_an_unassigned_visit_is_reminded_to_the_team_and_caught_up_the_next_day(world, visit, second_staff):
    stored = sweep(at(FRIDAY + dt.timedelta(days=1), 12), Kind.VISIT_UNDOCUMENTED)
    assert {row.recipient for row in stored} == {world.staff, second_staff}
    assert world.other_staff not in {row.recipient for row in stored}


def test_a_visit_logged_before_sending_is_not_reminded(world, visit):
    sweep(at(FRIDAY, 22), Kind.VISIT_UNDOCUMENTED)
    with time_machine.travel(at(FRIDAY, 22, 5), tick=False):
        services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="Inte hemma")
    assert send_all(at(FRIDAY, 22, 6), Kind.VISIT_UNDOCUMENTED) == ["cancelled", "cancelled"]
    assert mail.outbox == []


def test_the_day_ends_at_the_teams_local_time_when_summer_time_ends(world, start_case, second_staff):
    # Clocks went back at 03:00 on Sunday 25 October 2026: that day has 25 hours, and 22:00 is 21:00 UTC.
    day = dt.date(2026, 10, 25)
    case = start_case(day, days=1, lines=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")])
    (visit,) = case.visits.all()
    assert sweep(dt.datetime(2026, 10, 25, 21, 59, tzinfo=STOCKHOLM), Kind.VISIT_UNDOCUMENTED) == []
    # 22:00 as if it were still summer time (20:00 UTC) is an hour early.
    assert sweep(dt.datetime(2026, 10, 25, 20, 0, tzinfo=dt.UTC), Kind.VISIT_UNDOCUMENTED) == []
    stored = sweep(dt.datetime(2026, 10, 25, 22, 0, tzinfo=STOCKHOLM), Kind.VISIT_UNDOCUMENTED)
    assert {(row.object_id, row.due_on) for row in stored} == {(visit.pk, day)}
    # The team hears of it when its next day begins: Monday 07:00.
    assert sweep(dt.datetime(2026, 10, 26, 6, 59, tzinfo=STOCKHOLM), Kind.VISIT_UNDOCUMENTED_TEAM) == []
    assert len(sweep(dt.datetime(2026, 10, 26, 7, 0, tzinfo=STOCKHOLM), Kind.VISIT_UNDOCUMENTED_TEAM)) == 2


def test_a_weekday_team_hears_of_fridays_visit_on_monday_morning(world, start_case):
    world.other_team.working_days = "weekdays"
    world.other_team.day_starts_at = dt.time(8)
    world.other_team.save()
    with_email(world.other_staff, world.staff)
    case = start_case(
        FRIDAY, days=1, team=world.other_team, lines=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")]
    )
    (visit,) = case.visits.all()
    assert sweep(at(dt.date(2026, 11, 21), 8), Kind.VISIT_UNDOCUMENTED_TEAM) == []
    assert sweep(at(dt.date(2026, 11, 23), 7, 59), Kind.VISIT_UNDOCUMENTED_TEAM) == []
    stored = sweep(at(dt.date(2026, 11, 23), 8), Kind.VISIT_UNDOCUMENTED_TEAM)
    assert [(row.recipient, row.object_id, row.due_on) for row in stored] == [(world.other_staff, visit.pk, FRIDAY)]
    assert send_all(at(dt.date(2026, 11, 23), 8, 1), Kind.VISIT_UNDOCUMENTED_TEAM) == ["sent"]
    assert sweep(at(dt.date(2026, 11, 24), 8), Kind.VISIT_UNDOCUMENTED_TEAM) == stored
    assert send_all(at(dt.date(2026, 11, 24), 8, 1), Kind.VISIT_UNDOCUMENTED_TEAM) == ["taken"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Hemgång: besöket i {case.reference} är fortfarande inte dokumenterat"


def test_a_case_ended_before_sending_cancels_the_teams_reminder(world, visit, second_staff):
    monday = dt.date(2026, 11, 23)
    sweep(at(FRIDAY + dt.timedelta(days=1), 7), Kind.VISIT_UNDOCUMENTED_TEAM)
    with time_machine.travel(at(monday, 6), tick=False):
        case_services.case_readmit(actor=world.staff, case=visit.case, reason="Inlagd igen")
    assert send_all(at(monday, 6, 1), Kind.VISIT_UNDOCUMENTED_TEAM) == ["cancelled", "cancelled"]
    assert mail.outbox == []


# --- the cost of a sweep ------------------------------------------------------------------------------


def test_a_sweeps_queries_do_not_grow_with_closed_cases(world, start_case):
    """The open case's meeting (Wednesday) lacks its outcome and its visits are unlogged; a second open
    case has its meeting tomorrow, unconfirmed. Twenty cases of the same team, ended after their meetings
    and visits of the same days, leave booked meetings and planned visits in the window: they are not read."""
    world.team.capacity = 40  # room for the closed cases without an over-capacity reason
    world.team.save(update_fields=["capacity"])
    start_case(FRIDAY)
    start_case(dt.date(2026, 11, 22))  # its meeting: Friday 27 November
    now = at(dt.date(2026, 11, 26), 8)

    def count() -> int:
        with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as queries:
            stored = reminders.sweep(now=now, kinds=SCHEDULING_KINDS)
        assert stored[Kind.MEETING_TOMORROW] and stored[Kind.MEETING_OUTCOME_MISSING]
        assert stored[Kind.VISIT_UNDOCUMENTED] and stored[Kind.VISIT_UNDOCUMENTED_TEAM]
        assert stored[Kind.MEETING_UNCONFIRMED]
        return len(queries)

    before = count()
    stored_before = Notification.objects.count()
    for n in range(20):
        officer = f.UserFactory(municipality=world.town, role=Role.CASE_OFFICER, username=f"closed_officer{n}")
        case = start_case(FRIDAY, officer=officer)
        with time_machine.travel(at(dt.date(2026, 11, 26), 7), tick=False):
            case_services.case_readmit(actor=world.staff, case=case, reason="Inlagd igen")
    assert before == count()
    assert Notification.objects.count() == stored_before
