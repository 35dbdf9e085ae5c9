"""Storing notifications and sending them once.

`notify` stores one row per recipient inside the caller's transaction and queues the sending only after
the commit; `notification_send` claims a row atomically, sends it through Django's mail framework and
records the outcome. A rolled-back change leaves no row and queues nothing; a task run twice finds the
row claimed or sent and sends nothing; an SMTP failure leaves the row waiting, with its error, for the
retry.
"""

import datetime as dt
import logging
import time
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from kombu.exceptions import OperationalError as BrokerError

from cases.models import Case, CaseEvent, Role, Team, User
from cases.services import team_load
from hemgang.links import absolute_url

from .models import EmailPreference, Notification

Status = Notification.Status

# After this many failed sendings a notification is marked failed and no longer retried.
MAX_ATTEMPTS = 5
# A claim this old belongs to a sending that died (a killed worker): the row may be claimed again. Longer
# than any SMTP conversation, so a slow sending is never doubled. A setting (10 minutes), so that a test can
# kill a worker mid-send and see the next one take over within seconds.
CLAIM_LEASE = dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)

# What notification_send did.
SENT, NO_EMAIL, RETRY, FAILED, TAKEN, CANCELLED = "sent", "no_email", "retry", "failed", "taken", "cancelled"

# After a sending could not be queued (the broker down), the process does not try again for this long: each
# try would cost the broker's timeout again, and the rows wait for the sending sweep anyway.
BROKER_PAUSE_SECONDS = 30

logger = logging.getLogger(__name__)


def notify(
    *,
    kind: str,
    key: str,
    recipients,
    subject: str,
    body: str,
    url_name: str,
    url_args=(),
    case: Case | None = None,
    municipality_id: int | None = None,
    object_id: int | None = None,
    due_on: dt.date | None = None,
) -> list[int]:
    """Store a notification for each of `recipients` (users), keyed `<key>:user:<id>`, and queue their
    sending for after the commit of the caller's transaction.

    A key already stored is left as it is (INSERT … ON CONFLICT DO NOTHING), so notifying twice about the
    same thing stores one row per person. `subject` and `body` go out by e-mail: a case reference and the
    kind of thing only, never client data. Returns the ids of the rows waiting to be sent."""
    municipality_id = municipality_id or case.municipality_id
    rows = [
        Notification(
            recipient=user,
            municipality_id=municipality_id,
            kind=kind,
            key=f"{key}:user:{user.pk}",
            case=case,
            url_name=url_name,
            url_args=list(url_args),
            subject=subject,
            body=body,
            object_id=object_id,
            due_on=due_on,
        )
        for user in {user.pk: user for user in recipients}.values()
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if due_on is not None:
        # A reminder cancelled because its cause was gone, whose cause is back (a renewal withdrawn, a
        # meeting moved away and back): it was never sent, so it may wait to be sent again.
        Notification.objects.filter(key__in=[row.key for row in rows], status=Status.CANCELLED).update(
            status=Status.PENDING, attempts=0, claimed_at=None, next_attempt_at=None
        )
    # The rows of this call and any of an earlier call still waiting: queueing one twice is harmless, the
    # sending claims it first.
    waiting = list(
        Notification.objects.filter(_waiting(timezone.now()), key__in=[row.key for row in rows]).values_list(
            "pk", flat=True
        )
    )
    # robust: whatever goes wrong queueing after the commit must not turn a saved change into an error page.
    transaction.on_commit(partial(queue_sendings, waiting), robust=True)
    return waiting


class _Broker:
    # monotonic time until which no publish is tried (see BROKER_PAUSE_SECONDS); one per process
    down_until = 0.0


def queue_sendings(notification_ids) -> int:
    """Queue a sending task for each of `notification_ids`; returns how many were queued.

    A broker that is down (refusing, or hanging until BROKER_TIMEOUT_SECONDS) costs one timeout: the first
    failed publish stops this call, and the process tries no publish for BROKER_PAUSE_SECONDS after it.
    Nothing is lost: the rows wait, `pending`, for the sending sweep (beat, `manage.py run_reminders`,
    `manage.py send_notifications`)."""
    if time.monotonic() < _Broker.down_until:
        return 0
    from .tasks import send_notification

    queued = 0
    for pk in notification_ids:
        try:
            send_notification.delay(pk)
        except BrokerError as error:  # kombu's wrapping of the transport's connection errors and timeouts
            _Broker.down_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "The broker did not take a sending (%s); %d notification(s) wait for the sending sweep",
                error,
                len(notification_ids) - queued,
            )
            return queued
        queued += 1
    return queued


def notification_send(notification_id: int) -> str:
    """Send one notification by e-mail, at most once:

    1. claim it: `UPDATE … SET status='sending', attempts=attempts+1 WHERE id=… AND status='pending'` (and,
       after a failure, its backoff over), or a claim older than CLAIM_LEASE, left by a worker that died;
       no row updated means another sending has it, it is done or its retry is not due yet, and nothing
       is sent;
    2. a reminder whose cause is gone (the rule no longer finds it due) is `cancelled`: not sent, not shown;
    3. a recipient without an e-mail address, no longer active, or who chose no e-mail for the kind, is
       notified in the app only (`no_email`);
    4. send through Django's mail framework, the text and an absolute link to the page;
    5. record `sent`; on an SMTP or network error record the error and put it back to `pending` with its
       next attempt after a growing delay (`next_attempt_at`, which every sweep and task respects), or
       `failed` after MAX_ATTEMPTS.
    Called outside a transaction, as the task is, each step commits on its own: a claim must be visible to
    every other worker before anything is sent."""
    now = timezone.now()
    mine = Notification.objects.filter(pk=notification_id, claimed_at=now)
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(_sendable(now))
        .update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return TAKEN
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    from .reminders import cause_gone  # reminders stores through notify(): imported here, not at the top

    user = notification.recipient
    try:
        if cause_gone(notification, now):
            mine.update(status=Status.CANCELLED)
            return CANCELLED
        if not (user.is_active and user.email and wants_email(user, notification.kind)):
            mine.update(status=Status.NO_EMAIL)
            return NO_EMAIL
        link = absolute_url(notification.url_name, *notification.url_args)
        EmailMessage(notification.subject, f"{notification.body}\n\n{link}", None, [user.email]).send()
    except Exception as error:  # SMTP refusals and timeouts (OSError), and anything else: never left 'sending'
        status = Status.FAILED if notification.attempts >= MAX_ATTEMPTS else Status.PENDING
        mine.update(
            status=status,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            next_attempt_at=now + dt.timedelta(seconds=retry_delay(notification.attempts)),
        )
        return FAILED if status == Status.FAILED else RETRY
    mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return SENT


def wants_email(user, kind: str) -> bool:
    """Has the person kept e-mail on for this kind (no row: yes)?"""
    return not EmailPreference.objects.filter(user=user, kind=kind, send_email=False).exists()


def email_preferences_set(*, user, choices: dict[str, bool]) -> None:
    """Store a person's e-mail choice for each kind in `choices` (kind → by e-mail or not), with history."""
    with transaction.atomic():
        for kind, send_email in choices.items():
            preference = EmailPreference.objects.filter(user=user, kind=kind).first()
            if preference is None:
                preference = EmailPreference(user=user, kind=kind)
            elif preference.send_email == send_email:
                continue
            preference.send_email = send_email
            preference.save()


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the person's own notifications read (those of `notification_ids`, or every unread one)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 1, 2, 4, 8 minutes (with the default
    NOTIFICATION_RETRY_BASE_SECONDS of 60)."""
    return settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def _waiting(now: dt.datetime) -> Q:
    """Pending, and not waiting out a retry's backoff."""
    return Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _sendable(now: dt.datetime) -> Q:
    """The rows a sending may claim at `now`: pending ones whose next try is due, and claims older than
    CLAIM_LEASE with tries left. The wait is the row's, not the task's: the sending sweep (every minute)
    and a retried task may both queue a failed row, and neither may cut its backoff short."""
    return _waiting(now) | Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE, attempts__lt=MAX_ATTEMPTS)


def _fail_abandoned(now: dt.datetime) -> int:
    """Claims that died with their worker MAX_ATTEMPTS times (a worker killed on the same row each time)
    are marked failed, so that the failure shows instead of the row being claimed for ever."""
    return Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE, attempts__gte=MAX_ATTEMPTS
    ).update(status=Status.FAILED, last_error="The sending never finished: its worker stopped on every attempt")


def retry_countdown(notification_id: int) -> int:
    """Seconds until the notification's next attempt is due (at least 1)."""
    at = Notification.objects.filter(pk=notification_id).values_list("next_attempt_at", flat=True).first()
    return max(1, int((at - timezone.now()).total_seconds()) + 1) if at else 1


def due_for_sending(*, limit: int = 500) -> list[int]:
    """The notifications waiting to be sent, oldest first: pending ones (their task lost while the broker
    was down, or a retry whose wait is over) and claims older than CLAIM_LEASE (their worker died
    mid-send); claims that died on every attempt are marked failed first."""
    now = timezone.now()
    _fail_abandoned(now)
    return list(
        Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING])  # the partial index's condition
        .filter(_sendable(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- what the case event log tells (registered with cases.hooks.on_case_event in apps.py) ----------------

OVER_CAPACITY_EVENTS = (CaseEvent.Kind.DECIDED, CaseEvent.Kind.TEAM_ASSIGNED)


def over_capacity_notice(event: CaseEvent) -> None:
    """A decision or a change of team that gave a team a client over its capacity (accepted with a written
    reason by a case officer or unit manager) tells the team's unit managers. The text names the case's
    reference, the team and its load; the reason is read in the case."""
    if event.kind not in OVER_CAPACITY_EVENTS or not event.payload.get("over_capacity"):
        return
    team = Team.objects.get(pk=event.payload.get("team_id") or event.team_id)
    case = Case.objects.get(pk=event.case_id)
    managers = User.objects.filter(team=team, role=Role.UNIT_MANAGER, is_active=True).order_by("pk")
    with override(settings.LANGUAGE_CODE):
        subject = _("Hemgång: %(team)s over capacity") % {"team": team.name}
        body = _(
            "Case %(reference)s was given to %(team)s although the team was at its capacity "
            "(%(load)s of %(capacity)s clients at once). The reason is in the case."
        ) % {"reference": case.reference, "team": team.name, "load": team_load(team), "capacity": team.capacity}
    notify(
        kind=Notification.Kind.OVER_CAPACITY,
        key=f"over_capacity:{case.pk}:{team.pk}:{event.pk}",
        recipients=managers,
        subject=subject,
        body=body,
        url_name="case_detail",
        url_args=[case.pk],
        case=case,
    )
