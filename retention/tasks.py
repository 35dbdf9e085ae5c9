"""Celery task of the retention: call the service, nothing else (STYLE.md habit 7)."""

from celery import shared_task

from . import services


# Daily on beat. Run twice, or by two workers at once, it clears each record once: the run's advisory
# lock keeps the second out, and a cleared person is never due again.
@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def run_retention() -> int:
    return len(services.retention_run().persons)
