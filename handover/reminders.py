"""The reminder rules about the handover and the messages: a decision ending with no handover drafted, and
a message nobody has acknowledged (Botkyrka's routine, 001: "Det är viktigt att mottagaren bekräftar att
man har mottagit informationen").

Registered in HandoverConfig.ready() with `notifications.reminders.register_rule` (notifications knows no
model above cases). Texts name the case's reference and the kind of thing only, never the client and never
a message's own subject (a start notice's subject names the client): they go out by e-mail.
"""

import datetime as dt

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.models import OPEN_STATES, Case, CaseState, Recipient, Role, User
from notifications.models import Notification
from notifications.reminders import Due, Leads, People, Rule, Setting, local_day
from scheduling.calendar import add_working_hours, hemtjanst_office_hours, team_hours
from scheduling.hooks import Audience
from scheduling.models import MeetingParticipant

from .models import Delivery

Kind = Notification.Kind

# Messages older than this are not looked at: with the default leads (4 + 4 working hours) a message is
# reminded within a working day and escalated within two, so a sweep reads the receipts missing in a month
# of open cases (the partial index `delivery_unacknowledged_idx`), and its cost does not grow with the years
# of closed cases or of messages acknowledged long ago. A lead set so long that its moment falls past the
# window (some 150 office hours) is not reminded: a receipt missing for a month is for the unit manager's
# follow-up, not for a reminder.
MESSAGE_WINDOW = dt.timedelta(days=30)


def _day(day: dt.date) -> str:
    return date_format(day, "j F")


# --- the decision ends, no handover drafted ------------------------------------------------------------


def _ending_without_handover(today: dt.date, days: int):
    """Active cases whose decision ends between today and `days` days on, with no handover summary."""
    return (
        Case.objects.filter(
            state=CaseState.ACTIVE,
            decision__end_date__gte=today,
            decision__end_date__lte=today + dt.timedelta(days=days),
            handover_summary__isnull=True,
        )
        .select_related("decision")
        .order_by("pk")
    )


def decision_ending_find(now: dt.datetime):
    """The decision ends within the municipality's or team's days (3 by default; today included) and the
    team has not started the handover: the team and its unit managers, once per end date (an
    ändringsbeslut that moves the end gives a new one)."""
    today, people = local_day(now), People()
    leads = Leads(Setting.DECISION_END_DAYS)
    for case in _ending_without_handover(today, leads.largest):
        end = case.decision.end_date
        if end > today + dt.timedelta(days=leads.for_case(case)):
            continue
        with override(settings.LANGUAGE_CODE):
            subject = _("Hemgång: the decision for %(reference)s ends %(day)s, no handover drafted") % {
                "reference": case.reference,
                "day": _day(end),
            }
            body = _(
                "The decision for case %(reference)s ends on %(day)s and no handover to hemtjänst has been "
                "drafted. Write the handover in time, so that hemtjänst can take over."
            ) % {"reference": case.reference, "day": _day(end)}
        # The team writes the handover; its unit managers follow the case on its page.
        for recipients, url_name in (
            (people.team_staff(case.team_id), "handover_edit"),
            (people.unit_managers(team_id=case.team_id, municipality_id=case.municipality_id), "case_detail"),
        ):
            yield Due(
                object_id=case.pk,
                due_on=end,
                case=case,
                recipients=recipients,
                subject=subject,
                body=body,
                url_name=url_name,
                url_args=(case.pk,),
            )


def decision_ending_still(case_id: int, due_on: dt.date, now: dt.datetime) -> bool:
    """Still active, the same end date, still ahead (afterwards `case_open_after_end` speaks), within the
    lead, and no handover drafted."""
    today, leads = local_day(now), Leads(Setting.DECISION_END_DAYS)
    case = _ending_without_handover(today, leads.largest).filter(pk=case_id, decision__end_date=due_on).first()
    return case is not None and due_on <= today + dt.timedelta(days=leads.for_case(case))


# --- messages not acknowledged ---------------------------------------------------------------------------


def _unacknowledged(now: dt.datetime):
    """Deliveries without a receipt, of messages sent in the last MESSAGE_WINDOW, on open cases."""
    return (
        Delivery.objects.filter(
            acknowledged_at__isnull=True,
            message__sent_at__gte=now - MESSAGE_WINDOW,
            message__sent_at__lte=now,
            message__case__state__in=OPEN_STATES,
        )
        .select_related("message__case", "message__author", "recipient", "team")
        .order_by("pk")
    )


def _receiver_hours(delivery: Delivery) -> dict:
    """The receiver's working hours: hemtjänst's office hours, or the team's own days and hours."""
    return team_hours(delivery.team) if delivery.team_id else hemtjanst_office_hours()


def reminder_moments(delivery: Delivery, *, first: int, second: int) -> tuple[dt.datetime, dt.datetime]:
    """When the receiver is reminded (`first` working hours after the sending) and when it is escalated
    (`second` working hours after that), both in the receiver's working hours."""
    hours = _receiver_hours(delivery)
    reminded = add_working_hours(delivery.message.sent_at, first, **hours)
    return reminded, add_working_hours(reminded, second, **hours)


class _People(People):
    """Who hears about a delivery, looked up once per receiver and case within one sweep."""

    def receivers(self, delivery: Delivery) -> list:
        """The receiving unit's people: the Recipient's active members, or the team's staff and unit
        managers."""
        if delivery.recipient_id:
            return self.once(
                ("recipient", delivery.recipient_id),
                lambda: list(delivery.recipient.members.filter(is_active=True).order_by("pk")),
            )
        municipality_id = delivery.message.case.municipality_id
        return [
            *self.team_staff(delivery.team_id),
            *self.unit_managers(team_id=delivery.team_id, municipality_id=municipality_id),
        ]

    def coordinators(self, delivery: Delivery) -> list:
        """The receiving unit's coordinator: for a hemtjänst receiver the members of the case's day
        coordinator receivers (the night coordinator's for a night receiver), the receiver itself left out;
        for the team, its unit managers."""
        case = delivery.message.case
        if delivery.team_id:
            return self.unit_managers(team_id=delivery.team_id, municipality_id=case.municipality_id)
        kind = Recipient.Kind.COORDINATOR_NIGHT if delivery.recipient.is_night else Recipient.Kind.COORDINATOR_DAY

        def lookup():
            units = Recipient.objects.filter(case_links__case_id=case.pk, kind=kind).exclude(pk=delivery.recipient_id)
            return list(User.objects.filter(recipients__in=units, is_active=True).distinct().order_by("pk"))

        return self.once(("coordinators", case.pk, kind, delivery.recipient_id), lookup)


def _message_due(now: dt.datetime, *, escalated: bool):
    first, second = Leads(Setting.MESSAGE_ACK_WORKING_HOURS), Leads(Setting.MESSAGE_ESCALATION_WORKING_HOURS)
    people = _People()
    for delivery in _unacknowledged(now):
        message, case = delivery.message, delivery.message.case
        reminded, escalation = reminder_moments(delivery, first=first.for_case(case), second=second.for_case(case))
        if now < (escalation if escalated else reminded):
            continue
        if escalated:
            author = [message.author] if message.author.is_active else []
            recipients = [*author, *people.coordinators(delivery)]
        else:
            recipients = people.receivers(delivery)
        sent = local_day(message.sent_at)
        with override(settings.LANGUAGE_CODE):
            values = {
                "kind": message.get_kind_display().lower(),
                "reference": case.reference,
                "day": _day(sent),
                "receiver": delivery.receiver_name,
            }
            if escalated:
                subject = _("Hemgång: message (%(kind)s) for %(reference)s still not acknowledged") % values
                body = (
                    _(
                        "A message (%(kind)s) about case %(reference)s, sent on %(day)s to %(receiver)s, has still "
                        "not been acknowledged. Make sure the receiver reads it and confirms it in Hemgång."
                    )
                    % values
                )
            else:
                subject = _("Hemgång: message (%(kind)s) for %(reference)s not acknowledged") % values
                body = (
                    _(
                        "A message (%(kind)s) about case %(reference)s, sent on %(day)s to %(receiver)s, has not "
                        "been acknowledged. Read it and confirm it in Hemgång."
                    )
                    % values
                )
        yield Due(
            object_id=delivery.pk,
            due_on=sent,
            case=case,
            recipients=recipients,
            subject=subject,
            body=body,
            url_name="message_detail",
            url_args=(message.pk,),
        )


def message_unacknowledged_find(now):
    return _message_due(now, escalated=False)


def message_escalated_find(now):
    return _message_due(now, escalated=True)


def message_still(delivery_id: int, due_on: dt.date, now: dt.datetime) -> bool:
    """No receipt yet, and the case is still open."""
    return Delivery.objects.filter(
        pk=delivery_id, acknowledged_at__isnull=True, message__case__state__in=OPEN_STATES
    ).exists()


# --- the follow-up meeting tomorrow, for hemtjänst (scheduling's rule; hemtjänst's receivers are ours) -----


def meeting_hemtjanst_audience(meeting) -> list[Audience]:
    """Hemtjänst's side of the meeting (001: "hemtjänst dag och natt" take part): the members of the case's
    day coordinator receivers when hemtjänst day takes part, of its night coordinators when the night
    does. They read the invitation in their inbox (the case's meeting page is the team's)."""
    roles = {participant.role for participant in meeting.participants.all()}
    kinds = [
        kind
        for role, kind in (
            (MeetingParticipant.Role.HEMTJANST_DAY, Recipient.Kind.COORDINATOR_DAY),
            (MeetingParticipant.Role.HEMTJANST_NIGHT, Recipient.Kind.COORDINATOR_NIGHT),
        )
        if role in roles
    ]
    if not kinds:
        return []
    users = User.objects.filter(
        recipients__case_links__case_id=meeting.case_id, recipients__kind__in=kinds, is_active=True
    ).distinct()
    return [Audience(list(users.order_by("pk")), "inbox")]


MESSAGE_ROLES = (Role.COORDINATOR, Role.TEAM_STAFF, Role.UNIT_MANAGER, Role.CASE_OFFICER)

RULES = [
    Rule(
        Kind.DECISION_ENDING,
        decision_ending_find,
        decision_ending_still,
        setting=Setting.DECISION_END_DAYS,
        roles=(Role.TEAM_STAFF, Role.UNIT_MANAGER),
    ),
    Rule(
        Kind.MESSAGE_UNACKNOWLEDGED,
        message_unacknowledged_find,
        message_still,
        setting=Setting.MESSAGE_ACK_WORKING_HOURS,
        roles=MESSAGE_ROLES,
    ),
    Rule(
        Kind.MESSAGE_ESCALATED,
        message_escalated_find,
        message_still,
        setting=Setting.MESSAGE_ESCALATION_WORKING_HOURS,
        roles=MESSAGE_ROLES,
    ),
]
