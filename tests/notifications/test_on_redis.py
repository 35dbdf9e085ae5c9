"""Through the real Redis broker to a real Celery worker: the sending is on the queue only once the change
has committed, and a task delivered three times sends one e-mail."""

import time

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.tasks import send_notification

from .. import factories as f


class Rollback(Exception):
    pass


def _notify(manager):
    return services.notify(
        kind="new_message",
        key="message:1",
        recipients=[manager],
        subject="Hemgång: nytt meddelande",
        body="Ett meddelande väntar på dig i Hemgång.",
        url_name="home",
        municipality_id=manager.municipality_id,
    )


@pytest.fixture
def manager(db):
    town = f.MunicipalityFactory()
    team = f.TeamFactory(municipality=town)
    return f.UserFactory(municipality=town, role="unit_manager", team=team, email="chef@example.org")


@pytest.fixture
def finished():
    """How many send_notification tasks the worker has finished."""
    done = []

    def count(sender=None, **kwargs):
        if getattr(sender, "name", None) == send_notification.name:
            done.append(kwargs.get("retval"))

    signals.task_postrun.connect(count, weak=False)
    yield done
    signals.task_postrun.disconnect(count)


def _wait_for(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_the_task_is_on_the_queue_only_after_the_commit(celery_on_redis, manager, finished):
    queue = celery_on_redis.conf.task_default_queue
    with celery_on_redis.connection_for_write() as conn:
        redis = conn.default_channel.client
        with pytest.raises(Rollback), transaction.atomic():
            _notify(manager)
            raise Rollback
        assert redis.llen(queue) == 0 and not Notification.objects.exists()
        with transaction.atomic():
            (pk,) = _notify(manager)
            assert redis.llen(queue) == 0
        assert redis.llen(queue) == 1
    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _wait_for(lambda: finished)
    assert finished == ["sent"] and [m.to for m in mail.outbox] == [["chef@example.org"]]
    assert Notification.objects.get(pk=pk).status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_three_times_sends_one_email(celery_on_redis, manager, finished):
    with transaction.atomic():
        (pk,) = _notify(manager)
    send_notification.delay(pk)  # a retry after a lost acknowledgement, a second worker …
    send_notification.delay(pk)
    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _wait_for(lambda: len(finished) == 3)
    assert sorted(finished) == ["sent", "taken", "taken"]
    assert len(mail.outbox) == 1
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts) == ("sent", 1)
