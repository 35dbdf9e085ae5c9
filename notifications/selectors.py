"""The queries of the notification centre, the menu's count and the unit manager's reminders, chosen once.

Nothing read here is client data: a notification's subject and text name a case's reference and the kind
of thing only (they go out by e-mail), so these pages write no access-log rows.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import team_ids
from cases.models import Role

from .access import shown_notifications
from .models import Notification
from .reminders import day_bounds, kinds_for_role, local_day

Kind = Notification.Kind
Status = Notification.Status

# The menu counts at most this many rows: a person who never reads costs the same as one who does.
MENU_COUNT_LIMIT = 100

# The kinds that are not reminder rules, and the roles that receive them (services.notify's callers):
# messages to the team or to hemtjänst, and a team given a client over its capacity.
OTHER_KINDS = {
    Kind.NEW_MESSAGE: (Role.COORDINATOR, Role.TEAM_STAFF, Role.UNIT_MANAGER),
    Kind.OVER_CAPACITY: (Role.UNIT_MANAGER,),
}

# The unit manager's page counts and filters by these groups of statuses (issue 10, part 4).
STATUS_GROUPS = {
    "sent": (gettext_lazy("Sent"), [Status.SENT]),
    "failed": (gettext_lazy("Failed"), [Status.FAILED]),
    "waiting": (gettext_lazy("Waiting"), [Status.PENDING, Status.SENDING]),
    "no_email": (gettext_lazy("In the app only"), [Status.NO_EMAIL]),
    "cancelled": (gettext_lazy("No longer current"), [Status.CANCELLED]),
}
TEAM_REMINDER_DAYS = 30


# --- the notification centre and the menu ------------------------------------------------------------


def notification_list(user, *, unread: bool = False) -> QuerySet:
    """The user's notifications, newest first, for a paginator: one query a page plus the paginator's count
    (the `notification_recipient_idx`, or `notification_unread_idx` for the unread ones)."""
    qs = shown_notifications(user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """The user's unread notifications, counted up to MENU_COUNT_LIMIT: one query on the partial index
    `notification_unread_idx` (its condition is this filter's), whatever the person's history."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).exclude(status=Status.CANCELLED)
    return unread[:MENU_COUNT_LIMIT].count()


def count_label(count: int) -> str:
    return "99+" if count >= MENU_COUNT_LIMIT else str(count)


def menu_label(user) -> str:
    """The menu's link to the notification centre, with the unread ones (registered in NotificationsConfig)."""
    count = unread_count(user)
    if count:
        return _("Notices (%(count)s)") % {"count": count_label(count)}
    return _("Notices")


def email_kinds(role: str) -> list[str]:
    """The kinds a person of `role` can receive, in the order of Notification.Kind: the e-mail choices page
    offers one checkbox for each."""
    kinds = set(kinds_for_role(role)) | {kind for kind, roles in OTHER_KINDS.items() if role in roles}
    return [kind for kind in Kind.values if kind in kinds]


def email_choices(user) -> dict[str, bool]:
    """The person's e-mail choice per kind they can receive (no row: by e-mail)."""
    kinds = email_kinds(user.role)
    chosen = dict(user.email_preferences.filter(kind__in=kinds).values_list("kind", "send_email"))
    return {kind: chosen.get(kind, True) for kind in kinds}


# --- the unit manager's reminders ----------------------------------------------------------------------


def team_reminders_since(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the day TEAM_REMINDER_DAYS - 1 days ago, in Stockholm: today and the 29 days before."""
    today = local_day(now or timezone.now())
    return day_bounds(today - dt.timedelta(days=TEAM_REMINDER_DAYS - 1))[0]


def _team_notifications(user, since: dt.datetime) -> QuerySet:
    """The notifications of the cases of the unit manager's team and the municipality's without a case,
    created since `since`: the `notification_status_idx` (municipality, status, created_at) narrows them."""
    of_team = Q(case__isnull=True)
    if teams := team_ids(user):
        of_team |= Q(case__team_id__in=teams)
    return Notification.objects.filter(of_team, municipality_id=user.municipality_id, created_at__gte=since)


def team_reminders(user, *, since: dt.datetime, status: str = "", kind: str = "") -> QuerySet:
    """The team's notifications, newest first, for a paginator (one query a page with case and recipient,
    plus the paginator's count); `status` is a key of STATUS_GROUPS."""
    qs = _team_notifications(user, since)
    if status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[status][1])
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("case", "recipient").order_by("-created_at", "-pk")


def team_reminder_counts(user, *, since: dt.datetime) -> list[tuple[str, str, int]]:
    """(key, label, count) per group of STATUS_GROUPS, in one query."""
    counts = _team_notifications(user, since).aggregate(
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, (_label, statuses) in STATUS_GROUPS.items()}
    )
    return [(key, label, counts[key]) for key, (label, _statuses) in STATUS_GROUPS.items()]
