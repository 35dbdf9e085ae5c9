"""Reminders: derived from the database by periodic sweeps, stored once, sent once.

Each rule is registered by the app that knows its records (cases-level rules in `notifications.rules`,
meetings and visits by scheduling, messages and the handover by handover, from their `AppConfig.ready()`),
so this app knows no model above cases. A rule answers two questions:

- `find(now)`: what is due at `now` — for each, the object it is about, the day it is due for, the case,
  the recipients and a text without client data;
- `still_due(object_id, due_on, now)`: is its cause still there? Asked again just before a reminder is
  sent, so a reminder whose cause is gone (consent renewed, meeting confirmed, case closed) is not sent.

`sweep(now)` asks every rule and stores what is due as notifications keyed (kind, object, due day,
recipient) — the database's `reminder_once` constraint — in small transactions of their own, so a sweep
run twice or by two beat processes stores and sends one, and a sweep that dies half-way loses nothing:
the next one stores the rest. Each rule reads only open cases and a bounded window around today, so a
sweep's cost follows the work in hand, not the years of closed cases; a sweep missed while Redis or the
worker was down is caught up by the next, as long as the cause is still there.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Role, User

from .models import Notification, ReminderSetting
from .services import notify

Setting = ReminderSetting.Name

# Without a municipality's or team's own row (issue 10's numbers).
DEFAULT_LEADS: dict[str, int] = {
    Setting.CONSENT_DAYS: 2,
    Setting.MEETING_CONFIRM_WORKING_DAYS: 2,
    Setting.DECISION_END_DAYS: 3,
    Setting.MESSAGE_ACK_WORKING_HOURS: 4,
    Setting.MESSAGE_ESCALATION_WORKING_HOURS: 4,
}

# Reminders stored per transaction: a sweep never holds everything in one.
BATCH = 100


@dataclass(frozen=True)
class Due:
    """One reminder a rule found due: about `object_id` (of the kind the rule says), for `due_on`."""

    object_id: int
    due_on: dt.date
    case: Case
    recipients: Iterable[User]
    subject: str
    body: str
    url_name: str
    url_args: tuple = ()


@dataclass(frozen=True)
class Rule:
    kind: str
    find: Callable[[dt.datetime], Iterable[Due]]
    still_due: Callable[[int, dt.date, dt.datetime], bool]
    # The ReminderSetting that sets its lead time, if any (shown with the rule).
    setting: str | None = None
    # The roles that can receive it: the e-mail choices page offers only these.
    roles: tuple[str, ...] = field(default_factory=tuple)


_rules: dict[str, Rule] = {}


def register_rule(rule: Rule) -> Rule:
    """Called from an app's ready(); a kind is registered once (a second registration replaces it)."""
    _rules[rule.kind] = rule
    return rule


def rules() -> list[Rule]:
    return list(_rules.values())


def rule_for(kind: str) -> Rule | None:
    return _rules.get(kind)


def kinds_for_role(role: str) -> list[str]:
    return [rule.kind for rule in _rules.values() if role in rule.roles]


# --- settings ---------------------------------------------------------------------------------------


class Leads:
    """One setting's values for every municipality and team, read once per sweep: `for_case(case)` is the
    team's row, else the municipality's, else the default."""

    def __init__(self, name: str):
        self.name = name
        self.default = DEFAULT_LEADS[name]
        self.values = {
            (row.municipality_id, row.team_id): row.value
            for row in ReminderSetting.objects.filter(name=name).only("municipality_id", "team_id", "value")
        }

    def get(self, municipality_id: int, team_id: int | None = None) -> int:
        if team_id is not None and (municipality_id, team_id) in self.values:
            return self.values[(municipality_id, team_id)]
        return self.values.get((municipality_id, None), self.default)

    def for_case(self, case) -> int:
        return self.get(case.municipality_id, case.team_id)

    @property
    def largest(self) -> int:
        """The widest window any municipality asks for: the candidates' query uses it."""
        return max([self.default, *self.values.values()])


def lead(name: str, *, municipality_id: int, team_id: int | None = None) -> int:
    return Leads(name).get(municipality_id, team_id)


# --- time ---------------------------------------------------------------------------------------------


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """`time` on `day` in Stockholm, as an aware datetime: right on the days summer time starts and ends,
    where a day has 23 or 25 hours and 'now + 24 hours' is not 'tomorrow at the same time'."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of `day` and of the day after, in Stockholm."""
    return at_local(day, dt.time.min), at_local(day + dt.timedelta(days=1), dt.time.min)


# --- who ----------------------------------------------------------------------------------------------


def active(users) -> list[User]:
    return [user for user in users if user.is_active]


def team_staff(team_id: int | None):
    """The team's staff (its members who do the work): 'the team' as a reminder's recipient. A case without
    a team yet (a referral) has nobody here."""
    if team_id is None:
        return User.objects.none()
    return User.objects.filter(team_id=team_id, role=Role.TEAM_STAFF, is_active=True).order_by("pk")


def unit_managers(*, team_id: int | None, municipality_id: int):
    """The team's unit managers; for a case without a team yet (a referral), the municipality's."""
    users = User.objects.filter(role=Role.UNIT_MANAGER, is_active=True, municipality_id=municipality_id)
    return (users.filter(team_id=team_id) if team_id else users).order_by("pk")


class People:
    """Who hears, read once per key within one rule's run: many due items of one team cost one query for
    its staff and one for its unit managers, not one per item. Rules add lookups of their own with
    `once`."""

    def __init__(self):
        self.cache: dict = {}

    def once(self, key, lookup):
        if key not in self.cache:
            self.cache[key] = lookup()
        return self.cache[key]

    def team_staff(self, team_id: int | None) -> list[User]:
        return self.once(("staff", team_id), lambda: list(team_staff(team_id)))

    def unit_managers(self, *, team_id: int | None, municipality_id: int) -> list[User]:
        return self.once(
            ("managers", team_id, municipality_id),
            lambda: list(unit_managers(team_id=team_id, municipality_id=municipality_id)),
        )


# --- the sweep ----------------------------------------------------------------------------------------


def _chunks(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def sweep(now: dt.datetime | None = None, *, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Ask every rule (or those of `kinds`) what is due at `now` and store it; returns, per kind, how many
    notifications are waiting to be sent after the sweep (new ones, and earlier ones whose task was lost).

    Called outside a transaction (the task, the command): each batch of BATCH reminders commits on its
    own, and its sendings are queued after that commit."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in rules():
        if kinds is not None and rule.kind not in kinds:
            continue
        waiting = 0
        for batch in _chunks(rule.find(now), BATCH):
            with transaction.atomic():
                for due in batch:
                    waiting += len(
                        notify(
                            kind=rule.kind,
                            key=f"{rule.kind}:{due.object_id}:{due.due_on.isoformat()}",
                            recipients=due.recipients,
                            subject=due.subject,
                            body=due.body,
                            url_name=due.url_name,
                            url_args=due.url_args,
                            case=due.case,
                            object_id=due.object_id,
                            due_on=due.due_on,
                        )
                    )
        counts[rule.kind] = waiting
    return counts


def cause_gone(notification: Notification, now: dt.datetime) -> bool:
    """Before a reminder is sent: has its cause gone (the rule no longer finds it due)?"""
    if notification.due_on is None:
        return False
    rule = rule_for(notification.kind)
    return rule is not None and not rule.still_due(notification.object_id, notification.due_on, now)
