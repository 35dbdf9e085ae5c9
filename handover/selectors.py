"""The queries of the inbox and the case's messages, chosen once."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from cases.models import RUNNING_STATES, CaseEvent
from cases.timeline import TimelineEntry
from notifications.selectors import MENU_COUNT_LIMIT, count_label

from .access import HEMTJANST_ROLES, received_deliveries, receiver_cases, visible_messages
from .models import CaseRecipient, Delivery, Message, UnreadMessage

# The inbox counts at most this many messages (40 pages of 25), and lists as many unacknowledged ones.
INBOX_COUNT_LIMIT = 1000


def _deliveries():
    return Prefetch("deliveries", queryset=Delivery.objects.select_related("recipient", "team", "acknowledged_by"))


def inbox(user, *, unread: bool = False, unacknowledged: bool = False) -> QuerySet:
    """Messages to the user's units (hemtjänst) or to the user's team, newest first, for a paginator. A page
    costs three queries whatever its length (the messages with case and client, their deliveries and who
    acknowledged them, their receivers), plus the paginator's count (bounded: InboxPaginator); the
    unacknowledged and the unread ones one more, for the receipts still missing or the user's unread rows.

    Only the user's municipality's messages, read newest first along `message_inbox_idx`: the page stops
    after its 25 rows instead of sorting every message ever sent, in any municipality."""
    qs = visible_messages(user).filter(sent_at__isnull=False, case__municipality_id=user.municipality_id)
    mine = received_deliveries(user)
    if user.role not in HEMTJANST_ROLES:
        # A hemtjänst user sees only what was delivered to their units: visible_messages asks that already.
        qs = qs.filter(Exists(mine.filter(message=OuterRef("pk"))))
    if unacknowledged:
        # The receipts still missing first (`delivery_unacknowledged_idx`: a handful whatever the history),
        # in a query of their own: as a subquery PostgreSQL joins it last, after every message ever sent.
        missing = mine.filter(acknowledged_at__isnull=True).values_list("message", flat=True)
        qs = qs.filter(pk__in=list(missing.order_by().distinct()[:INBOX_COUNT_LIMIT]))
    mine_unread = UnreadMessage.objects.filter(user=user)
    if unread:
        # The user's newest unread messages first (`unread_user_sent_idx`: as many as they have still to
        # read, not every message ever delivered to their unit against every read), in a query of their own.
        newest = mine_unread.order_by("-sent_at", "-message_id").values_list("message_id", flat=True)
        qs = qs.filter(pk__in=list(newest[:INBOX_COUNT_LIMIT]))
    # Each row's mark: one probe of `unread_message_once` per message on the page.
    qs = qs.annotate(is_read=~Exists(mine_unread.filter(message=OuterRef("pk"))))
    return (
        qs.select_related("case__client", "author", "sender_recipient")
        .prefetch_related(_deliveries())
        .order_by("-sent_at", "-pk")
    )


class InboxPaginator(Paginator):
    """Counts at most INBOX_COUNT_LIMIT messages: ten years of a coordinator's inbox are 100,000 messages,
    and counting them all on every page would cost more than the page. Older messages are on their
    case's page; `is_capped` lets the page say "more than"."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[:INBOX_COUNT_LIMIT].count()

    @property
    def is_capped(self) -> bool:
        return self.count >= INBOX_COUNT_LIMIT


def cases_to_write_on(user) -> list:
    """The running cases a hemtjänst user's units receive messages on: where they may start the daily summary
    to the team (issue 8) without waiting for a message to reply to. One query."""
    running = receiver_cases(user).filter(state__in=RUNNING_STATES)
    return list(running.select_related("client", "team").order_by("client__last_name", "client__first_name"))


def unacknowledged_count(user) -> int:
    """The messages to the user still to acknowledge, counted up to MENU_COUNT_LIMIT: one query that reads
    the partial index `delivery_unacknowledged_idx` (the receipts still missing, not every delivery ever
    made), whatever the user's history. The menu shows no unread count, so none is computed."""
    mine = received_deliveries(user).filter(acknowledged_at__isnull=True, message__sent_at__isnull=False)
    mine = mine.filter(message__in=visible_messages(user))
    return mine.order_by().values("message").distinct()[:MENU_COUNT_LIMIT].count()


def inbox_menu_label(user) -> str:
    """The menu's link to the inbox, with the messages still to acknowledge (registered in HandoverConfig)."""
    count = unacknowledged_count(user)
    if count:
        return _("Inbox (%(count)s to acknowledge)") % {"count": count_label(count)}
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


@dataclass(frozen=True)
class ConsentCoverage:
    """Whom the consent valid today covers, for the pages that send (the consent gate's view of them):
    `consent` (None without one), the receivers it names, and the case's receivers it does not."""

    consent: object | None
    covered: list
    not_covered: list


def consent_coverage(case, receivers) -> ConsentCoverage:
    """Two queries: the case's consents and the receivers they name."""
    today = timezone.localdate()
    valid = [c for c in case.consents.prefetch_related("receivers") if c.is_valid_on(today)]
    if not valid:
        return ConsentCoverage(None, [], list(receivers))
    # As the gate chooses: the newest valid consent naming them all, else the newest one.
    consent = next((c for c in valid if not c.not_covered(receivers)), valid[0])
    covered = list(receivers) if consent.covers_case_receivers else list(consent.receivers.all())
    return ConsentCoverage(consent, covered, consent.not_covered(receivers))


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
