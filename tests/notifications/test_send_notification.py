"""send_notification: claimed before it is sent, so a retried or duplicated task sends one e-mail; an SMTP
failure leaves the row waiting with its error, and a later run sends it once."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.tasks import send_notification

from .mail_backends import RefusingOnceBackend

REFUSING = "tests.notifications.mail_backends.RefusingBackend"
REFUSING_ONCE = "tests.notifications.mail_backends.RefusingOnceBackend"


def test_a_task_run_twice_sends_one_email(world, notify_manager, mailoutbox):
    (pk,) = notify_manager()
    assert send_notification.delay(pk).get() == "sent"
    assert send_notification.delay(pk).get() == "taken"
    assert len(mailoutbox) == 1
    row = Notification.objects.get(pk=pk)
    assert row.status == "sent" and row.sent_at and row.attempts == 1


def test_the_email_carries_the_stored_text_and_an_absolute_link(world, notify_manager, mailoutbox, settings):
    settings.SITE_URL = "https://hemgang.example.se"
    (pk,) = notify_manager()
    services.notification_send(pk)
    (mail,) = mailoutbox
    assert mail.to == ["chef@example.org"] and mail.subject == "Hemgång: något nytt"
    assert mail.body == "Något väntar på dig i Hemgång.\n\nhttps://hemgang.example.se/cases/41/"


def test_a_notification_another_sending_has_claimed_is_not_sent(world, notify_manager, mailoutbox):
    (pk,) = notify_manager()
    Notification.objects.filter(pk=pk).update(status="sending", attempts=1, claimed_at=timezone.now())
    assert send_notification.delay(pk).get() == "taken"
    assert mailoutbox == [] and Notification.objects.get(pk=pk).status == "sending"


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_lease(world, notify_manager, mailoutbox):
    (pk,) = notify_manager()
    claimed = timezone.now()
    Notification.objects.filter(pk=pk).update(status="sending", attempts=1, claimed_at=claimed)
    with time_machine.travel(claimed + services.CLAIM_LEASE - dt.timedelta(seconds=1)):
        assert services.due_for_sending() == []
        assert services.notification_send(pk) == services.TAKEN
    with time_machine.travel(claimed + services.CLAIM_LEASE + dt.timedelta(seconds=1)):
        assert services.due_for_sending() == [pk]
        assert services.notification_send(pk) == services.SENT
    assert len(mailoutbox) == 1 and Notification.objects.get(pk=pk).attempts == 2


def test_an_smtp_failure_leaves_it_pending_with_the_error_and_a_later_run_sends_it_once(
    world, notify_manager, mailoutbox, settings
):
    (pk,) = notify_manager()
    settings.EMAIL_BACKEND = REFUSING
    assert services.notification_send(pk) == services.RETRY
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_send(pk) == services.TAKEN  # its retry is not due yet
    with time_machine.travel(row.claimed_at + dt.timedelta(seconds=services.retry_delay(1) + 1)):
        assert services.notification_send(pk) == services.SENT
        assert services.notification_send(pk) == services.TAKEN
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_a_retry_that_comes_before_its_backoff_sends_nothing_and_the_sweep_sends_it_later(
    world, notify_manager, mailoutbox, settings
):
    """Applied in-process (as without Redis), Celery runs the retry at once instead of after its countdown:
    the row's backoff is not over, so the retry leaves it waiting, and the sending sweep sends it once its
    wait is over. (With a worker the retry comes after its countdown: tests/notifications/
    test_worker_and_beat.py.)"""
    from notifications.tasks import send_waiting_notifications

    (pk,) = notify_manager()
    settings.EMAIL_BACKEND = REFUSING_ONCE
    RefusingOnceBackend.refused = 0
    assert send_notification.apply(args=[pk], throw=False).get() == "taken"
    row = Notification.objects.get(pk=pk)
    assert RefusingOnceBackend.refused == 1 and mailoutbox == []
    assert (row.status, row.attempts) == ("pending", 1) and row.last_error.startswith("ConnectionRefusedError")
    assert send_waiting_notifications.delay().get() == 0
    with time_machine.travel(row.claimed_at + dt.timedelta(seconds=services.retry_delay(1) + 1)):
        assert send_waiting_notifications.delay().get() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mailoutbox)) == ("sent", 2, 1)


def test_after_the_last_attempt_it_is_marked_failed_and_no_longer_sent(world, notify_manager, settings):
    (pk,) = notify_manager()
    settings.EMAIL_BACKEND = REFUSING
    outcomes, moment = [], timezone.now()
    for _ in range(services.MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            outcomes.append(services.notification_send(pk))
        moment += dt.timedelta(seconds=services.retry_delay(services.MAX_ATTEMPTS) + 1)  # past every backoff
    assert outcomes == [services.RETRY] * (services.MAX_ATTEMPTS - 1) + [services.FAILED, services.TAKEN]
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS) and row.last_error
    with time_machine.travel(moment):
        assert services.due_for_sending() == []


def test_the_retries_wait_longer_each_time():
    assert [services.retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_person_without_an_email_address_is_notified_in_the_app_only(world, notify_manager, mailoutbox):
    world.staff.email = ""
    world.staff.save()
    (pk,) = notify_manager(recipients=[world.staff])
    assert services.notification_send(pk) == services.NO_EMAIL
    assert services.notification_send(pk) == services.TAKEN
    row = Notification.objects.get(pk=pk)
    assert mailoutbox == [] and row.status == "no_email" and row.read_at is None


def test_a_person_no_longer_active_gets_no_email(world, notify_manager, mailoutbox):
    (pk,) = notify_manager()
    world.manager.is_active = False
    world.manager.save()
    assert services.notification_send(pk) == services.NO_EMAIL
    assert mailoutbox == []


def test_the_command_sends_what_waits_once(world, notify_manager, mailoutbox, capsys):
    """A row whose task was lost (the broker down at the commit) is sent by hand, and only once."""
    notify_manager(key="a:1")
    notify_manager(key="b:2")
    call_command("send_notifications")
    assert len(mailoutbox) == 2 and "2 sent" in capsys.readouterr().out
    call_command("send_notifications")
    assert len(mailoutbox) == 2 and "nothing waiting" in capsys.readouterr().out


def test_an_error_that_is_not_smtps_leaves_it_pending_not_stuck_sending(world, notify_manager, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.BrokenBackend"
    (pk,) = notify_manager()
    assert services.notification_send(pk) == "retry"
    row = Notification.objects.get(pk=pk)
    assert row.status == "pending" and row.last_error.startswith("ValueError")


def test_the_beat_sweep_sends_what_a_lost_task_left_waiting_once(world, notify_manager, mailoutbox, settings):
    from notifications.tasks import send_waiting_notifications

    (pk,) = notify_manager()  # its task never ran
    assert "notifications.tasks.send_waiting_notifications" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert send_waiting_notifications.delay().get() == 1
    assert send_waiting_notifications.delay().get() == 0  # the second sweep finds nothing waiting
    assert len(mailoutbox) == 1 and Notification.objects.get(pk=pk).status == "sent"


def test_the_sending_sweep_waits_out_the_backoff_of_a_failed_sending(world, notify_manager, settings):
    """The sweep runs every minute; were a failed row due at once, it would be retried every minute."""
    (pk,) = notify_manager()
    settings.EMAIL_BACKEND = REFUSING
    failed_at = timezone.now()
    with time_machine.travel(failed_at, tick=False):
        assert services.notification_send(pk) == services.RETRY
        assert services.due_for_sending() == []
    with time_machine.travel(failed_at + dt.timedelta(seconds=services.retry_delay(1) - 1), tick=False):
        assert services.due_for_sending() == []
    with time_machine.travel(failed_at + dt.timedelta(seconds=services.retry_delay(1) + 1), tick=False):
        assert services.due_for_sending() == [pk]
        assert services.notification_send(pk) == services.RETRY  # the second failure waits twice as long
    second = failed_at + dt.timedelta(seconds=services.retry_delay(1) + 1)
    with time_machine.travel(second + dt.timedelta(seconds=services.retry_delay(2) - 1), tick=False):
        assert services.due_for_sending() == []
    with time_machine.travel(second + dt.timedelta(seconds=services.retry_delay(2) + 1), tick=False):
        assert services.due_for_sending() == [pk]


def test_the_backoff_is_a_setting(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 1
    assert [services.retry_delay(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


def _reminder(world, due_on):
    with transaction.atomic():
        return services.notify(
            kind="consent_ending",
            key=f"consent_ending:41:{due_on}",
            recipients=[world.manager],
            subject="Hemgång: samtycket går ut",
            body="Förnya samtycket i tid.",
            url_name="home",
            municipality_id=world.town.pk,
            object_id=41,
            due_on=due_on,
        )


def test_a_cancelled_reminder_whose_cause_is_back_waits_to_be_sent_again(world):
    """Cancelled because its cause was gone (never sent), found due again by a sweep (the cause is back):
    it waits again, with its attempts reset; a reminder already sent is never put back."""
    due = timezone.localdate()
    (pk,) = _reminder(world, due)
    Notification.objects.filter(pk=pk).update(status="cancelled", attempts=1, claimed_at=timezone.now())
    assert _reminder(world, due) == [pk]
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 0, None)
    Notification.objects.filter(pk=pk).update(status="sent", sent_at=timezone.now())
    assert _reminder(world, due) == [] and Notification.objects.get(pk=pk).status == "sent"


def test_a_row_whose_worker_died_on_every_attempt_is_marked_failed(world, notify_manager):
    (pk,) = notify_manager()
    long_ago = timezone.now() - services.CLAIM_LEASE - dt.timedelta(minutes=1)
    Notification.objects.filter(pk=pk).update(status="sending", attempts=services.MAX_ATTEMPTS, claimed_at=long_ago)
    assert services.notification_send(pk) == services.TAKEN  # no tries left
    assert services.due_for_sending() == []
    row = Notification.objects.get(pk=pk)
    assert row.status == "failed" and "worker stopped" in row.last_error
