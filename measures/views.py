"""The outcome measures pages: parse the form, fetch the case through access.py, call the service, redirect.

One overview page per case (everyone who may see the case may see its measures) and one small form page
per measure and point in time, so that a nurse or therapist records one thing at a time on a phone.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case
from cases.views import show_error
from hemgang.errors import DomainError

from . import selectors, services
from .forms import CopmGoalForm, IbicForm, KatzForm, SafetyForm
from .models import MeasurePhase


def _case(request, pk, perm: str, what: str) -> Case:
    return access.get_case_for(
        request, pk, perm=perm, what=what, queryset=Case.objects.select_related("client", "team")
    )


def _phase(phase: str) -> MeasurePhase:
    if phase not in MeasurePhase.values:
        raise Http404
    return MeasurePhase(phase)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _saved(request, case: Case):
    messages.success(request, _("The measure is saved."))
    return redirect("case_measures", pk=case.pk)


@access.requires("measures.view_measures", on_object=True)
def case_measures(request, pk):
    case = _case(request, pk, "measures.view_measures", "measures.view")
    user = request.user
    context = {
        "case": case,
        "measures": selectors.case_measures_summary(case),
        "can_record": user.has_perm("measures.record_measures", case),
        "can_set_goals": user.has_perm("measures.set_copm_goals", case),
        "phases": MeasurePhase.choices,
    }
    return render(request, "measures/overview.html", context)


@access.requires("measures.record_measures", on_object=True)
def measure_safety(request, pk, phase):
    phase = _phase(phase)
    case = _case(request, pk, "measures.record_measures", f"measures.safety.{phase}")
    current = selectors.safety_rating(case, phase)
    form = SafetyForm(_posted(request), initial={"score": current.score} if current else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_record(actor=request.user, case=case, phase=phase, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            return _saved(request, case)
    return render(request, "measures/safety_form.html", {"case": case, "form": form, "phase": phase})


@access.requires("measures.record_measures", on_object=True)
def measure_katz(request, pk, phase):
    phase = _phase(phase)
    case = _case(request, pk, "measures.record_measures", f"measures.katz.{phase}")
    form = KatzForm(_posted(request), assessment=selectors.katz_assessment(case, phase))
    if request.method == "POST" and form.is_valid():
        try:
            services.katz_record(actor=request.user, case=case, phase=phase, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            return _saved(request, case)
    return render(request, "measures/katz_form.html", {"case": case, "form": form, "phase": phase})


@access.requires("measures.set_copm_goals", on_object=True)
def copm_goal_new(request, pk):
    case = _case(request, pk, "measures.set_copm_goals", "measures.copm.new")
    form = CopmGoalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.copm_goal_add(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            return _saved(request, case)
    return render(request, "measures/copm_form.html", {"case": case, "form": form, "goal": None})


@access.requires("measures.set_copm_goals", on_object=True)
def copm_goal_edit(request, pk, goal_pk):
    case = _case(request, pk, "measures.set_copm_goals", "measures.copm.edit")
    goal = selectors.copm_goal(case, goal_pk)
    if goal is None:
        raise Http404
    initial = {
        name: getattr(goal, name)
        for name in ("problem", "performance_start", "satisfaction_start", "performance_end", "satisfaction_end")
    }
    form = CopmGoalForm(_posted(request), initial=initial, with_end=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.copm_goal_update(actor=request.user, goal=goal, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            return _saved(request, case)
    return render(request, "measures/copm_form.html", {"case": case, "form": form, "goal": goal})


@access.requires("measures.record_measures", on_object=True)
def measure_ibic(request, pk):
    case = _case(request, pk, "measures.record_measures", "measures.ibic")
    form = IbicForm(_posted(request), initial=IbicForm.initial_from(selectors.ibic_levels(case)))
    if request.method == "POST" and form.is_valid():
        try:
            services.ibic_record(actor=request.user, case=case, ratings=form.ratings())
        except DomainError as err:
            show_error(form, err)
        else:
            return _saved(request, case)
    return render(request, "measures/ibic_form.html", {"case": case, "form": form})
