"""Celery tasks of the project itself: take ids, call a service, nothing else (STYLE.md habit 7)."""

from celery import shared_task

from .idempotency import idempotency_keys_purge
from .submissions import submission_keys_purge


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def purge_submission_keys() -> int:
    """Daily on beat: forget the submission keys older than a day (a form is saved once within it), and the
    API's idempotency keys (a retry comes within minutes, not days)."""
    return submission_keys_purge() + idempotency_keys_purge()
