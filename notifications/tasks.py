"""Celery tasks of the notifications: take ids, call a service, nothing else (STYLE.md habit 7)."""

from celery import shared_task

from . import services


# acks_late: a worker that dies mid-task leaves the message to the broker, and the claim in the row keeps
# the second delivery from sending again. The row counts the attempts, so Celery's own limit is off.
@shared_task(bind=True, acks_late=True, max_retries=None)
def send_notification(self, notification_id: int) -> str:
    """Send one stored notification; an SMTP failure is tried again later, with a growing delay."""
    outcome = services.notification_send(notification_id)
    if outcome == services.RETRY:
        raise self.retry(countdown=services.retry_delay(self.request.retries + 1))
    return outcome
