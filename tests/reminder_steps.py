"""Steps for the reminder rules' tests: sweep and send at a moment of Stockholm time, and read what was
stored. Sweeps and sendings go through the real engine (notifications.reminders.sweep and
notifications.services.notification_send); only the clock is moved."""

import datetime as dt

import time_machine
from django.utils import timezone

from notifications import reminders, services
from notifications.models import Notification


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def sweep(kind: str, moment: dt.datetime) -> list[Notification]:
    """One sweep of `kind` at `moment`; the rows of that kind stored by it (none when it stored nothing)."""
    before = set(Notification.objects.filter(kind=kind).values_list("pk", flat=True))
    with time_machine.travel(moment, tick=False):
        reminders.sweep(now=moment, kinds=[kind])
    return list(Notification.objects.filter(kind=kind).exclude(pk__in=before).order_by("recipient_id"))


def send(kind: str, moment: dt.datetime) -> list[str]:
    """Send every stored notification of `kind` at `moment`, as the sending task does; what each did."""
    with time_machine.travel(moment, tick=False):
        return [
            services.notification_send(pk)
            for pk in Notification.objects.filter(kind=kind).order_by("recipient_id").values_list("pk", flat=True)
        ]


def recipients(rows) -> list[str]:
    return sorted(row.recipient.username for row in rows)


def statuses(kind: str) -> dict[str, str]:
    return {row.recipient.username: row.status for row in Notification.objects.filter(kind=kind)}


def give_addresses(*users) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
