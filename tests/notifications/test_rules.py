"""The cases-level reminder rules with the clock moved: consent ending and expired, the case open after the
decision's end, payment responsibility (LUS) tomorrow and started. For each: due today gives one row per
recipient and one e-mail each; due yesterday is caught up; a second sweep or an earlier sending adds
nothing; a cause gone before the sending cancels it; not yet due gives nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as cases_services
from cases.models import Referral
from notifications import reminders
from notifications.models import Notification, ReminderSetting

from .. import factories as f
from ..reminder_steps import at, give_addresses, recipients, send, statuses, sweep

Kind = Notification.Kind
Setting = ReminderSetting.Name

# Monday 2 March 2026: a support of 10 days through 11 March; consent given that day (10 days, Botkyrka)
# is valid through 11 March too.
START = dt.date(2026, 3, 2)
LAST_CONSENT_DAY = dt.date(2026, 3, 11)


@pytest.fixture
def mail_world(world):
    give_addresses(world.officer, world.staff, world.other_staff, world.manager)
    return world


@pytest.fixture
def running(mail_world, start_case):
    return start_case(START)


def _renew(world, case, day):
    with time_machine.travel(at(day, 8), tick=False):
        f.consent(world.officer, case, given_on=day)


def _withdraw(world, case, day):
    with time_machine.travel(at(day, 8), tick=False):
        cases_services.case_withdraw(actor=world.officer, case=case, reason="Brukaren tackar nej.")


# --- consent ending -------------------------------------------------------------------------------------


def test_consent_ending_is_not_due_three_days_before_the_last_day(running):
    assert sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 8), 23, 59)) == []


def test_consent_ending_two_days_before_gives_the_officer_and_the_team_one_email_each(running, mailoutbox):
    rows = sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 0, 5))
    assert recipients(rows) == ["officer", "staff"]
    assert {(row.object_id, row.due_on) for row in rows} == {(running.pk, LAST_CONSENT_DAY)}
    assert send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 0, 6)) == ["sent", "sent"]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["officer@example.org", "staff@example.org"]
    (mail, _) = mailoutbox
    assert running.reference in mail.subject and "Testberg" not in mail.subject + mail.body
    assert mail.body.endswith(f"/cases/{running.pk}/")


def test_consent_ending_a_second_sweep_and_a_second_sending_add_nothing(running, mailoutbox):
    sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9)))
    send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9)))
    assert sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 10)) == []
    # Already sent: the next days' sweeps find the same period, stored once.
    assert sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 11), 7)) == []
    assert send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 11), 7)) == ["taken", "taken"]
    assert len(mailoutbox) == 2


def test_consent_ending_missed_on_its_first_day_is_caught_up_the_next(running, mailoutbox):
    rows = sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 10), 7))
    assert recipients(rows) == ["officer", "staff"] and {row.due_on for row in rows} == {LAST_CONSENT_DAY}
    assert send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 10), 7)) == ["sent", "sent"]


def test_consent_ending_renewed_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 7))
    _renew(mail_world, running, dt.date(2026, 3, 9))
    assert send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == [] and set(statuses(Kind.CONSENT_ENDING).values()) == {"cancelled"}
    # The renewed period is reminded in its own time, once (due day 18 March).
    rows = sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 16), 7))
    assert {row.due_on for row in rows} == {dt.date(2026, 3, 18)} and len(rows) == 2


def test_consent_ending_for_a_case_withdrawn_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 7))
    _withdraw(mail_world, running, dt.date(2026, 3, 9))
    assert send(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == []


def test_a_municipality_and_a_team_set_their_own_days_before_the_consent_ends(mail_world, start_case):
    """The municipality says 4 days, Team Norr 1 day: Team Söder's case is reminded on 7 March, Team Norr's
    on 10 March."""
    north = start_case(START)
    south = start_case(START, team=mail_world.other_team)
    ReminderSetting.objects.create(municipality=mail_world.town, name=Setting.CONSENT_DAYS, value=4)
    ReminderSetting.objects.create(
        municipality=mail_world.town, team=mail_world.team, name=Setting.CONSENT_DAYS, value=1
    )
    assert sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 6), 23)) == []
    rows = sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 7), 7))
    assert {row.object_id for row in rows} == {south.pk} and recipients(rows) == ["officer", "other_staff"]
    assert sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 9), 23)) == []
    rows = sweep(Kind.CONSENT_ENDING, at(dt.date(2026, 3, 10), 7))
    assert {row.object_id for row in rows} == {north.pk}


# --- consent expired ------------------------------------------------------------------------------------


def test_consent_expired_is_not_due_on_its_last_valid_day(running):
    assert sweep(Kind.CONSENT_EXPIRED, at(LAST_CONSENT_DAY, 23, 59)) == []


def test_consent_expired_the_day_after_gives_one_email_each_once(running, mailoutbox):
    rows = sweep(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 12), 0, 1))
    assert recipients(rows) == ["officer", "staff"] and {row.due_on for row in rows} == {LAST_CONSENT_DAY}
    assert send(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 12), 0, 2)) == ["sent", "sent"]
    assert sweep(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 12), 0, 3)) == []
    assert sweep(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 14), 9)) == []  # still expired: the same row
    assert send(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 14), 9)) == ["taken", "taken"]
    assert len(mailoutbox) == 2


def test_consent_expired_missed_for_days_is_caught_up(running, mailoutbox):
    rows = sweep(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 13), 9))
    assert len(rows) == 2 and send(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 13), 9)) == ["sent", "sent"]


def test_consent_expired_renewed_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 12), 7))
    _renew(mail_world, running, dt.date(2026, 3, 12))
    assert send(Kind.CONSENT_EXPIRED, at(dt.date(2026, 3, 12), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == []


# --- the case open after the decision's end ----------------------------------------------------------------


def test_case_open_after_end_is_not_due_on_the_last_day(running):
    assert sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 11), 23, 59)) == []


def test_case_open_after_end_tells_the_unit_manager_once(running, mailoutbox):
    rows = sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 12), 0, 1))
    assert recipients(rows) == ["manager"] and rows[0].due_on == dt.date(2026, 3, 11)
    assert send(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 12), 7)) == ["sent"]
    assert sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 12), 8)) == []
    assert sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 20), 8)) == []
    assert send(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 20), 8)) == ["taken"]
    assert [mail.to for mail in mailoutbox] == [["manager@example.org"]]


def test_case_open_after_end_missed_is_caught_up(running, mailoutbox):
    assert recipients(sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 14), 9))) == ["manager"]


def test_case_open_after_end_for_a_case_ended_before_the_sending_is_cancelled(mail_world, running, mailoutbox):
    sweep(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 12), 7))
    _withdraw(mail_world, running, dt.date(2026, 3, 12))
    assert send(Kind.CASE_OPEN_AFTER_END, at(dt.date(2026, 3, 12), 9)) == ["cancelled"]
    assert mailoutbox == []


# --- payment responsibility (lag 2017:612) ---------------------------------------------------------------


def _waiting(world, ready_at: dt.datetime, *, team=True, **fields):
    """A referral from a hospital ward whose client is ready for discharge at `ready_at` and is not home
    yet; given to the team (the unit manager's to follow) unless `team` is false."""
    with time_machine.travel(ready_at, tick=False):
        day = ready_at.date()
        case = f.referred_case(
            world.officer,
            ready_for_discharge_at=ready_at,
            admitted_on=day - dt.timedelta(days=5),
            planned_homecoming_on=day + dt.timedelta(days=1),
            **({"source": Referral.Source.HOSPITAL} | fields),
        )
        if team:
            case = cases_services.case_assign_team(actor=world.officer, case=case, team=world.team)
        return case


@pytest.fixture
def waiting(mail_world):
    """Ready for discharge on 1 March 2026 at 10:00; with 3 free days the municipality pays from 4 March."""
    return _waiting(mail_world, at(dt.date(2026, 3, 1), 10))


def test_payment_nothing_on_the_second_day(waiting):
    moment = at(dt.date(2026, 3, 2), 23, 59)
    assert sweep(Kind.PAYMENT_TOMORROW, moment) == [] and sweep(Kind.PAYMENT_STARTED, moment) == []


def test_payment_starts_tomorrow_on_the_third_day(waiting, mailoutbox):
    moment = at(dt.date(2026, 3, 3), 0, 1)
    rows = sweep(Kind.PAYMENT_TOMORROW, moment)
    assert recipients(rows) == ["manager", "officer"] and {row.due_on for row in rows} == {dt.date(2026, 3, 4)}
    assert sweep(Kind.PAYMENT_STARTED, moment) == []
    assert send(Kind.PAYMENT_TOMORROW, moment) == ["sent", "sent"]
    assert "7 800 kr" in mailoutbox[0].body and "Testberg" not in mailoutbox[0].body
    assert sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 3), 23)) == []
    assert len(mailoutbox) == 2


def test_payment_started_on_the_fourth_day_and_later_once(waiting, mailoutbox):
    assert sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 4), 0, 1)) == []
    rows = sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 0, 1))
    assert recipients(rows) == ["manager", "officer"] and {row.due_on for row in rows} == {dt.date(2026, 3, 4)}
    assert send(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 7)) == ["sent", "sent"]
    assert sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 9), 7)) == []
    assert send(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 9), 7)) == ["taken", "taken"]
    assert len(mailoutbox) == 2


def test_payment_started_missed_is_caught_up_days_later(waiting, mailoutbox):
    rows = sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 7), 9))
    assert len(rows) == 2 and send(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 7), 9)) == ["sent", "sent"]


def test_payment_tomorrow_not_sent_before_the_day_it_started_is_cancelled(waiting, mailoutbox):
    """Stored on the third day but its sending lost until the fourth: 'tomorrow' is no longer true, and
    the 'started' reminder says what is."""
    sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 3), 9))
    assert send(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 4), 0, 1)) == ["cancelled", "cancelled"]
    assert mailoutbox == []


def test_payment_reminder_for_a_client_come_home_before_the_sending_is_cancelled(mail_world, waiting, mailoutbox):
    sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 3), 7))
    with time_machine.travel(at(dt.date(2026, 3, 3), 8), tick=False):
        f.consent(mail_world.officer, waiting)
        f.decision(mail_world.officer, waiting, mail_world.team, mail_world.types, mail_world.basis)
        cases_services.case_start(actor=mail_world.staff, case=waiting)
    assert send(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 3), 9)) == ["cancelled", "cancelled"]
    assert mailoutbox == []


def test_payment_reminder_for_a_withdrawn_referral_is_cancelled(mail_world, waiting, mailoutbox):
    sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 7))
    _withdraw(mail_world, waiting, dt.date(2026, 3, 4))
    assert send(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 9)) == ["cancelled", "cancelled"]


def test_payment_with_two_free_days(mail_world, waiting):
    mail_world.town.payment_free_days = 2
    mail_world.town.save(update_fields=["payment_free_days"])
    assert sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 1), 23)) == []
    rows = sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 2), 7))
    assert {row.due_on for row in rows} == {dt.date(2026, 3, 3)}
    assert sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 2), 23, 59)) == []
    assert {row.due_on for row in sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 3), 0, 1))} == {dt.date(2026, 3, 3)}


@pytest.mark.parametrize(
    "ready_at, first_paid_day",
    [
        # 23:30 on an ordinary day is that day.
        (at(dt.date(2026, 3, 1), 23, 30), dt.date(2026, 3, 4)),
        # 23:30 on the day summer time starts (29 March 2026, a day of 23 hours) is still that day …
        (at(dt.date(2026, 3, 29), 23, 30), dt.date(2026, 4, 1)),
        # … and 00:30 the next night is the next day, though in UTC it is 22:30 on 29 March.
        (at(dt.date(2026, 3, 30), 0, 30), dt.date(2026, 4, 2)),
        # 23:30 on the day summer time ends (25 October 2026, 25 hours).
        (at(dt.date(2026, 10, 25), 23, 30), dt.date(2026, 10, 28)),
    ],
)
def test_payment_counts_from_the_local_day_of_utskrivningsklar(mail_world, ready_at, first_paid_day):
    case = _waiting(mail_world, ready_at)
    day_before = first_paid_day - dt.timedelta(days=1)
    assert sweep(Kind.PAYMENT_TOMORROW, at(day_before - dt.timedelta(days=1), 23, 59)) == []
    assert {(row.object_id, row.due_on) for row in sweep(Kind.PAYMENT_TOMORROW, at(day_before, 0, 1))} == {
        (case.pk, first_paid_day)
    }
    assert sweep(Kind.PAYMENT_STARTED, at(day_before, 23, 59)) == []
    assert {row.due_on for row in sweep(Kind.PAYMENT_STARTED, at(first_paid_day, 0, 1))} == {first_paid_day}


# --- a sweep's cost -----------------------------------------------------------------------------------------

CASES_KINDS = [
    Kind.CONSENT_ENDING,
    Kind.CONSENT_EXPIRED,
    Kind.CASE_OPEN_AFTER_END,
    Kind.PAYMENT_TOMORROW,
    Kind.PAYMENT_STARTED,
]


def _ended_cases(world, start_case, count: int) -> None:
    """Cases that would be due for every rule were they open: withdrawn after their start (consent expired,
    decision ended), and withdrawn referrals ready for discharge long ago."""
    for _ in range(count):
        case = start_case(START)
        _withdraw(world, case, START)
        _withdraw(world, _waiting(world, at(START, 10)), START)


def _sweep_queries(moment) -> int:
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        reminders.sweep(now=moment, kinds=CASES_KINDS)
    return len(queries)


def test_a_sweep_does_not_grow_with_ended_cases(mail_world, start_case):
    """One open case due for consent expired and open after end, one waiting referral: the sweep's
    queries are the same with 2 and with 6 ended cases of each kind (and a second sweep stores nothing)."""
    start_case(START)
    _waiting(mail_world, at(START, 10))
    _ended_cases(mail_world, start_case, 2)
    moment = at(dt.date(2026, 3, 20), 7)
    first = _sweep_queries(moment)
    stored = Notification.objects.count()
    Notification.objects.all().delete()
    _ended_cases(mail_world, start_case, 4)
    assert _sweep_queries(moment) == first
    assert Notification.objects.count() == stored > 0


def test_payment_is_the_case_officers_alone_while_the_referral_has_no_team(mail_world):
    """No unit manager may open a referral without a team yet: the case officer is told."""
    _waiting(mail_world, at(dt.date(2026, 3, 1), 10), team=False)
    assert recipients(sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 8))) == ["officer"]


def test_no_payment_responsibility_for_a_client_in_a_short_term_care_home(mail_world):
    """Lag (2017:612) is about discharge from hospital (slutenvård); a short-term care home is the
    municipality's own."""
    _waiting(mail_world, at(dt.date(2026, 3, 1), 10), source=Referral.Source.SHORT_TERM)
    assert sweep(Kind.PAYMENT_TOMORROW, at(dt.date(2026, 3, 3), 8)) == []
    assert sweep(Kind.PAYMENT_STARTED, at(dt.date(2026, 3, 4), 8)) == []
