"""Handover's reminder rules with the clock moved: the decision ending with no handover drafted, and a
message not acknowledged within the receiver's working hours, then escalated. Due today gives one row per
recipient and one e-mail each; missed is caught up; a second sweep or an earlier sending adds nothing; a
cause gone (handover drafted, end moved, receipt given, case ended) cancels the sending; not yet due gives
nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as cases_services
from cases.models import Decision, Role
from cases.services import InterventionLine
from handover import services
from handover.models import Delivery, Message
from notifications import reminders
from notifications.models import Notification, ReminderSetting

from .. import factories as f
from ..reminder_steps import at, give_addresses, recipients, send, statuses, sweep

Kind = Notification.Kind
Setting = ReminderSetting.Name

# Monday 2 March 2026, ten days through Wednesday 11 March.
START = dt.date(2026, 3, 2)
END = dt.date(2026, 3, 11)
FRIDAY = dt.date(2026, 3, 6)
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture
def mail_world(world):
    """The client's hemtjänst group has a person of its own (the day coordinator is only the
    coordinator's), so the receiver and the coordinator it escalates to are different people."""
    world.group.members.remove(world.coordinator)
    world.group_staff = f.UserFactory(
        municipality=world.town, role=Role.COORDINATOR, shift="day", username="group_staff"
    )
    world.group.members.add(world.group_staff)
    give_addresses(
        world.officer, world.staff, world.manager, world.coordinator, world.group_staff, world.night_coordinator
    )
    return world


@pytest.fixture
def running(mail_world, start_case):
    return start_case(START)


def _withdraw(world, case, moment):
    with time_machine.travel(moment, tick=False):
        cases_services.case_withdraw(actor=world.officer, case=case, reason="Brukaren tackar nej.")


# --- the decision ends, no handover drafted ------------------------------------------------------------


def test_decision_ending_is_not_due_four_days_before_the_end(running):
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 7), 23, 59)) == []


def test_decision_ending_three_days_before_tells_the_team_and_its_unit_manager_once(running, mailoutbox):
    rows = sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 0, 1))
    assert recipients(rows) == ["manager", "staff"]
    assert {(row.object_id, row.due_on) for row in rows} == {(running.pk, END)}
    assert send(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 7)) == ["sent", "sent"]
    # The team writes the handover; the unit manager, who may not edit it, is led to the case.
    links = {row.recipient.username: row.path for row in rows}
    assert links == {"staff": f"/cases/{running.pk}/handover/", "manager": f"/cases/{running.pk}/"}
    for mail in mailoutbox:
        assert running.reference in mail.subject and "Testberg" not in mail.subject + mail.body
    assert sorted(mail.body.rsplit("\n", 1)[-1].split("/", 3)[-1] for mail in mailoutbox) == [
        f"cases/{running.pk}/",
        f"cases/{running.pk}/handover/",
    ]
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 8)) == []
    assert sweep(Kind.DECISION_ENDING, at(END, 8)) == []  # the same end date: already sent
    assert send(Kind.DECISION_ENDING, at(END, 8)) == ["taken", "taken"]
    assert len(mailoutbox) == 2


def test_decision_ending_missed_is_caught_up_until_the_last_day(running, mailoutbox):
    rows = sweep(Kind.DECISION_ENDING, at(END, 16))
    assert recipients(rows) == ["manager", "staff"]
    assert send(Kind.DECISION_ENDING, at(END, 16)) == ["sent", "sent"]


def test_decision_ending_is_not_told_after_the_end(running):
    """The next day `case_open_after_end` speaks to the unit manager instead."""
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 12), 0, 1)) == []


def test_decision_ending_with_the_handover_drafted_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 7))
    with time_machine.travel(at(dt.date(2026, 3, 8), 8), tick=False):
        services.handover_save(actor=mail_world.staff, case=running, working_methods="Duschar själv med pall.")
    assert send(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == [] and sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 9), 9)) == []


def test_decision_ending_whose_end_is_moved_is_cancelled_and_told_again_for_the_new_end(
    mail_world, running, mailoutbox
):
    sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 7))
    decision = Decision.objects.get(case=running)
    kept = [
        InterventionLine(
            intervention_type_id=i.intervention_type_id,
            times=i.times,
            per=i.per,
            minutes=i.minutes,
            part_of_day=i.part_of_day,
            note=i.note,
            id=i.pk,
        )
        for i in decision.interventions.all()
    ]
    with time_machine.travel(at(dt.date(2026, 3, 8), 8), tick=False):
        cases_services.decision_change(
            actor=mail_world.officer,
            decision=decision,
            end_date=dt.date(2026, 3, 15),
            interventions=kept,
            reason="Brukaren behöver mer tid",
            consent_gap_accepted=True,
        )
    assert send(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 9)) == ["cancelled", "cancelled"]
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 11), 23, 59)) == []
    rows = sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 12), 0, 1))
    assert {row.due_on for row in rows} == {dt.date(2026, 3, 15)} and len(rows) == 2


def test_decision_ending_for_a_case_ended_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 7))
    _withdraw(mail_world, running, at(dt.date(2026, 3, 8), 8))
    assert send(Kind.DECISION_ENDING, at(dt.date(2026, 3, 8), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == []


def test_a_municipality_and_a_team_set_their_own_days_before_the_decision_ends(mail_world, running):
    ReminderSetting.objects.create(municipality=mail_world.town, name=Setting.DECISION_END_DAYS, value=1)
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 9), 23, 59)) == []
    ReminderSetting.objects.create(
        municipality=mail_world.town, team=mail_world.team, name=Setting.DECISION_END_DAYS, value=5
    )
    assert sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 5), 23, 59)) == []
    assert len(sweep(Kind.DECISION_ENDING, at(dt.date(2026, 3, 6), 0, 1))) == 2


# --- messages not acknowledged -------------------------------------------------------------------------


def _send_to(world, case, receivers, moment, *, author=None):
    with time_machine.travel(moment, tick=False):
        return services.message_draft_and_send(
            actor=author or world.staff,
            case=case,
            kind=Message.Kind.FREE,
            subject="Hemgångsteam: om kvällsbesöket",
            body="Kvällsbesöket flyttas till 18:00.",
            recipients=receivers,
        )


@pytest.fixture
def to_group(mail_world, running):
    """Sent on Friday at 15:00 to the client's hemtjänst group: hemtjänst's office hours (08–17 helgfria
    vardagar) give it two hours on Friday and two on Monday — reminded Monday 10:00, escalated 14:00."""
    message = _send_to(mail_world, running, [mail_world.group], at(FRIDAY, 15))
    return Delivery.objects.get(message=message)


def test_unacknowledged_is_not_due_over_the_weekend(to_group):
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(FRIDAY, 19)) == []  # four hours, but not working hours
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 9, 59)) == []


def test_unacknowledged_after_four_working_hours_tells_the_receivers_people_once(mail_world, to_group, mailoutbox):
    rows = sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10))
    assert recipients(rows) == ["group_staff"]
    assert {(row.object_id, row.due_on) for row in rows} == {(to_group.pk, FRIDAY)}
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10, 1)) == ["sent"]
    (mail,) = mailoutbox
    assert mail.to == ["group_staff@example.org"] and mail.body.endswith(f"/messages/{to_group.message_id}/")
    assert to_group.message.case.reference in mail.subject and "kvällsbesöket" not in mail.subject + mail.body
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 11)) == []
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 10), 11)) == []
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 10), 11)) == ["taken"]
    assert len(mailoutbox) == 1


def test_unacknowledged_missed_is_caught_up(to_group, mailoutbox):
    rows = sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 10), 12))
    assert recipients(rows) == ["group_staff"] and rows[0].due_on == FRIDAY
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 10), 12)) == ["sent"]


def test_unacknowledged_acknowledged_before_the_sending_is_cancelled(mail_world, to_group, mailoutbox):
    sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10))
    with time_machine.travel(at(MONDAY, 10, 5), tick=False):
        services.message_acknowledge(actor=mail_world.group_staff, delivery=to_group)
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10, 6)) == ["cancelled"]
    assert mailoutbox == [] and sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 15)) == []


def test_unacknowledged_on_a_case_ended_before_the_sending_is_cancelled(mail_world, running, to_group, mailoutbox):
    sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10))
    _withdraw(mail_world, running, at(MONDAY, 10, 5))
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10, 6)) == ["cancelled"]
    assert mailoutbox == [] and sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 11)) == []


def test_a_municipality_and_a_team_set_their_own_working_hours_before_the_reminder(mail_world, to_group):
    ReminderSetting.objects.create(municipality=mail_world.town, name=Setting.MESSAGE_ACK_WORKING_HOURS, value=6)
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 11, 59)) == []
    ReminderSetting.objects.create(
        municipality=mail_world.town, team=mail_world.team, name=Setting.MESSAGE_ACK_WORKING_HOURS, value=1
    )
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(FRIDAY, 15, 59)) == []
    assert recipients(sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(FRIDAY, 16))) == ["group_staff"]


def test_a_message_older_than_the_window_is_not_looked_at(to_group):
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 4, 6), 9)) == []


# --- escalated ----------------------------------------------------------------------------------------------


def test_escalated_after_a_second_period_tells_the_sender_and_the_day_coordinator(mail_world, to_group, mailoutbox):
    assert sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 13, 59)) == []
    rows = sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 14))
    assert recipients(rows) == ["coordinator", "staff"]
    assert {(row.object_id, row.due_on) for row in rows} == {(to_group.pk, FRIDAY)}
    assert send(Kind.MESSAGE_ESCALATED, at(MONDAY, 14)) == ["sent", "sent"]
    assert sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 16)) == []
    assert send(Kind.MESSAGE_ESCALATED, at(MONDAY, 16)) == ["taken", "taken"]
    assert len(mailoutbox) == 2


def test_escalated_acknowledged_before_the_sending_is_cancelled(mail_world, to_group, mailoutbox):
    sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 14))
    with time_machine.travel(at(MONDAY, 14, 5), tick=False):
        services.message_acknowledge(actor=mail_world.group_staff, delivery=to_group)
    assert send(Kind.MESSAGE_ESCALATED, at(MONDAY, 14, 6)) == ["cancelled", "cancelled"]
    assert mailoutbox == [] and set(statuses(Kind.MESSAGE_ESCALATED).values()) == {"cancelled"}


def test_escalated_from_the_day_coordinator_itself_goes_to_the_sender_only(mail_world, running):
    message = _send_to(mail_world, running, [mail_world.coordination], at(FRIDAY, 15))
    rows = sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 14))
    assert recipients(rows) == ["staff"] and rows[0].object_id == message.deliveries.get().pk


def test_escalated_from_a_night_receiver_goes_to_the_night_coordinator(mail_world, start_case):
    case = start_case(START, lines=[InterventionLine(mail_world.types[2].pk, 1, "day", 20, "night")])
    patrol = case.case_recipients.get(recipient__kind="night_patrol").recipient
    _send_to(mail_world, case, [patrol], at(FRIDAY, 15))
    assert recipients(sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 10))) == ["night"]
    assert recipients(sweep(Kind.MESSAGE_ESCALATED, at(MONDAY, 14))) == ["night", "staff"]


# --- a message from hemtjänst to the team: the team's hours ---------------------------------------------


def _to_team(world, case, moment):
    with time_machine.travel(moment, tick=False):
        message = services.message_send_to_team(
            actor=world.coordinator, case=case, subject="", body="Lugn kväll, åt bra."
        )
    return message.deliveries.get()


def test_a_message_to_the_team_counts_the_teams_hours_every_day(mail_world, running, mailoutbox):
    """Team Norr works 07–22 every day: sent on Friday at 20:00, two hours that evening and two on
    Saturday morning — reminded Saturday 09:00, escalated 13:00."""
    delivery = _to_team(mail_world, running, at(FRIDAY, 20))
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 7), 8, 59)) == []
    rows = sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 7), 9))
    assert recipients(rows) == ["manager", "staff"] and rows[0].object_id == delivery.pk
    assert sweep(Kind.MESSAGE_ESCALATED, at(dt.date(2026, 3, 7), 12, 59)) == []
    # The sender (hemtjänst's coordinator who wrote it) and the team's unit manager.
    assert recipients(sweep(Kind.MESSAGE_ESCALATED, at(dt.date(2026, 3, 7), 13))) == ["coordinator", "manager"]
    assert send(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 7), 13)) == ["sent", "sent"]


def test_a_weekday_team_is_reminded_on_its_next_working_day(mail_world, running):
    mail_world.team.working_days = "weekdays"
    mail_world.team.day_starts_at, mail_world.team.day_ends_at = dt.time(8), dt.time(16)
    mail_world.team.save()
    _to_team(mail_world, running, at(FRIDAY, 20))
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 8), 20)) == []
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 11, 59)) == []
    assert recipients(sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(MONDAY, 12))) == ["manager", "staff"]


def test_a_message_sent_the_evening_before_summer_time_counts_the_teams_wall_clock(mail_world, start_case):
    """Sent at 21:00 on Saturday 28 March 2026, the night the clocks go forward: one hour that evening, three
    from 07:00 on Sunday — reminded at 10:00 summer time."""
    case = start_case(dt.date(2026, 3, 23))
    _to_team(mail_world, case, at(dt.date(2026, 3, 28), 21))
    assert sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 29), 9, 59)) == []
    assert len(sweep(Kind.MESSAGE_UNACKNOWLEDGED, at(dt.date(2026, 3, 29), 10))) == 2


# --- a sweep's cost -----------------------------------------------------------------------------------------

HANDOVER_KINDS = [Kind.DECISION_ENDING, Kind.MESSAGE_UNACKNOWLEDGED, Kind.MESSAGE_ESCALATED]


def _ended_cases(world, start_case, count: int) -> None:
    """Cases ended with their messages unacknowledged and their decision about to end, as if still open."""
    for _ in range(count):
        case = start_case(START)
        _send_to(world, case, [world.group, world.coordination], at(FRIDAY, 15))
        _to_team(world, case, at(FRIDAY, 15))
        _withdraw(world, case, at(FRIDAY, 16))


def _sweep_queries(moment) -> int:
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        reminders.sweep(now=moment, kinds=HANDOVER_KINDS)
    return len(queries)


def test_a_sweep_does_not_grow_with_ended_cases(mail_world, start_case, running, to_group):
    _ended_cases(mail_world, start_case, 2)
    moment = at(MONDAY, 15)
    first = _sweep_queries(moment)
    stored = Notification.objects.filter(kind__in=HANDOVER_KINDS).count()
    Notification.objects.all().delete()
    _ended_cases(mail_world, start_case, 4)
    assert _sweep_queries(moment) == first
    assert Notification.objects.filter(kind__in=HANDOVER_KINDS).count() == stored > 0


def test_the_rules_are_registered_with_their_settings_and_roles():
    rules = {rule.kind: rule for rule in reminders.rules()}
    assert rules[Kind.DECISION_ENDING].setting == Setting.DECISION_END_DAYS
    assert rules[Kind.MESSAGE_ESCALATED].setting == Setting.MESSAGE_ESCALATION_WORKING_HOURS
    coordinator = set(reminders.kinds_for_role(Role.COORDINATOR))
    assert {Kind.MESSAGE_UNACKNOWLEDGED, Kind.MESSAGE_ESCALATED} <= coordinator
    assert Kind.DECISION_ENDING not in coordinator
    assert Kind.DECISION_ENDING in reminders.kinds_for_role(Role.UNIT_MANAGER)
