"""The queries of the inbox and the case's messages, chosen once."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import RUNNING_STATES, CaseEvent
from cases.timeline import TimelineEntry

from .access import received_deliveries, receiver_cases, visible_messages
from .models import CaseRecipient, Delivery, Message, MessageRead


def _deliveries():
    return Prefetch("deliveries", queryset=Delivery.objects.select_related("recipient", "team", "acknowledged_by"))


def inbox(user, *, unread: bool = False, unacknowledged: bool = False) -> QuerySet:
    """Messages to the user's units (hemtjänst) or to the user's team, newest first, for a paginator. A page
    costs three queries whatever its length (the messages with case and client, their deliveries and who
    acknowledged them, their receivers), plus the paginator's count."""
    qs = visible_messages(user).filter(sent_at__isnull=False)
    mine = received_deliveries(user)
    qs = qs.filter(Exists(mine.filter(message=OuterRef("pk"))))
    if unacknowledged:
        qs = qs.filter(Exists(mine.filter(message=OuterRef("pk"), acknowledged_at__isnull=True)))
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=user)
    qs = qs.annotate(is_read=Exists(read))
    if unread:
        qs = qs.filter(is_read=False)
    return (
        qs.select_related("case__client", "author", "sender_recipient")
        .prefetch_related(_deliveries())
        .order_by("-sent_at", "-pk")
    )


def cases_to_write_on(user) -> list:
    """The running cases a hemtjänst user's units receive messages on: where they may start the daily summary
    to the team (issue 8) without waiting for a message to reply to. One query."""
    running = receiver_cases(user).filter(state__in=RUNNING_STATES)
    return list(running.select_related("client", "team").order_by("client__last_name", "client__first_name"))


def inbox_counts(user) -> dict:
    """The menu's counts: unacknowledged and unread messages to the user (one query)."""
    mine = received_deliveries(user).filter(message__sent_at__isnull=False)
    mine = mine.filter(message__in=visible_messages(user))
    read = MessageRead.objects.filter(message=OuterRef("message"), user=user)
    return mine.aggregate(
        unacknowledged=Count("message", filter=Q(acknowledged_at__isnull=True), distinct=True),
        unread=Count("message", filter=~Q(Exists(read)), distinct=True),
    )


def inbox_menu_label(user) -> str:
    """The menu's link to the inbox, with the messages still to acknowledge (registered in HandoverConfig)."""
    counts = inbox_counts(user)
    if counts["unacknowledged"]:
        return _("Inbox (%(count)s to acknowledge)") % {"count": counts["unacknowledged"]}
    return _("Inbox")


def case_messages(case) -> list[Message]:
    return list(
        Message.objects.filter(case=case)
        .select_related("author", "sender_recipient")
        .prefetch_related(_deliveries())
        .order_by("-sent_at", "-created_at")
    )


def case_recipients(case):
    return [link.recipient for link in CaseRecipient.objects.filter(case=case).select_related("recipient")]


def message_detail_queryset() -> QuerySet:
    """A message with its case, client, author and deliveries, for its page and the API (three queries)."""
    return Message.objects.select_related(
        "case__client", "case__team", "author", "sender_recipient", "consent"
    ).prefetch_related(_deliveries())


def message_detail(pk: int):
    return message_detail_queryset().filter(pk=pk).first()


def timeline_message(event, who) -> list:
    """The messages in the case timeline: sent to hemtjänst (the final handover too), written by
    hemtjänst, and acknowledged — by whom, for which unit (001: "Det är viktigt att mottagaren
    bekräftar"). Registered with cases.hooks from HandoverConfig.ready()."""
    p = event.payload
    kind = Message.Kind(p.get("message_kind", Message.Kind.FINAL_HANDOVER)).label.lower()
    if event.kind == CaseEvent.Kind.MESSAGE_ACKNOWLEDGED:
        return [
            TimelineEntry(event.at, f"{who} ({p.get('receiver', '')})", _("Acknowledged: %(kind)s") % {"kind": kind})
        ]
    if event.kind == CaseEvent.Kind.MESSAGE_RECEIVED:
        return [TimelineEntry(event.at, who, _("From hemtjänst: %(kind)s") % {"kind": kind}, p.get("sender", ""))]
    return [TimelineEntry(event.at, who, _("Sent to hemtjänst: %(kind)s") % {"kind": kind})]
