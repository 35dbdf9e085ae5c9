"""Messages between the team and hemtjänst: drafting, sending through the consent gate, hemtjänst writing
to the team, receipts, and the close that the last receipt brings."""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases import events
from cases.lifecycle import case_transition
from cases.models import Case, CaseState, Role, User
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as
from notifications.models import Notification
from notifications.services import notify

from ..models import (
    CaseRecipient,
    Delivery,
    Message,
    MessageRead,
    Recipient,
    UnreadMessage,
)
from .handover import RenderedHandover, _attach_handover_pdf, _check_handover_day, handover_render_for_sending
from .receivers import _check_team_sender, consent_gate

# --- messages --------------------------------------------------------------------------------------------


@transaction.atomic
def message_draft(*, actor, case: Case, kind: str, subject: str, body: str, recipients=None) -> Message:
    """A message from the team, not yet sent. Receivers must be on the case; by default all of them."""
    case = Case.objects.get(pk=case.pk)
    _check_team_sender(actor, case)
    return _draft(actor=actor, case=case, kind=kind, subject=subject, body=body, recipients=recipients)


def _draft(*, actor, case: Case, kind: str, subject: str, body: str, recipients=None) -> Message:
    """The message to hemtjänst and a delivery per receiver (on the case; by default all of them). Whoever
    may write it has been decided by the caller: the team (`message_draft`), or the system drafting for the
    team at the start and when the meeting is moved."""
    if not subject.strip():
        raise DomainValidationError(_("Write a subject."), field="subject")
    if not body.strip():
        raise DomainValidationError(_("The message is empty."), field="body")
    on_case = {
        link.recipient_id: link.recipient
        for link in CaseRecipient.objects.filter(case=case).select_related("recipient")
    }
    chosen = list(on_case.values()) if recipients is None else list(recipients)
    if any(r.pk not in on_case for r in chosen):
        raise DomainValidationError(
            _("A receiver is not on the case."), field="recipients", code="recipient_not_on_case"
        )
    message = save_as(
        Message(
            case=case,
            kind=kind,
            direction=Message.Direction.TO_HEMTJANST,
            subject=subject.strip(),
            body=body,
            author=actor,
        ),
        actor,
    )
    for recipient in chosen:
        save_as(Delivery(message=message, recipient=recipient), actor)
    return message


@transaction.atomic
def message_update_draft(*, actor, message: Message, subject: str, body: str, recipients) -> Message:
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.is_sent:
        raise DomainError(_("A sent message cannot be changed."), code="already_sent")
    if not body.strip():
        raise DomainValidationError(_("The message is empty."), field="body")
    on_case = set(CaseRecipient.objects.filter(case_id=message.case_id).values_list("recipient_id", flat=True))
    if any(r.pk not in on_case for r in recipients):
        raise DomainValidationError(
            _("A receiver is not on the case."), field="recipients", code="recipient_not_on_case"
        )
    message.subject, message.body = subject.strip(), body
    save_as(message, actor, update_fields=["subject", "body"])
    wanted = {r.pk for r in recipients}
    current = {d.recipient_id: d for d in message.deliveries.all()}
    for pk in wanted - set(current):
        save_as(Delivery(message=message, recipient_id=pk), actor)
    for pk in set(current) - wanted:
        delete_as(current[pk], actor)
    return message


def message_send(*, actor, message: Message) -> Message:
    """Send a drafted message to hemtjänst: through the consent gate, to receivers on the case, while the
    support runs. A final handover moves the case to handed over; a closing notice needs that first.

    A final handover's PDF is rendered first, before any row is locked: WeasyPrint takes seconds, and
    every change of the case waits for the case row. Inside the transaction the summary must still be the
    version rendered (the same `updated_at`), or the sending is refused and nothing is sent."""
    rendered = handover_render_for_sending(message) if message.kind == Message.Kind.FINAL_HANDOVER else None
    return _send(actor=actor, message=message, rendered=rendered)


@transaction.atomic
def _send(*, actor, message: Message, rendered: "RenderedHandover | None") -> Message:
    message = Message.objects.select_for_update().get(pk=message.pk)
    case = Case.objects.select_for_update(of=("self",)).select_related("client", "municipality").get(pk=message.case_id)
    # The case officer chairs the follow-up meeting (001) and may invite to it, or tell that it is moved.
    if not (message.kind == Message.Kind.MEETING_INVITATION and actor.has_perm("scheduling.manage_meeting", case)):
        _check_team_sender(actor, case)
    if message.is_sent:
        raise DomainError(_("The message is already sent."), code="already_sent")
    if not case.is_running:
        raise DomainError(_("The case is not active: nothing more is sent about it."), code="case_not_running")
    if message.kind == Message.Kind.FINAL_HANDOVER and case.state != CaseState.ACTIVE:
        raise DomainError(_("The handover is sent while the support is active."), code="case_not_active")
    if message.kind == Message.Kind.FINAL_HANDOVER:
        _check_handover_day(case)
    if message.kind == Message.Kind.CLOSING_NOTICE and case.state != CaseState.HANDED_OVER:
        raise DomainError(_("Send the final handover before the closing notice."), code="handover_first")
    receivers = [delivery.recipient for delivery in message.deliveries.select_related("recipient")]
    if not receivers:
        raise DomainValidationError(_("Choose at least one receiver."), field="recipients")
    message.consent = consent_gate(case, receivers)
    message.sent_at = timezone.now()
    save_as(message, actor, update_fields=["consent", "sent_at"])
    sent = {"message_id": message.pk, "message_kind": message.kind, "direction": message.direction}
    if message.kind == Message.Kind.FINAL_HANDOVER:
        _attach_handover_pdf(case, rendered)
        # The move's own event (handover sent: active → handed over) is the one event of this send.
        case_transition(case=case, to=CaseState.HANDED_OVER, actor=actor, payload=sent)
    else:
        events.record(case, events.Kind.MESSAGE_SENT, actor, payload=sent)
    unread_rows_write(message_id=message.pk)
    _notify_receivers(message, case)
    return message


@transaction.atomic
def message_draft_and_send(*, actor, case: Case, kind: str, subject: str, body: str, recipients) -> Message:
    """Write and send in one go: if the send is refused (no consent), no draft is left behind."""
    draft = message_draft(actor=actor, case=case, kind=kind, subject=subject, body=body, recipients=recipients)
    return message_send(actor=actor, message=draft)


@transaction.atomic
def message_send_to_team(
    *, actor, subject: str, body: str, reply_to: Message | None = None, case: Case | None = None
) -> Message:
    """Hemtjänst writes to the team about the case (its daily summary, night staff included), on behalf
    of the receiver it belongs to: in reply to a message, or first, without waiting for one (001:
    "Dokumentationen sammanfattas dagligen och skickas ... till hemgångsteamet"; issue 8). The unit must be
    one of the case's receivers; the same consent gate applies both ways."""
    if (reply_to is None) == (case is None):
        raise ValueError("message_send_to_team needs either reply_to or case")
    case_id = reply_to.case_id if reply_to is not None else case.pk
    case = Case.objects.select_for_update(of=("self",)).select_related("team").get(pk=case_id)
    senders = Recipient.objects.filter(members=actor, case_links__case=case, municipality_id=case.municipality_id)
    if reply_to is not None:
        senders = senders.filter(deliveries__message=reply_to) if reply_to.sent_at else senders.none()
    sender = senders.distinct().order_by("kind", "name").first()
    if sender is None:
        raise DomainError(_("You can only write about cases your unit receives messages on."), code="not_receiver")
    if not case.is_running:
        raise DomainError(_("The case is not active: nothing more is sent about it."), code="case_not_running")
    if not body.strip():
        raise DomainValidationError(_("The message is empty."), field="body")
    consent = consent_gate(case, [sender])
    message = save_as(
        Message(
            case=case,
            kind=Message.Kind.SUMMARY,
            direction=Message.Direction.TO_TEAM,
            subject=subject.strip() or _("Summary from hemtjänst"),
            body=body,
            author=actor,
            sender_recipient=sender,
            sent_at=timezone.now(),
            consent=consent,
        ),
        actor,
    )
    save_as(Delivery(message=message, team=case.team), actor)
    events.record(
        case,
        events.Kind.MESSAGE_RECEIVED,
        actor,
        payload={
            "message_id": message.pk,
            "message_kind": message.kind,
            "direction": message.direction,
            "sender": sender.name,
        },
    )
    unread_rows_write(message_id=message.pk)
    _notify_receivers(message, case)
    return message


@transaction.atomic
def message_acknowledge(*, actor, delivery: Delivery, representative: str = "") -> Delivery:
    """The receiver's receipt: one per receiving unit, by any of its people, once. Acknowledging the start
    notice or the meeting invitation with a representative records hemtjänst's confirmation of the day-6
    meeting (001: "Koordinatorn utser representant som ska delta"); the last receipt
    of the handover and the closing notice closes the case."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message__case", "recipient")
        .get(pk=delivery.pk)
    )
    if delivery.message.sent_at is None or not actor.has_perm("handover.acknowledge", delivery):
        raise DomainError(_("Only the receiver can acknowledge a message."), code="not_receiver")
    if delivery.acknowledged_at is not None:
        raise DomainError(
            _("Already acknowledged %(when)s.")
            % {"when": date_format(timezone.localtime(delivery.acknowledged_at), "SHORT_DATETIME_FORMAT")},
            code="already_acknowledged",
        )
    delivery.acknowledged_at, delivery.acknowledged_by = timezone.now(), actor
    save_as(delivery, actor, update_fields=["acknowledged_at", "acknowledged_by"])
    message = delivery.message
    events.record(
        message.case,
        events.Kind.MESSAGE_ACKNOWLEDGED,
        actor,
        payload={
            "message_id": message.pk,
            "message_kind": message.kind,
            "delivery_id": delivery.pk,
            "receiver": delivery.receiver_name,
        },
        at=delivery.acknowledged_at,
    )
    message_mark_read(user=actor, message=message)  # a receipt is given for what one has read
    if message.kind in (Message.Kind.START_NOTICE, Message.Kind.MEETING_INVITATION) and delivery.recipient_id:
        _confirm_meeting(actor, message.case_id, delivery.recipient, representative)
    if message.kind in (Message.Kind.FINAL_HANDOVER, Message.Kind.CLOSING_NOTICE):
        _close_when_confirmed(actor, message.case_id)
    return delivery


def _confirm_meeting(actor, case_id: int, recipient: Recipient, representative: str) -> None:
    from scheduling.models import MeetingParticipant
    from scheduling.services import meeting_confirm_participant

    role = MeetingParticipant.Role.HEMTJANST_NIGHT if recipient.is_night else MeetingParticipant.Role.HEMTJANST_DAY
    participant = MeetingParticipant.objects.filter(
        meeting__case_id=case_id, role=role, confirmed_at__isnull=True
    ).first()
    if participant is not None and representative.strip():
        meeting_confirm_participant(actor=actor, participant=participant, representative=representative)


def handover_sent_first(case: Case, *, to, actor, reason) -> None:
    """Registered before *handed over*: the case is handed over by sending the final handover, not by hand."""
    if not Message.objects.filter(case=case, kind=Message.Kind.FINAL_HANDOVER, sent_at__isnull=False).exists():
        raise DomainError(_("Send the final handover to hemtjänst first."), code="handover_not_sent")


def closing_receipted_or_reasoned(case: Case, *, to, actor, reason) -> None:
    """Registered before *closed*: hemtjänst has acknowledged both the handover and the closing notice (001),
    or the team's unit manager closes with a written reason (the rule `cases.close_case`)."""
    if closing_confirmed(case):
        return
    if reason.strip() and actor is not None and actor.has_perm("cases.close_case", case):
        return
    raise DomainError(
        _(
            "Hemtjänst has not yet acknowledged the handover and the closing notice. The unit manager can "
            "close the case with a written reason."
        ),
        code="closing_not_confirmed",
    )


def closing_confirmed(case: Case) -> bool:
    """Hemtjänst has acknowledged both the final handover and the closing notice, every receiver of each."""
    sent = Message.objects.filter(
        case=case, sent_at__isnull=False, kind__in=[Message.Kind.FINAL_HANDOVER, Message.Kind.CLOSING_NOTICE]
    )
    kinds = set(sent.values_list("kind", flat=True))
    pending = Delivery.objects.filter(message__in=sent, acknowledged_at__isnull=True).exists()
    return kinds == {Message.Kind.FINAL_HANDOVER, Message.Kind.CLOSING_NOTICE} and not pending


def _close_when_confirmed(actor, case_id: int) -> None:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state == CaseState.HANDED_OVER and closing_confirmed(case):
        case_transition(
            case=case,
            to=CaseState.CLOSED,
            actor=actor,
            reason=_("Closed automatically: hemtjänst has acknowledged both the handover and the closing notice."),
            # The actor is whoever gave the last receipt; the follow-up tells such a close from a manual one.
            payload={"automatic": True},
        )


def message_mark_read(*, user, message: Message) -> None:
    """The user has opened the message: who read it and when (MessageRead), and no longer unread for them."""
    MessageRead.objects.get_or_create(message=message, user=user)
    UnreadMessage.objects.filter(message=message, user=user).delete()


# Who receives a sent message, as `handover.access.received_deliveries` reads it: the members of a receiving
# unit, or for a delivery to a team its staff and unit managers and the unit managers who lead it. Each
# of them not yet a reader has the message unread. One INSERT … SELECT, also for a whole history.
_UNREAD_ROWS = """
    INSERT INTO {unread} (user_id, message_id, sent_at)
    SELECT DISTINCT receiver.user_id, m.id, m.sent_at
    FROM {message} m
    JOIN {delivery} d ON d.message_id = m.id
    JOIN LATERAL (
        SELECT member.user_id FROM {members} member WHERE member.recipient_id = d.recipient_id
        UNION
        SELECT u.id FROM {user} u WHERE u.team_id = d.team_id AND u.role IN (%(staff)s, %(manager)s)
        UNION
        SELECT led.user_id FROM {led} led JOIN {user} u ON u.id = led.user_id
        WHERE led.team_id = d.team_id AND u.role = %(manager)s
    ) receiver ON true
    WHERE m.sent_at IS NOT NULL {only_one}
      AND NOT EXISTS (SELECT 1 FROM {read} r WHERE r.message_id = m.id AND r.user_id = receiver.user_id)
    ON CONFLICT DO NOTHING
"""


def unread_rows_write(*, message_id: int | None = None) -> int:
    """The unread rows of a message just sent (`message_id`), or of every sent message (bulk-loaded data:
    seed_bench); rows already there are kept. Returns how many were written."""
    sql = _UNREAD_ROWS.format(
        unread=UnreadMessage._meta.db_table,
        message=Message._meta.db_table,
        delivery=Delivery._meta.db_table,
        members=Recipient.members.through._meta.db_table,
        user=User._meta.db_table,
        led=User.led_teams.through._meta.db_table,
        read=MessageRead._meta.db_table,
        only_one="" if message_id is None else "AND m.id = %(message)s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"staff": Role.TEAM_STAFF, "manager": Role.UNIT_MANAGER, "message": message_id})
        return cursor.rowcount


def _notify_receivers(message: Message, case: Case) -> None:
    """Tell each receiving person that a message waits in Hemgång: hemtjänst's members of the receiving
    units, or the team's staff and unit managers. One stored notification per person, e-mailed after the
    commit; the text carries no client data, only the kind of message, the case's reference and where to
    read and acknowledge it."""
    if message.direction == Message.Direction.TO_TEAM:
        users = User.objects.filter(team_id=case.team_id, role__in=[Role.TEAM_STAFF, Role.UNIT_MANAGER])
    else:
        users = User.objects.filter(recipients__deliveries__message=message)
    with override(settings.LANGUAGE_CODE):
        subject = _("Hemgång: new message (%(kind)s), %(reference)s") % {
            "kind": message.get_kind_display().lower(),
            "reference": case.reference,
        }
        body = _("A message waits for you in Hemgång. Read and acknowledge it there.")
    notify(
        kind=Notification.Kind.NEW_MESSAGE,
        key=f"message:{message.pk}",
        recipients=users.filter(is_active=True).distinct().order_by("pk"),
        subject=subject,
        body=body,
        url_name="message_detail",
        url_args=[message.pk],
        case=case,
    )
