"""Between the sweep that stored a reminder and its sending (issue 10, "Faults"): a case closed meanwhile
gets no mail, its reminders `cancelled`; a recipient without an e-mail address keeps the reminder in the
app, `no_email`. (The same through a real worker: test_worker_and_beat.py.)"""

import datetime as dt

import time_machine
from django.utils import timezone

from cases.models import CaseState
from notifications import reminders, services
from notifications.models import Notification

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)
# Consent given on MONDAY (10 days) lasts through MONDAY + 9: on MONDAY + 8 it ends tomorrow.
EVE = MONDAY + dt.timedelta(days=8)


def _at(day, hour=10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def _consent_ending_reminders(world, start_case):
    world.officer.email = "handlaggare@example.org"
    world.officer.save()
    case = start_case(MONDAY)
    with _at(EVE):
        assert reminders.sweep(kinds=["consent_ending"])["consent_ending"] == 2  # the officer and the team
    rows = Notification.objects.filter(kind="consent_ending", case=case).select_related("recipient")
    assert {row.status for row in rows} == {"pending"}
    return case, rows


def test_a_reminder_stored_before_the_case_closed_is_cancelled_and_not_sent(world, start_case, mailoutbox):
    case, rows = _consent_ending_reminders(world, start_case)
    with _at(EVE, 11):
        f.hand_over(world.staff, case)
        f.close(world.staff, case)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    mailoutbox.clear()  # the handover's own messages
    with _at(EVE, 12):
        assert [services.notification_send(row.pk) for row in rows] == [services.CANCELLED] * 2
    assert mailoutbox == []
    assert {row.status for row in rows.all()} == {"cancelled"}


def test_the_same_reminder_goes_out_while_the_case_is_open(world, start_case, mailoutbox):
    """The other side of the test above: without the close, the officer's reminder is sent."""
    _, rows = _consent_ending_reminders(world, start_case)
    with _at(EVE, 12):
        outcomes = {row.recipient: services.notification_send(row.pk) for row in rows}
    assert outcomes == {world.officer: services.SENT, world.staff: services.NO_EMAIL}
    assert [m.to for m in mailoutbox] == [["handlaggare@example.org"]]


def test_a_recipient_without_an_email_address_keeps_the_reminder_in_the_app(world, start_case, mailoutbox):
    _, rows = _consent_ending_reminders(world, start_case)
    staff_row = rows.get(recipient=world.staff)
    assert world.staff.email == ""
    with _at(EVE, 12):
        assert services.notification_send(staff_row.pk) == services.NO_EMAIL
        assert services.due_for_sending() == [rows.get(recipient=world.officer).pk]  # not tried again
    staff_row.refresh_from_db()
    assert (staff_row.status, staff_row.read_at, staff_row.sent_at) == ("no_email", None, None)
    assert Notification.objects.filter(recipient=world.staff, read_at__isnull=True).exclude(status="cancelled").get()
    assert mailoutbox == []
