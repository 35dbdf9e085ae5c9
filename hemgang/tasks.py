"""Celery tasks of the project itself: take ids, call a service, nothing else (STYLE.md habit 7)."""

from celery import shared_task

from .submissions import submission_keys_purge


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def purge_submission_keys() -> int:
    """Daily on beat: forget the submission keys older than a day (a form is saved once within it)."""
    return submission_keys_purge()
