"""The team's pages: the day board, visits, the journal and the follow-up meeting."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.views import show_error
from hemgang import bounds
from hemgang.errors import DomainError

from . import access as scheduling_access
from . import selectors, services
from .forms import (
    CancelVisitForm,
    CarePlanForm,
    ConfirmParticipantForm,
    CorrectionForm,
    JournalForm,
    MeetingOutcomeForm,
    RescheduleForm,
    TaperingForm,
    VisitForm,
    VisitLogForm,
)
from .ics import meeting_ics
from .models import JournalDraft, JournalEntry, Visit
from .others import carried_out_by_others

# --- the day board ---------------------------------------------------------------------------------


@access.requires("scheduling.view_day_board")
def day_board(request):
    """Today's and tomorrow's visits of the team, or only mine; made for a phone."""
    user = request.user
    mine = request.GET.get("who") == "me"
    today = timezone.localdate()
    visits = selectors.day_board(user, team_id=user.team_id, day=today, staff_id=user.pk if mine else None)
    access.log_reads(request, [(v.case.client_id, v.case_id) for v in visits], what="board.day")
    days = [(today, [v for v in visits if timezone.localtime(v.planned_start).date() == today])]
    tomorrow = today + dt.timedelta(days=1)
    days.append((tomorrow, [v for v in visits if timezone.localtime(v.planned_start).date() == tomorrow]))
    return render(request, "scheduling/day_board.html", {"days": days, "mine": mine, "today": today})


# --- visits ----------------------------------------------------------------------------------------


@access.requires("scheduling.log_visit", on_object=True)
def visit_log(request, pk):
    visit = scheduling_access.get_visit_for(
        request, pk, perm="scheduling.log_visit", what="visit.log", queryset=selectors.visit_queryset()
    )
    if visit.status != Visit.Status.PLANNED:
        messages.info(request, _("The visit is already logged."))
        return redirect("case_visits", pk=visit.case_id)
    draft = JournalDraft.objects.filter(case=visit.case, author=request.user, kind="social", visit=visit).first()
    local_start = timezone.localtime(visit.planned_start)
    initial = {
        "actual_start": local_start.time(),
        "actual_end": timezone.localtime(visit.planned_end).time(),
        "journal_note": draft.text if draft else "",
    }
    form = VisitLogForm(request.POST or None, visit=visit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        day = local_start.date()

        def at(time):
            return timezone.make_aware(dt.datetime.combine(day, time)) if time else None

        try:
            services.visit_log(
                actor=request.user,
                visit=visit,
                performed=data["performed"],
                actual_start=at(data["actual_start"]),
                actual_end=at(data["actual_end"]),
                not_done_reason=data["not_done_reason"],
                outcomes=form.outcomes(),
                client_condition=data["client_condition"],
                experienced_safety=data["experienced_safety"],
                journal_note=data["journal_note"],
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The visit is logged."))
            return redirect("day_board")
    return render(request, "scheduling/visit_log.html", {"visit": visit, "form": form, "draft": draft})


@access.requires("scheduling.plan_visits", on_object=True)
def visit_edit(request, pk):
    """Move, reassign or cancel a planned visit."""
    visit = scheduling_access.get_visit_for(
        request, pk, perm="scheduling.plan_visits", what="visit.edit", queryset=selectors.visit_queryset()
    )
    initial = {
        "planned_start": timezone.localtime(visit.planned_start),
        "minutes": visit.planned_minutes,
        "assigned_to": visit.assigned_to_id,
    }
    is_cancel = request.POST.get("action") == "cancel"
    form = VisitForm(
        request.POST if request.method == "POST" and not is_cancel else None, team=visit.team, initial=initial
    )
    cancel_form = CancelVisitForm(request.POST if is_cancel else None)
    try:
        if is_cancel and cancel_form.is_valid():
            services.visit_cancel(actor=request.user, visit=visit, reason=cancel_form.cleaned_data["reason"])
            messages.success(request, _("The visit is cancelled."))
            return redirect("case_visits", pk=visit.case_id)
        if request.method == "POST" and not is_cancel and form.is_valid():
            data = form.cleaned_data
            services.visit_update(
                actor=request.user,
                visit=visit,
                planned_start=data["planned_start"],
                minutes=data["minutes"],
                assigned_to=data["assigned_to"],
            )
            messages.success(request, _("The visit is saved."))
            return redirect("case_visits", pk=visit.case_id)
    except DomainError as err:
        show_error(cancel_form if is_cancel else form, err)
    return render(request, "scheduling/visit_edit.html", {"visit": visit, "form": form, "cancel_form": cancel_form})


@access.requires("scheduling.plan_visits", on_object=True)
def visit_new(request, pk):
    case = access.get_case_for(request, pk, perm="scheduling.plan_visits", what="visit.new")
    interventions = case.decision.interventions.select_related("intervention_type")
    form = VisitForm(
        request.POST or None,
        team=case.team,
        interventions=interventions,
        initial={"minutes": 30, "assigned_to": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_add(
                actor=request.user,
                case=case,
                planned_start=data["planned_start"],
                minutes=data["minutes"],
                interventions=data["interventions"],
                assigned_to=data["assigned_to"],
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The visit is planned."))
            return redirect("case_visits", pk=case.pk)
    return render(request, "scheduling/visit_new.html", {"case": case, "form": form})


@access.requires("cases.view_case", on_object=True)
def case_visits(request, pk):
    case = access.get_case_for(request, pk, what="visits.list")
    visits = selectors.case_visits(case)
    plan = getattr(case, "care_plan", None)
    chosen = request.POST.get("tapering") if request.method == "POST" else None
    form = CarePlanForm(
        request.POST if request.method == "POST" and not chosen else None,
        initial={"watch_for": plan.watch_for if plan else ""},
    )
    can_plan = request.user.has_perm("scheduling.plan_visits", case)
    tapering = []
    if can_plan:
        for intervention in selectors.team_interventions(case):
            bound = chosen == str(intervention.pk)
            taper = TaperingForm(
                request.POST if bound else None,
                prefix=f"taper-{intervention.pk}",
                initial={"hemtjanst_from": intervention.hemtjanst_from},
            )
            tapering.append((intervention, taper))
            if bound and taper.is_valid():
                try:
                    result = services.tapering_set(
                        actor=request.user,
                        case=case,
                        intervention=intervention,
                        hemtjanst_from=taper.cleaned_data["hemtjanst_from"],
                    )
                except DomainError as err:
                    show_error(taper, err)
                else:
                    messages.success(
                        request,
                        _(
                            "Saved. %(unlinked)s planned visits go on without it; "
                            "%(cancelled)s that held only it were cancelled."
                        )
                        % {"unlinked": result.unlinked, "cancelled": result.cancelled},
                    )
                    return redirect("case_visits", pk=case.pk)
    if form.is_bound and can_plan and form.is_valid():
        services.care_plan_update(actor=request.user, case=case, watch_for=form.cleaned_data["watch_for"])
        messages.success(request, _("Saved."))
        return redirect("case_visits", pk=case.pk)
    return render(
        request,
        "scheduling/case_visits.html",
        {
            "case": case,
            "visits": visits,
            "form": form,
            "can_plan": can_plan,
            "can_log": request.user.has_perm("scheduling.log_visit", case),
            "by_others": carried_out_by_others(case),
            "tapering": tapering,
        },
    )


# --- the journal -----------------------------------------------------------------------------------


@access.requires("scheduling.read_social_journal", on_object=True)
def journal(request, pk):
    """The client's journal, newest first; SoL and HSL entries each shown only to those who may read them."""
    case = access.get_case_for(request, pk, perm="scheduling.read_social_journal", what="journal.read")
    kinds = scheduling_access.readable_kinds(request.user, case)
    if not kinds:
        raise Http404
    writable = scheduling_access.writable_kinds(request.user, case)
    draft = (
        JournalDraft.objects.filter(case=case, author=request.user, corrects=None, visit=None, kind__in=writable)
        .order_by("-saved_at")
        .first()
    )
    initial = {"kind": draft.kind, "text": draft.text, "delegated_task": draft.delegated_task} if draft else {}
    form = JournalForm(request.POST or None, kinds=writable, initial=initial) if writable else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.journal_sign(
                actor=request.user,
                case=case,
                kind=data["kind"],
                text=data["text"],
                delegated_task=data["delegated_task"],
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The entry is signed."))
            return redirect("journal", pk=case.pk)
    entries = selectors.journal(case, kinds)
    return render(
        request,
        "scheduling/journal.html",
        {"case": case, "entries": entries, "form": form, "draft": draft, "kinds": kinds},
    )


@access.requires("scheduling.write_social_journal", on_object=True)
def journal_draft(request, pk):
    """Autosave (HTMX, as the author types): keeps the half-written entry until it is signed."""
    case = access.get_case_for(request, pk, perm="scheduling.write_social_journal", what="journal.draft")
    kind = request.POST.get("kind") or JournalEntry.Kind.SOCIAL
    if kind not in scheduling_access.writable_kinds(request.user, case):
        raise Http404
    corrects_id = bounds.param_id(request.POST.get("corrects"), name="corrects")
    corrects = JournalEntry.objects.filter(pk=corrects_id, case=case).first() if corrects_id else None
    visit_id = bounds.param_id(request.POST.get("visit"), name="visit")
    visit = Visit.objects.filter(pk=visit_id, case=case).first() if visit_id else None
    text = bounds.param_text(request.POST.get("text", request.POST.get("journal_note", "")), name="text")
    draft = services.draft_save(
        actor=request.user,
        case=case,
        kind=kind,
        text=text,
        corrects=corrects,
        visit=visit,
        delegated_task=request.POST.get("delegated_task") == "on",
    )
    return render(request, "scheduling/_draft_status.html", {"draft": draft})


@access.requires("scheduling.read_social_journal", on_object=True)
def journal_correct(request, pk):
    original = scheduling_access.get_journal_entry_for(request, pk, what="journal.correct")
    case = original.case
    draft = JournalDraft.objects.filter(case=case, author=request.user, corrects=original).first()
    form = CorrectionForm(request.POST or None, initial={"text": draft.text if draft else original.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_correct(actor=request.user, original=original, text=form.cleaned_data["text"])
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The correction is signed; the original is kept as corrected."))
            return redirect("journal", pk=case.pk)
    return render(request, "scheduling/journal_correct.html", {"case": case, "original": original, "form": form})


# --- the follow-up meeting -------------------------------------------------------------------------


@access.requires("scheduling.view_meeting", on_object=True)
def meeting(request, pk):
    case = access.get_case_for(request, pk, perm="scheduling.view_meeting", what="meeting.view")
    the_meeting = selectors.meeting_detail(case)
    if the_meeting is None:
        raise Http404
    action = request.POST.get("action")
    can_manage = request.user.has_perm("scheduling.manage_meeting", case)
    can_record = request.user.has_perm("scheduling.record_meeting_outcome", case)
    reschedule = RescheduleForm(
        request.POST if action == "reschedule" else None,
        initial={"starts_at": timezone.localtime(the_meeting.starts_at)},
    )
    outcome = MeetingOutcomeForm(
        request.POST if action == "outcome" else None,
        initial={
            "continued_needs": the_meeting.continued_needs,
            "further_support": the_meeting.further_support,
            "note": the_meeting.outcome_note,
        },
    )
    confirm = ConfirmParticipantForm(request.POST if action == "confirm" else None)
    try:
        if action == "reschedule" and can_manage and reschedule.is_valid():
            moved = services.meeting_reschedule(actor=request.user, meeting=the_meeting, **reschedule.cleaned_data)
            messages.success(request, _("The meeting is moved."))
            for notice in moved.notices:
                (messages.warning if notice.is_warning else messages.info)(request, notice.text)
            return redirect("meeting", pk=case.pk)
        if action == "outcome" and can_record and outcome.is_valid():
            services.meeting_record_outcome(actor=request.user, meeting=the_meeting, **outcome.cleaned_data)
            messages.success(request, _("The outcome of the meeting is recorded."))
            return redirect("meeting", pk=case.pk)
        if action == "confirm" and can_manage and confirm.is_valid():
            participant = scheduling_access.get_participant_for(
                request,
                bounds.param_id(request.POST.get("participant"), name="participant"),
                what="meeting.confirm",
                queryset=the_meeting.participants.all(),
            )
            services.meeting_confirm_participant(
                actor=request.user, participant=participant, representative=confirm.cleaned_data["representative"]
            )
            messages.success(request, _("The confirmation is recorded."))
            return redirect("meeting", pk=case.pk)
    except DomainError as err:
        target = {"reschedule": reschedule, "outcome": outcome, "confirm": confirm}[action]
        if target is reschedule and err.field == "move_anyway":
            reschedule.offer_move_anyway()
        show_error(target, err)
    return render(
        request,
        "scheduling/meeting.html",
        {
            "case": case,
            "meeting": the_meeting,
            "reschedule": reschedule,
            "outcome": outcome,
            "confirm": confirm,
            "can_manage": can_manage,
            "can_record": can_record,
            "action": action,
        },
    )


@access.requires("scheduling.fetch_meeting_ics", on_object=True)
def meeting_calendar(request, pk):
    # hemtjänst's coordinators on the case fetch it too (issue 8), from their message page
    case = access.get_case_for(request, pk, perm="scheduling.fetch_meeting_ics", what="meeting.ics", receivers=True)
    the_meeting = selectors.meeting_detail(case)
    if the_meeting is None:
        raise Http404
    response = HttpResponse(meeting_ics(the_meeting, host=request.get_host()), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="uppfoljningsmote-{case.reference}.ics"'
    return response
