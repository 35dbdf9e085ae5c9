"""Celery tasks of the notifications: take ids, call a service, nothing else (STYLE.md habit 7)."""

from celery import shared_task

from . import reminders, services


# acks_late: a worker that dies mid-task leaves the message to the broker, and the claim in the row keeps
# the second delivery from sending again. The row counts the attempts, so Celery's own limit is off.
# The time limits stay well inside the claim's lease, so a hung sending is stopped before its row could be
# claimed again (and the mail framework's EMAIL_TIMEOUT ends a hung SMTP conversation sooner still).
@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=120, time_limit=180)
def send_notification(self, notification_id: int) -> str:
    """Send one stored notification; an SMTP failure is tried again later, with a growing delay."""
    outcome = services.notification_send(notification_id)
    if outcome == services.RETRY:
        raise self.retry(countdown=services.retry_countdown(notification_id))
    return outcome


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def send_waiting_notifications() -> int:
    """The sweep (Celery beat, every minute): queue a sending for every notification still waiting — its
    task lost while the broker was down, or its worker dead mid-send. Queueing one twice is harmless: the
    sending claims the row first."""
    waiting = services.due_for_sending()
    for pk in waiting:
        send_notification.delay(pk)
    return len(waiting)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def run_reminders() -> list[str]:
    """The reminder sweep (Celery beat, every REMINDER_SWEEP_SECONDS): one task per rule, so that a slow
    rule's time limit never silences the rules after it. Run twice, or by two beat processes, it stores
    and sends each reminder once."""
    kinds = [rule.kind for rule in reminders.rules()]
    for kind in kinds:
        run_reminder_rule.delay(kind)
    return kinds


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def run_reminder_rule(kind: str) -> int:
    """One rule's part of the sweep: store what it finds due and queue its sending."""
    return reminders.sweep(kinds=[kind]).get(kind, 0)
