"""The final handover: the structured summary, its PDF (rendered before any lock, kept as sent) and the
day from which it may be sent."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case, CaseState
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as

from ..models import (
    HandoverIntervention,
    HandoverSummary,
    Message,
)

# --- the final handover ----------------------------------------------------------------------------------
from .receivers import _check_team_sender


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
    from ..document import render_handover_pdf

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
    from ..document import render_handover_pdf

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
