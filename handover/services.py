"""Every write of the handover: messages with receipts, the consent gate, summaries, the final handover.

The routine (Botkyrka, 001): the team contacts hemtjänst in writing at once when a support starts (the
subject clearly says *Hemgångsteam*, the message gives length and purpose; the night coordinator too when
there are night interventions); summaries go both ways, more often at the start and the end; every message
is acknowledged by its receiver; at the end the team sends the working methods and a closing notice, and
hemtjänst confirms both. Nothing about the client reaches hemtjänst without consent valid now.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from cases import events
from cases.lifecycle import case_transition
from cases.models import Case, CaseState, Intervention, Role, User
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as
from notifications.models import Notification
from notifications.services import notify
from scheduling.hooks import Notice
from scheduling.others import carried_out_by_others

from .models import (
    CaseRecipient,
    Delivery,
    HandoverIntervention,
    HandoverSummary,
    Message,
    MessageRead,
    Recipient,
)

# --- who receives --------------------------------------------------------------------------------------


def default_recipients(case: Case) -> list[Recipient]:
    """The client's hemtjänst group and its provider's day coordinator(s); with night interventions or a night
    provider, the night patrol and its provider's night coordinator too (001: "Om det finns nattinsatser
    kontaktas även koordinator för natten"). Read from the client's links to the directory, never from names
    (issue 8: a spelling dropped the day coordinator). Units taken out of use receive nothing."""
    from scheduling.services import has_night_interventions

    client = case.client
    directory = list(Recipient.objects.filter(municipality_id=case.municipality_id, active=True))
    active_ids = {r.pk for r in directory}
    chosen = []

    def with_coordinators(unit: Recipient, coordinator_kind: str) -> list[Recipient]:
        same_provider = [r for r in directory if r.kind == coordinator_kind and r.provider == unit.provider]
        return [unit] + (same_provider if unit.provider else [])

    if client.hemtjanst_group_unit_id in active_ids:
        chosen += with_coordinators(client.hemtjanst_group_unit, Recipient.Kind.COORDINATOR_DAY)
    if has_night_interventions(case):
        patrol = client.night_service_unit if client.night_service_unit_id in active_ids else None
        patrols = [r for r in directory if r.kind == Recipient.Kind.NIGHT_PATROL]
        if patrol is None and not client.has_night_provider and len(patrols) == 1:
            patrol = patrols[0]  # night interventions, no provider named: the municipality's one night patrol
        if patrol is not None:
            chosen += with_coordinators(patrol, Recipient.Kind.COORDINATOR_NIGHT)
    return chosen


def day_receiver_warning(case: Case) -> str:
    """The team is told before anything is sent when no day coordinator of hemtjänst will receive the case's
    messages (issue 8): for a decided case from what the start will choose, for a running one from its
    receivers. Empty when all is well."""
    if case.state == CaseState.DECIDED:
        if any(r.kind == Recipient.Kind.COORDINATOR_DAY for r in default_recipients(case)):
            return ""
        return _(
            "When the support starts, no day coordinator of hemtjänst will receive the start notice: the client's "
            "home-care group is not linked to the hemtjänst directory, or its provider has no day coordinator in "
            "it. Link the group on the client's page (or ask the administrator to add the unit to the directory), "
            "or choose the receivers on the case's messages page after the start."
        )
    if (
        case.is_running
        and not CaseRecipient.objects.filter(case=case, recipient__kind=Recipient.Kind.COORDINATOR_DAY).exists()
    ):
        return _(
            "No day coordinator of hemtjänst is among the case's receivers, so the start notice and the summaries "
            "would not reach them. Choose the receivers on the case's messages page before you send anything."
        )
    return ""


@transaction.atomic
def case_recipients_set(*, actor, case: Case, recipients) -> list[Recipient]:
    """Make the case's hemtjänst receivers exactly `recipients` (from the municipality's directory)."""
    wanted = {r.pk: r for r in recipients}
    if any(r.municipality_id != case.municipality_id for r in wanted.values()):
        raise DomainValidationError(_("Choose receivers from the municipality's directory."), field="recipients")
    existing = {link.recipient_id: link for link in CaseRecipient.objects.filter(case=case)}
    added = [recipient for pk, recipient in wanted.items() if pk not in existing]
    removed = [link for pk, link in existing.items() if pk not in wanted]
    for recipient in added:
        save_as(CaseRecipient(case=case, recipient=recipient, added_by=actor), actor)
    for link in removed:
        delete_as(link, actor)
    if added or removed:
        events.record(
            case,
            events.Kind.RECEIVERS_CHANGED,
            actor,
            payload={
                "added": [{"id": r.pk, "name": r.name} for r in added],
                "removed": [{"id": link.recipient_id} for link in removed],
            },
        )
    return list(wanted.values())


# --- the consent gate ------------------------------------------------------------------------------------


def consent_gate(case: Case):
    """The consent that allows sharing now, or a refusal that says what to do (DOMAIN step 3)."""
    consent = case.valid_consent_on(timezone.localdate())
    if consent is None:
        raise DomainError(
            gettext_lazy(
                "Nothing about the client may be shared with hemtjänst: there is no valid consent today (it has "
                "expired or been withdrawn). Ask the case officer to record a renewed consent, then send again."
            ),
            code="consent_required",
        )
    return consent


# --- messages --------------------------------------------------------------------------------------------


def _check_team_sender(actor, case: Case) -> None:
    if not actor.has_perm("handover.draft_to_hemtjanst", case):
        raise DomainError(_("Only the case's team writes to hemtjänst about the case."), code="not_team")


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
    if not message.deliveries.exists():
        raise DomainValidationError(_("Choose at least one receiver."), field="recipients")
    message.consent = consent_gate(case)
    message.sent_at = timezone.now()
    save_as(message, actor, update_fields=["consent", "sent_at"])
    sent = {"message_id": message.pk, "message_kind": message.kind, "direction": message.direction}
    if message.kind == Message.Kind.FINAL_HANDOVER:
        _attach_handover_pdf(case, rendered)
        # The move's own event (handover sent: active → handed over) is the one event of this send.
        case_transition(case=case, to=CaseState.HANDED_OVER, actor=actor, payload=sent)
    else:
        events.record(case, events.Kind.MESSAGE_SENT, actor, payload=sent)
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
    consent = consent_gate(case)
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
    _notify_receivers(message, case)
    return message


@transaction.atomic
def message_acknowledge(*, actor, delivery: Delivery, representative: str = "") -> Delivery:
    """The receiver's receipt: one per receiving unit, by any of its people, once. Acknowledging the start
    notice or the meeting invitation with a representative records hemtjänst's confirmation of the day-6
    meeting (001: "Koordinatorn utser representant som ska delta"); the last receipt
    of the handover and the closing notice closes the case."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",)).select_related("message", "recipient").get(pk=delivery.pk)
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
        Case.objects.get(pk=message.case_id),
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
    MessageRead.objects.get_or_create(message=message, user=user)


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


# --- drafts that write themselves -----------------------------------------------------------------------


def _interventions_text(case: Case) -> str:
    """The decision's interventions, then exactly what hemtjänst and the night organisation carry out:
    which intervention, when, on which days, from which date (scheduling.others)."""
    lines = [
        f"- {i.intervention_type}: {i.times} {i.get_per_display()}, {i.minutes} min, "
        f"{i.get_part_of_day_display().lower()}"
        for i in case.decision.interventions.select_related("intervention_type")
    ]
    others = carried_out_by_others(case)
    if others:
        lines += ["", _("Carried out by others, not by the team:")] + [f"- {row.as_line()}" for row in others]
    return "\n".join(lines)


def start_of_support_drafts(case: Case, *, actor, to=None, reason="") -> list[Message]:
    """When the support starts: the case's receivers are set from the client's providers, and the start
    notice and the meeting invitation are drafted from the decision for the team to check and send."""
    case_recipients_set(actor=actor, case=case, recipients=default_recipients(case))
    if not CaseRecipient.objects.filter(case=case).exists():
        return []  # the team chooses the receivers on the case's message page first
    decision, meeting = case.decision, getattr(case, "follow_up_meeting", None)
    with override("sv"):
        when = date_format(timezone.localtime(meeting.starts_at), "l j F H:i") if meeting else "–"
        start = _draft(
            actor=actor,
            case=case,
            kind=Message.Kind.START_NOTICE,
            subject=_("Hemgångsteam: start of support for %(name)s") % {"name": case.client.full_name},
            body=_(
                "The hemgångsteam (%(team)s) starts a time-limited support for %(name)s today.\n\n"
                "Length: %(start)s – %(end)s (%(days)s days).\nPurpose: %(purpose)s\n\n"
                "Interventions:\n%(lines)s\n\n"
                "Follow-up meeting: %(meeting)s. Please confirm that you have received this and name who will "
                "represent hemtjänst at the meeting."
            )
            % {
                "team": case.team.name,
                "name": case.client.full_name,
                "start": decision.start_date,
                "end": decision.end_date,
                "days": decision.length_days,
                "purpose": decision.purpose,
                "lines": _interventions_text(case),
                "meeting": when,
            },
        )
        invitation = _draft(
            actor=actor,
            case=case,
            kind=Message.Kind.MEETING_INVITATION,
            subject=_("Hemgångsteam: follow-up meeting %(when)s") % {"when": when},
            body=_(
                "Welcome to the follow-up meeting for %(name)s on %(when)s, %(place)s. The case officer chairs "
                "the meeting; the client, relatives, the hemgångsteam and hemtjänst day and night take part. "
                "Acknowledge and name your representative."
            )
            % {"name": case.client.full_name, "when": when, "place": meeting.location if meeting else "–"},
        )
    return [start, invitation]


def meeting_moved_notice(*, meeting, actor, previous_starts_at) -> list[Notice]:
    """Registered on `scheduling.hooks.on_meeting_moved`: the case's receivers are told the new time
    (001: hemtjänst confirms the meeting and names its representative, so a new time needs a new
    confirmation; acknowledging this invitation with a representative records it).

    The message is drafted and sent through `message_send`, so the consent gate applies. When consent is
    not valid the move stands (the meeting is the case officer's to arrange, consent or not) and the
    message stays as a draft on the case's messages page, with the gate's refusal shown to whoever moved
    it: the team sends it when consent is renewed. The send runs in a savepoint, so a refused send leaves
    the draft and nothing half-sent. Runs inside the move's transaction."""
    case = meeting.case
    if not CaseRecipient.objects.filter(case=case).exists():
        return [
            Notice(
                _(
                    "The case has no hemtjänst receivers yet: choose them on the case's messages page and tell "
                    "them the new time."
                ),
                is_warning=True,
            )
        ]
    with override("sv"):
        when = date_format(timezone.localtime(meeting.starts_at), "l j F H:i")
        before = date_format(timezone.localtime(previous_starts_at), "l j F H:i")
        message = _draft(
            actor=actor,
            case=case,
            kind=Message.Kind.MEETING_INVITATION,
            subject=_("Hemgångsteam: follow-up meeting moved to %(when)s") % {"when": when},
            body=_(
                "The follow-up meeting for %(name)s is moved to %(when)s, %(place)s (it was %(before)s). "
                "Reason: %(reason)s\n\nAn earlier confirmation no longer holds: acknowledge this message and "
                "name who will represent hemtjänst at the new time."
            )
            % {
                "name": case.client.full_name,
                "when": when,
                "place": meeting.location,
                "before": before,
                "reason": meeting.reschedule_reason,
            },
        )
    try:
        with transaction.atomic():
            message_send(actor=actor, message=message)
    except DomainError as refusal:
        return [
            Notice(
                _("The message to hemtjänst about the new time is kept as a draft and not sent: %(refusal)s")
                % {"refusal": refusal.message},
                is_warning=True,
            )
        ]
    return [Notice(_("Hemtjänst has been sent the new time."))]


def summary_prefill(case: Case) -> str:
    """The team's summary starts with what hemtjänst takes over since the last summary sent ("Från
    2026-… utför hemtjänst: …", tapering from day 6, 001), then the SoL journal entries since it (never the
    HSL record, which is not shared under this consent)."""
    from scheduling.models import JournalEntry

    last = (
        Message.objects.filter(
            case=case, kind=Message.Kind.SUMMARY, direction=Message.Direction.TO_HEMTJANST, sent_at__isnull=False
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    entries = JournalEntry.objects.filter(case=case, kind=JournalEntry.Kind.SOCIAL, correction__isnull=True)
    if last:
        entries = entries.filter(signed_at__gt=last)
    parts = _tapering_lines(case, since=last)
    parts += [
        f"{date_format(timezone.localtime(e.signed_at), 'SHORT_DATETIME_FORMAT')}: {e.text}"
        for e in entries.order_by("signed_at")
    ]
    return "\n\n".join(parts)


def _tapering_lines(case: Case, *, since) -> list[str]:
    """One line per intervention hemtjänst takes over, set since `since` (the last summary), by date.
    One query: the interventions with a date, changed (in their history) since the last summary."""
    changed = Intervention.history.filter(decision__case=case)
    if since:
        changed = changed.filter(history_date__gt=since)
    taken_over = Intervention.objects.filter(
        decision__case=case, hemtjanst_from__isnull=False, pk__in=changed.values("id")
    )
    with override("sv"):
        return [
            _("From %(date)s hemtjänst carries out: %(what)s (%(part)s, %(times)s %(per)s).")
            % {
                "date": i.hemtjanst_from,
                "what": i.intervention_type,
                "part": i.get_part_of_day_display().lower(),
                "times": i.times,
                "per": i.get_per_display(),
            }
            for i in taken_over.select_related("intervention_type").order_by("hemtjanst_from", "id")
        ]


# --- the final handover ----------------------------------------------------------------------------------


@transaction.atomic
def handover_save(
    *,
    actor,
    case: Case,
    working_methods: str,
    aids: str = "",
    goals_outcome: str = "",
    contacts: str = "",
    watch_for: str = "",
    how_done_now: dict | None = None,
) -> HandoverSummary:
    """The structured handover summary, written while the support is active."""
    case = Case.objects.select_for_update(of=("self",)).select_related("decision").get(pk=case.pk)
    _check_team_sender(actor, case)
    if case.state != CaseState.ACTIVE:
        raise DomainError(_("A handover is written while the support is active."), code="case_not_active")
    if not working_methods.strip():
        raise DomainValidationError(
            _("Describe the working methods developed with the client."), field="working_methods"
        )
    summary = HandoverSummary.objects.filter(case=case).first() or HandoverSummary(case=case, author=actor)
    summary.working_methods, summary.aids, summary.goals_outcome = working_methods, aids, goals_outcome
    summary.contacts, summary.watch_for, summary.author, summary.updated_at = contacts, watch_for, actor, timezone.now()
    save_as(summary, actor)
    valid = set(case.decision.interventions.values_list("pk", flat=True))
    for intervention_id, text in (how_done_now or {}).items():
        if intervention_id not in valid:
            raise DomainValidationError(_("Choose interventions from the decision."), field="how_done_now")
        row = HandoverIntervention.objects.filter(summary=summary, intervention_id=intervention_id).first()
        if text.strip():
            row = row or HandoverIntervention(summary=summary, intervention_id=intervention_id)
            row.how_done_now = text
            save_as(row, actor)
        elif row:
            delete_as(row, actor)
    return summary


def handover_preview_pdf(summary: HandoverSummary) -> bytes:
    """The preview of the handover PDF: rendered once per saved version of the summary (keyed on its
    `updated_at`) and kept, so opening it again does not render anew. What is sent is rendered at sending."""
    from .document import render_handover_pdf

    if summary.preview_pdf is not None and summary.preview_rendered_for == summary.updated_at:
        return bytes(summary.preview_pdf)
    content = render_handover_pdf(summary)
    # Only if the summary is still the version rendered (a save in between makes the next GET render again).
    HandoverSummary.objects.filter(pk=summary.pk, updated_at=summary.updated_at).update(
        preview_pdf=content, preview_rendered_for=summary.updated_at
    )
    return content


@dataclass(frozen=True)
class RenderedHandover:
    """The handover PDF rendered for sending, and the version of the summary it was rendered from."""

    summary_id: int
    updated_at: dt.datetime
    pdf: bytes


def handover_render_for_sending(message: Message) -> RenderedHandover | None:
    """Render the PDF of the case's handover summary as it is now, with nothing locked (the sending checks,
    under its locks, that the summary is still this version). None when there is no summary yet."""
    from .document import render_handover_pdf

    summary = HandoverSummary.objects.filter(case_id=message.case_id).first()
    if summary is None:
        return None
    return RenderedHandover(summary.pk, summary.updated_at, render_handover_pdf(summary))


def _attach_handover_pdf(case: Case, rendered: RenderedHandover | None) -> None:
    """Keep the handover PDF as it is sent, so that what hemtjänst got can be shown again: the one rendered
    before the locks were taken, if the summary has not been saved since."""
    summary = HandoverSummary.objects.select_for_update().filter(case=case).first()
    if summary is None:
        raise DomainError(_("Write the handover summary first."), code="handover_missing")
    if rendered is None or (rendered.summary_id, rendered.updated_at) != (summary.pk, summary.updated_at):
        raise DomainError(
            _("The handover summary was changed while the handover was being prepared. Check it and send again."),
            code="handover_changed",
        )
    summary.pdf, summary.pdf_created_at = rendered.pdf, timezone.now()
    summary.save(update_fields=["pdf", "pdf_created_at"])


# The end of the routine (001): the working methods to hemtjänst, then the closing notice; both acknowledged.
END_OF_SUPPORT_TEXTS = {
    Message.Kind.FINAL_HANDOVER: (
        gettext_lazy("Hemgångsteam: handover for %(name)s"),
        gettext_lazy(
            "The working methods developed with the client are in the attached handover summary. "
            "Please acknowledge that you have received it."
        ),
    ),
    Message.Kind.CLOSING_NOTICE: (
        gettext_lazy("Hemgångsteam: closing of the support for %(name)s"),
        gettext_lazy(
            "The time-limited hemgång support ends today and hemtjänst takes over. Please acknowledge the closing."
        ),
    ),
}


def handover_opens_on(case: Case):
    """The first day the final handover may be sent: the team's follow-up day (day 6 by default, day 1 being
    the decision's start). 001: "Hemgångsteamet anpassar från dag 6 successivt sina insatser" (under "Vid avslut
    av insats") — the handover comes after the follow-up meeting has looked at the continued needs."""
    from scheduling.calendar import support_day

    return support_day(case.decision.start_date, case.team.follow_up_day)


def _check_handover_day(case: Case) -> None:
    opens_on = handover_opens_on(case)
    if timezone.localdate() < opens_on:
        raise DomainError(
            _("The final handover is sent from day %(day)s of the support (%(date)s), after the follow-up meeting.")
            % {"day": case.team.follow_up_day, "date": date_format(opens_on, "j F Y")},
            code="handover_too_early",
        )


@transaction.atomic
def end_of_support_draft(*, actor, case: Case, kind: str) -> Message:
    """The final handover message (its PDF is attached when sent) or the closing notice, drafted once; the
    handover not before the team's follow-up day."""
    if kind == Message.Kind.FINAL_HANDOVER:
        _check_handover_day(Case.objects.select_related("decision", "team").get(pk=case.pk))
    existing = Message.objects.filter(case=case, kind=kind, sent_at__isnull=True).first()
    if existing:
        return existing
    subject, body = END_OF_SUPPORT_TEXTS[kind]
    with override("sv"):
        return message_draft(
            actor=actor, case=case, kind=kind, subject=str(subject) % {"name": case.client.full_name}, body=str(body)
        )


def handover_draft_message(*, actor, case: Case) -> Message:
    return end_of_support_draft(actor=actor, case=case, kind=Message.Kind.FINAL_HANDOVER)


def closing_draft_message(*, actor, case: Case) -> Message:
    return end_of_support_draft(actor=actor, case=case, kind=Message.Kind.CLOSING_NOTICE)
