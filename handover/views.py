"""The inbox, messages with receipts, the case's messages and the final handover."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case, CaseState
from cases.views import show_error
from hemgang.errors import DomainError

from . import access as handover_access
from . import selectors, services
from .forms import AcknowledgeForm, CaseRecipientsForm, HandoverForm, MessageForm, ReplyForm
from .models import HandoverSummary, Message

TEAM_KINDS = [Message.Kind.SUMMARY, Message.Kind.FREE]
ICS_KINDS = (Message.Kind.START_NOTICE, Message.Kind.MEETING_INVITATION)


INBOX_PAGE_SIZE = 25


@access.requires("handover.view_inbox")
def inbox(request):
    """The messages to the user's units, a page at a time; for hemtjänst also the cases they may start the
    daily summary on (issue 8)."""
    show = request.GET.get("show", "")
    if show not in ("unread", "unacknowledged"):
        show = ""
    items = selectors.inbox(request.user, unread=show == "unread", unacknowledged=show == "unacknowledged")
    page = selectors.InboxPaginator(items, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    to_write = selectors.cases_to_write_on(request.user)
    reads = [(m.case.client_id, m.case_id) for m in page] + [(c.client_id, c.pk) for c in to_write]
    access.log_reads(request, reads, what="inbox")
    return render(request, "handover/inbox.html", {"page": page, "items": page, "show": show, "to_write": to_write})


@access.requires("handover.view_message", on_object=True)
def message_detail(request, pk):
    message = handover_access.get_message_for(
        request, pk, what="message.read", queryset=selectors.message_detail_queryset()
    )
    if message.sent_at:
        services.message_mark_read(user=request.user, message=message)
    mine = handover_access.deliveries_for(request.user, message)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            for delivery in mine:
                if delivery.acknowledged_at is None:
                    services.message_acknowledge(
                        actor=request.user, delivery=delivery, representative=form.cleaned_data["representative"]
                    )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The message is acknowledged."))
            return redirect("message_detail", pk=message.pk)
    return render(
        request,
        "handover/message_detail.html",
        {
            "message": message,
            "form": form,
            "to_acknowledge": [d for d in mine if d.acknowledged_at is None],
            "can_reply": request.user.has_perm("handover.write_to_team", message),
            "has_pdf": message.kind == Message.Kind.FINAL_HANDOVER and message.sent_at is not None,
            "can_fetch_ics": message.kind in ICS_KINDS
            and request.user.has_perm("scheduling.fetch_meeting_ics", message.case)
            and hasattr(message.case, "follow_up_meeting"),
        },
    )


@access.requires("handover.write_to_team", on_object=True)
def message_reply(request, pk):
    """Hemtjänst's summary back to the team, written from a message about the case."""
    message = handover_access.get_message_for(
        request, pk, perm="handover.write_to_team", what="message.reply", queryset=selectors.message_detail_queryset()
    )
    form = ReplyForm(request.POST or None, initial={"subject": _("Summary from hemtjänst")})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send_to_team(actor=request.user, reply_to=message, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The summary is sent to the team."))
            return redirect("message_detail", pk=message.pk)
    return render(request, "handover/message_reply.html", {"message": message, "form": form})


@access.requires("handover.write_first_to_team", on_object=True)
def summary_to_team(request, pk):
    """Hemtjänst starts its daily summary to the team for a case its unit receives messages on, without
    waiting for a message to reply to (issue 8)."""
    case = access.get_case_for(
        request,
        pk,
        perm="handover.write_first_to_team",
        what="summary.to_team",
        queryset=Case.objects.select_related("client", "team"),
        receivers=True,
    )
    form = ReplyForm(request.POST or None, initial={"subject": _("Summary from hemtjänst")})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send_to_team(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The summary is sent to the team."))
            return redirect("inbox")
    return render(request, "handover/summary_to_team.html", {"case": case, "form": form})


@access.requires("handover.view_message", on_object=True)
def message_attachment(request, pk):
    """The handover PDF exactly as it was sent."""
    message = handover_access.get_message_for(request, pk, what="message.attachment")
    summary = HandoverSummary.objects.filter(case_id=message.case_id, pdf__isnull=False).first()
    if message.kind != Message.Kind.FINAL_HANDOVER or message.sent_at is None or summary is None:
        raise Http404
    return _pdf_response(bytes(summary.pdf), message.case)


def _pdf_response(content: bytes, case) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="overlamning-{case.reference}.pdf"'
    return response


# --- the case's messages (the team and the case officer) -----------------------------------------------


@access.requires("handover.view_case_messages", on_object=True)
def case_messages(request, pk):
    case = access.get_case_for(request, pk, perm="handover.view_case_messages", what="messages.case")
    can_write = request.user.has_perm("handover.write_to_hemtjanst", case)
    recipients = selectors.case_recipients(case)
    action = request.POST.get("action")
    recipients_form = CaseRecipientsForm(
        request.POST if action == "recipients" else None,
        municipality=case.municipality_id,
        initial={"recipients": recipients},
        auto_id="receivers_%s",  # two forms on one page: each id once, so a label ticks its own box
    )
    new_form = MessageForm(
        request.POST if action == "new" else None,
        case_recipients=recipients,
        kinds=TEAM_KINDS,
        auto_id="new_%s",
        initial={
            "kind": Message.Kind.SUMMARY,
            "subject": _("Hemgångsteam: summary for %(name)s") % {"name": case.client.full_name},
            "body": services.summary_prefill(case) if can_write else "",
            "recipients": recipients,
        },
    )
    if request.method == "POST" and can_write:
        try:
            if action == "recipients" and recipients_form.is_valid():
                saved = services.case_recipients_set(
                    actor=request.user, case=case, recipients=recipients_form.cleaned_data["recipients"]
                )
                if saved:
                    names = ", ".join(f"{r.name} ({r.get_kind_display().lower()})" for r in saved)
                    messages.success(request, _("The receivers are saved: %(names)s.") % {"names": names})
                else:
                    messages.warning(request, _("The case has no receivers now: nothing can be sent to hemtjänst."))
                return redirect("case_messages", pk=case.pk)
            if action == "new" and new_form.is_valid():
                services.message_draft_and_send(actor=request.user, case=case, **new_form.cleaned_data)
                messages.success(request, _("The message is sent."))
                return redirect("case_messages", pk=case.pk)
            if action in ("handover", "closing"):
                kind = Message.Kind.FINAL_HANDOVER if action == "handover" else Message.Kind.CLOSING_NOTICE
                draft = services.end_of_support_draft(actor=request.user, case=case, kind=kind)
                return redirect("message_edit", pk=draft.pk)
        except DomainError as err:
            if action in ("handover", "closing"):  # buttons without a form of their own
                messages.error(request, str(err.message))
            else:
                show_error(recipients_form if action == "recipients" else new_form, err)
    return render(
        request,
        "handover/case_messages.html",
        {
            "case": case,
            "items": selectors.case_messages(case),
            "recipients": recipients,
            "can_write": can_write,
            "recipients_form": recipients_form,
            "new_form": new_form,
            "action": action,
            "coverage": selectors.consent_coverage(case, recipients),
            "can_close": request.user.has_perm("cases.close_case", case),
            "handover_opens_on": services.handover_opens_on(case) if case.state == CaseState.ACTIVE else None,
            "today": timezone.localdate(),
            "case_warnings": [w for w in [services.day_receiver_warning(case)] if w],
        },
    )


@access.requires("handover.write_to_hemtjanst", on_object=True)
def message_edit(request, pk):
    """Check a drafted message (the start notice writes itself), then send it through the consent gate."""
    message = handover_access.get_draft_for(
        request, pk, what="message.edit", queryset=selectors.message_detail_queryset()
    )
    case = message.case
    if message.is_sent:
        return redirect("message_detail", pk=message.pk)
    recipients = selectors.case_recipients(case)
    form = MessageForm(
        request.POST or None,
        case_recipients=recipients,
        initial={
            "subject": message.subject,
            "body": message.body,
            "recipients": [d.recipient for d in message.deliveries.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.message_update_draft(actor=request.user, message=message, **form.cleaned_data)
                if request.POST.get("action") == "send":
                    services.message_send(actor=request.user, message=message)
                    messages.success(request, _("The message is sent."))
                    return redirect("case_messages", pk=case.pk)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("message_edit", pk=message.pk)
    return render(
        request,
        "handover/message_edit.html",
        {
            "case": case,
            "message": message,
            "form": form,
            "coverage": selectors.consent_coverage(case, recipients),
        },
    )


@access.requires("handover.write_to_hemtjanst", on_object=True)
def handover_edit(request, pk):
    """The structured final handover; its PDF goes with the handover message."""
    case = access.get_case_for(request, pk, perm="handover.write_to_hemtjanst", what="handover.edit")
    decision = case.decision
    interventions = decision.interventions.select_related("intervention_type")
    summary = HandoverSummary.objects.filter(case=case).prefetch_related("interventions").first()
    initial = {}
    if summary:
        initial = {
            name: getattr(summary, name)
            for name in ("working_methods", "aids", "goals_outcome", "contacts", "watch_for")
        }
        initial.update({f"how_{row.intervention_id}": row.how_done_now for row in summary.interventions.all()})
    else:
        plan = getattr(case, "care_plan", None)
        initial["watch_for"] = plan.watch_for if plan else ""
    form = HandoverForm(request.POST or None, interventions=interventions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("how_")}
        try:
            services.handover_save(actor=request.user, case=case, how_done_now=form.how_done_now(), **data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The handover summary is saved. Check the PDF, then send it."))
            return redirect("handover_edit", pk=case.pk)
    return render(request, "handover/handover_edit.html", {"case": case, "form": form, "summary": summary})


@access.requires("handover.view_case_messages", on_object=True)
def handover_pdf(request, pk):
    """The handover PDF: as sent when it has been sent, otherwise a preview of the summary as last saved."""
    case = access.get_case_for(request, pk, perm="handover.view_case_messages", what="handover.pdf")
    summary = HandoverSummary.objects.filter(case=case).first()
    if summary is None:
        raise Http404
    return _pdf_response(bytes(summary.pdf) if summary.pdf else services.handover_preview_pdf(summary), case)
