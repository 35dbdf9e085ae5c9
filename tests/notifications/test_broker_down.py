"""Redis stopped (issue 10, "Faults"): the pages that notify answer at once and save their change, the
notifications wait in their rows, the reminder sweep completes; once Redis is back, a worker and the
sweeps that beat runs deliver each once. A Redis that takes the connection and never answers costs a page
one short timeout, and the pages after it none."""

import datetime as dt
import socket
import threading
import time
from collections import Counter

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from handover.models import Message
from notifications import reminders, services
from notifications.models import Notification
from notifications.tasks import run_reminders, send_waiting_notifications

from .. import factories as f
from ..conftest import _drop_broker_pools
from .celery_processes import forget_queue, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"
FINAL = ("sent", "no_email", "cancelled", "failed")


class Broker:
    """The app's broker: `down(url)` points it at a dead Redis, `back()` at the real one again."""

    def __init__(self, app):
        self.app = app
        self.real = app.conf.broker_url

    def _use(self, url):
        _drop_broker_pools(self.app)
        self.app.conf.broker_url = url
        services._Broker.down_until = 0.0

    def down(self, url=CLOSED_PORT):
        self._use(url)

    def back(self):
        self._use(self.real)  # as the process would after BROKER_PAUSE_SECONDS


@pytest.fixture
def broker(celery_on_redis):
    broker = Broker(celery_on_redis)
    try:
        yield broker
    finally:
        broker.back()
        forget_queue(celery_on_redis, celery_on_redis.conf.task_default_queue)
        services._Broker.down_until = 0.0


@pytest.fixture
def finished():
    """The names of the tasks the in-process worker has finished."""
    done = []

    def count(sender=None, **kwargs):
        done.append(sender.name)

    signals.task_postrun.connect(count, weak=False)
    yield done
    signals.task_postrun.disconnect(count)


@pytest.fixture
def case(world, start_case):
    for user in (world.officer, world.staff, world.manager, world.coordinator):
        user.email = f"{user.username}@example.org"
        user.save()
    return start_case(timezone.localdate())


def _timed(call):
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began


def _send_start_notice(http, case):
    start = Message.objects.get(case=case, kind="start_notice")
    form = {
        "subject": start.subject,
        "body": start.body,
        "recipients": [d.recipient_id for d in start.deliveries.all()],
        "action": "send",
    }
    return http.post(reverse("message_edit", args=[start.pk]), form)


def test_with_redis_down_the_pages_answer_and_after_it_each_notification_arrives_once(
    world, case, login, broker, finished, caplog
):
    consent_ending = f.referred_case(world.officer)
    f.consent(world.officer, consent_ending, given_on=timezone.localdate() - dt.timedelta(days=8))
    broker.down()

    # The team sends the start notice to hemtjänst; hemtjänst writes its summary to the team.
    response, took = _timed(lambda: _send_start_notice(login(world.staff), case))
    assert response.status_code == 302 and took < 5
    summary = reverse("summary_to_team", args=[case.pk])
    response, took = _timed(lambda: login(world.coordinator).post(summary, {"subject": "", "body": "Lugn dag."}))
    assert response.status_code == 302 and took < 5
    assert Message.objects.filter(case=case, sent_at__isnull=False).count() == 2
    assert "The broker did not take a sending" in caplog.text
    # The reminder sweep, run by hand while Redis is down, completes.
    stored, took = _timed(reminders.sweep)
    assert stored["consent_ending"] == 1 and took < 10
    rows = list(Notification.objects.select_related("recipient"))
    assert {row.kind for row in rows} == {"new_message", "consent_ending"}
    assert {row.status for row in rows} == {"pending"} and mail.outbox == []

    broker.back()
    with start_worker(broker.app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for _ in range(2):  # what beat runs: the reminder sweep and the sending sweep, twice
            run_reminders.delay()
            send_waiting_notifications.delay()
        wait_for(
            lambda: finished.count(run_reminders.name) == 2 and finished.count(send_waiting_notifications.name) == 2,
            what="the sweeps",
        )
        wait_for(lambda: not Notification.objects.exclude(status__in=FINAL).exists(), what="every sending")
    sent = list(Notification.objects.filter(status="sent").select_related("recipient"))
    assert len(sent) == len(rows)
    mails = Counter((tuple(message.to), message.subject) for message in mail.outbox)
    assert mails == Counter(((row.recipient.email,), row.subject) for row in sent) and set(mails.values()) == {1}


@pytest.fixture
def silent_redis():
    """A 'Redis' that accepts every connection and never says a word: a hung server, or a network that
    lost it. Counts the connections."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []

    def accept():
        while True:
            try:
                connections.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0", connections
    listener.close()
    for connection in connections:
        connection.close()


def test_a_hung_redis_costs_a_page_one_short_timeout_and_the_next_pages_nothing(
    world, case, login, broker, silent_redis
):
    url, connections = silent_redis
    broker.down(url)
    response, took = _timed(lambda: _send_start_notice(login(world.staff), case))
    # Without the broker's timeouts this page waited as long as the connection lived (minutes).
    assert response.status_code == 302 and took < 4 * settings.BROKER_TIMEOUT_SECONDS
    tried = len(connections)
    assert tried >= 1
    summary = reverse("summary_to_team", args=[case.pk])
    assert login(world.coordinator).post(summary, {"subject": "", "body": "Lugn dag."}).status_code == 302
    assert len(connections) == tried  # within BROKER_PAUSE_SECONDS no page tries the broker again
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
