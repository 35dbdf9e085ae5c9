"""The queries of the inbox and the case's messages, chosen once."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from cases.access import visible_messages
from cases.models import Role

from .models import CaseRecipient, Delivery, Message, MessageRead


def _deliveries():
    return Prefetch("deliveries", queryset=Delivery.objects.select_related("recipient", "team", "acknowledged_by"))


def inbox(user, *, unread: bool = False, unacknowledged: bool = False) -> list[Message]:
    """Messages to the user's units (hemtjänst) or to the user's team, newest first. Three queries
    whatever their number: the messages with case and client, their deliveries, the user's reads."""
    qs = visible_messages(user).filter(sent_at__isnull=False)
    mine = _my_deliveries(user)
    qs = qs.filter(Exists(mine.filter(message=OuterRef("pk"))))
    if unacknowledged:
        qs = qs.filter(Exists(mine.filter(message=OuterRef("pk"), acknowledged_at__isnull=True)))
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=user)
    qs = qs.annotate(is_read=Exists(read))
    if unread:
        qs = qs.filter(is_read=False)
    return list(
        qs.select_related("case__client", "author", "sender_recipient")
        .prefetch_related(_deliveries())
        .order_by("-sent_at")[:200]
    )


def _my_deliveries(user):
    if user.role == Role.COORDINATOR:
        return Delivery.objects.filter(recipient__members=user)
    return Delivery.objects.filter(team_id=user.team_id)


def inbox_counts(user) -> dict:
    """The menu's counts: unacknowledged and unread messages to the user (one query)."""
    mine = _my_deliveries(user).filter(message__sent_at__isnull=False)
    mine = mine.filter(message__in=visible_messages(user))
    read = MessageRead.objects.filter(message=OuterRef("message"), user=user)
    return mine.aggregate(
        unacknowledged=Count("message", filter=Q(acknowledged_at__isnull=True), distinct=True),
        unread=Count("message", filter=~Q(Exists(read)), distinct=True),
    )


def case_messages(case) -> list[Message]:
    return list(
        Message.objects.filter(case=case)
        .select_related("author", "sender_recipient")
        .prefetch_related(_deliveries())
        .order_by("-sent_at", "-created_at")
    )


def case_recipients(case):
    return [link.recipient for link in CaseRecipient.objects.filter(case=case).select_related("recipient")]


def message_detail(pk: int):
    return (
        Message.objects.select_related("case__client", "case__team", "author", "sender_recipient", "consent")
        .prefetch_related(_deliveries())
        .filter(pk=pk)
        .first()
    )
