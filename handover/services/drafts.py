"""The drafts that write themselves: the start notice and the invitation, the notice of a moved meeting,
the summary's prefill, and the final handover and closing notice."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from cases.models import Case, Intervention
from hemgang.errors import DomainError
from scheduling.hooks import Notice
from scheduling.others import carried_out_by_others

from ..models import (
    CaseRecipient,
    Message,
)
from .handover import _check_handover_day
from .messages import _draft, message_draft, message_send
from .receivers import case_recipients_set, default_recipients

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
