"""A real Celery worker and beat, as subprocesses on the local Redis and the test database, sending through
an SMTP server in the test (issue 10, "No loss, no doubles" and the faults): sweeps every second and a task
delivered again give one e-mail per due reminder and recipient; an SMTP server that refuses is retried
with backoff; a worker killed mid-send loses nothing; a case ended between sweep and send gets no mail."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from notifications import reminders, services
from notifications.models import Notification
from notifications.tasks import send_notification

from .. import factories as f
from .celery_processes import CeleryProcesses, forget_queue, wait_for
from .smtp_server import ACCEPT, HANG, REFUSE, SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)

FINAL = ("sent", "no_email", "cancelled", "failed")


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def start(celery_on_redis, transactional_db, smtp, tmp_path):
    """`start(lease_seconds=…)` gives the worker and beat processes; they are ended after the test, before
    its database is emptied."""
    started = []

    def _start(**kwargs):
        processes = CeleryProcesses(
            broker_url=celery_on_redis.conf.broker_url,
            queue=celery_on_redis.conf.task_default_queue,
            smtp_port=smtp.port,
            tmp_path=tmp_path,
            **kwargs,
        )
        started.append(processes)
        return processes

    try:
        yield _start
    finally:
        for processes in started:
            processes.stop()
        forget_queue(celery_on_redis, celery_on_redis.conf.task_default_queue)


def _consent_ending_tomorrow(world):
    """A decided case whose consent (10 days) was given 8 days ago: its last day is tomorrow."""
    case = f.referred_case(world.officer)
    f.consent(world.officer, case, given_on=timezone.localdate() - dt.timedelta(days=8))
    f.decision(world.officer, case, world.team, world.types, world.basis)
    return case


def _rows(**filters):
    return list(Notification.objects.filter(**filters).select_related("recipient").order_by("pk"))


def test_sweeps_every_second_and_a_task_delivered_again_send_one_email_per_reminder_and_person(world, start, smtp):
    world.officer.email = "handlaggare@example.org"
    world.officer.save()
    world.staff.email = ""  # the team's nurse has no address: the reminder is hers in the app only
    world.staff.save()
    case = _consent_ending_tomorrow(world)
    ended = _consent_ending_tomorrow(world)
    # A sweep stores the second case's reminders and queues their sending; the case ends before any
    # worker runs: its reminders are not sent.
    assert reminders.sweep(kinds=["consent_ending"])["consent_ending"] == 4
    case_services.case_withdraw(actor=world.officer, case=ended, reason="Klienten flyttar till annan kommun.")

    processes = start()
    processes.worker()
    processes.beat()
    rules = len(reminders.rules())  # each sweep runs one task per rule
    wait_for(lambda: processes.finished("run_reminder_rule") >= 3 * rules, seconds=60, what="three reminder sweeps")
    wait_for(
        lambda: not Notification.objects.exclude(status__in=FINAL).exists(),
        what="every notification sent or settled",
    )
    sent = _rows(status="sent")
    already = processes.finished("send_notification", "'taken'")
    for row in sent:  # a retried task, a message delivered twice …
        send_notification.delay(row.pk)
    wait_for(
        lambda: processes.finished("send_notification", "'taken'") >= already + len(sent),
        what="the repeated tasks",
    )

    mails = Counter((message.to, message.subject) for message in smtp.messages)
    assert set(mails.values()) == {1}, "an e-mail was sent twice"
    assert mails == Counter(((row.recipient.email,), row.subject) for row in sent)
    (reminder,) = [row for row in sent if row.kind == "consent_ending"]
    assert (reminder.recipient, reminder.case, reminder.attempts) == (world.officer, case, 1)
    assert reminder.due_on == timezone.localdate() + dt.timedelta(days=1)
    (mail,) = [m for m in smtp.messages if m.subject == reminder.subject]
    assert case.reference in mail.subject and f"https://hemgang.example.se/cases/{case.pk}/" in mail.body
    assert case.client.last_name not in mail.subject + mail.body
    (no_email,) = _rows(kind="consent_ending", case=case, recipient=world.staff)
    assert (no_email.status, no_email.read_at) == ("no_email", None)
    assert {row.status for row in _rows(case=ended)} == {"cancelled"}


def _notify_one(user):
    with transaction.atomic():  # its sending is queued when this commits
        (pk,) = services.notify(
            kind="new_message",
            key="message:1",
            recipients=[user],
            subject="Hemgång: nytt meddelande",
            body="Ett meddelande väntar på dig i Hemgång.",
            url_name="home",
            municipality_id=user.municipality_id,
        )
    return pk


@pytest.fixture
def manager(transactional_db):
    town = f.MunicipalityFactory()
    team = f.TeamFactory(municipality=town)
    return f.UserFactory(municipality=town, role="unit_manager", team=team, email="chef@example.org")


def test_an_smtp_server_that_refuses_is_retried_with_backoff_and_sends_once(manager, start, smtp):
    smtp.plan = [REFUSE, REFUSE]
    pk = _notify_one(manager)
    processes = start()
    processes.worker()
    processes.beat()  # the sending sweep every second must not cut the backoff short
    seen = set()

    def sent():
        row = Notification.objects.get(pk=pk)
        seen.add((row.status, row.attempts, row.last_error))
        return row.status == "sent"

    wait_for(sent, seconds=60, what="the sending after two refusals")
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts, len(smtp.messages)) == ("sent", 3, 1)
    refusal = "SMTPConnectError: (421, b'4.3.2 Service not available, closing transmission channel')"
    assert {("pending", 1, refusal), ("pending", 2, refusal)} <= seen  # each failure, visible while it waited
    (first, _), (second, _), (third, _) = smtp.connections
    assert [behaviour for _, behaviour in smtp.connections] == [REFUSE, REFUSE, ACCEPT]
    # The waits of NOTIFICATION_RETRY_BASE_SECONDS=1: one second, then two (a loaded machine only adds).
    assert second - first >= 0.9 and third - second >= 1.9


def test_a_worker_killed_mid_send_loses_nothing_and_the_next_sends_once(manager, start, smtp):
    smtp.plan = [HANG]
    pk = _notify_one(manager)
    processes = start(lease_seconds=3)
    processes.worker("first")
    wait_for(smtp.hung.is_set, what="the worker in the middle of its SMTP conversation")
    assert Notification.objects.get(pk=pk).status == "sending"
    processes.kill("first")
    assert smtp.messages == []

    processes.worker("second")
    processes.beat()  # its sending sweep finds the claim older than the lease and queues it again
    wait_for(lambda: Notification.objects.get(pk=pk).status == "sent", seconds=60, what="the second sending")
    row = Notification.objects.get(pk=pk)
    assert (row.attempts, [m.to for m in smtp.messages]) == (2, [("chef@example.org",)])
    # The sweep goes on queueing nothing: the one e-mail stays one.
    sweeps = processes.finished("send_waiting_notifications")
    wait_for(lambda: processes.finished("send_waiting_notifications") >= sweeps + 2, what="two more sweeps")
    assert len(smtp.messages) == 1
