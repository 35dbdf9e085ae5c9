"""HTML + HTMX pages: parse, fetch through access.py, call a service, render (STYLE.md habit 4)."""

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemgang.celery import app as celery_app
from hemgang.errors import DomainError
from hemgang.versions import StaleVersion

from . import access, selectors, services
from .forms import (
    ClientForm,
    ConsentForm,
    ConsentWithdrawForm,
    DecisionChangeForm,
    DecisionForm,
    InterventionChangeFormSet,
    InterventionFormSet,
    ReasonForm,
    ReferralForm,
    RelativeFormSet,
    SearchForm,
    StartForm,
    TeamForm,
)
from .hooks import case_sections, case_warnings
from .models import TRANSITIONS_NEEDING_REASON, CaseState
from .services import InterventionLine


def show_error(form, err: DomainError) -> None:
    """A refused change shown on the form: on its field when the form has it, above the form otherwise.

    A save from an older version ("Ändrad av någon annan") keeps the user's input and carries what changed
    (`form.conflict`, shown by includes/version_conflict.html); the form's version becomes the current one,
    so saving again puts the user's input over the other change, knowingly."""
    field = err.field if err.field in form.fields else None
    form.add_error(field, str(err.message))
    if isinstance(err, StaleVersion) and "version" in form.fields:
        form.conflict = err
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = err.version


def _relatives_from(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


def _redirect_to_case(case):
    return redirect("case_detail", pk=case.pk)


# --- start page ------------------------------------------------------------------------------------


@access.requires("cases.home")
def home(request):
    user = request.user
    registered = access.registered_start_page(user)
    if registered:
        return redirect(registered)
    start = access.start_page(user)
    context = {"start": start}
    if start == "case_officer":
        cases = list(selectors.case_list(user))
        context["my_cases"] = [c for c in cases if c.case_officer_id == user.pk]
        context["other_cases"] = [c for c in cases if c.case_officer_id != user.pk]
        # Open cases the officer sees, so already among the reads logged below.
        context["consent_alerts"] = selectors.consent_alerts(user, today=timezone.localdate())
        access.log_reads(request, [(c.client_id, c.pk) for c in cases], what="home.case_list")
    elif start == "team":
        context.update(selectors.team_start_page(user))
        shown = context["new_cases"] + context["active_cases"]
        access.log_reads(request, [(c.client_id, c.pk) for c in shown], what="home.team_cases")
    return render(request, "home.html", context)


# --- clients ---------------------------------------------------------------------------------------


@access.requires("cases.search_clients")
def client_search(request):
    """Search posts the query: a personnummer never appears in a URL or a server log."""
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.client_search(request.user, form.cleaned_data["q"])
        access.log_reads(request, [(c.pk, None) for c in results], what="client.search")
    context = {"form": form, "results": results}
    template = "clients/_results.html" if request.htmx else "clients/search.html"
    return render(request, template, context)


@access.requires("cases.register_referral")
def client_new(request):
    """One flow: the client, their relatives and the referral. A search that found nobody posts the
    number here with `prefill`, so the form opens with it filled in."""
    prefill = request.method == "POST" and "prefill" in request.POST
    data = request.POST if request.method == "POST" and not prefill else None
    initial = {"personal_number": request.POST.get("q", "")} if prefill else {}
    client_form = ClientForm(data, prefix="client", initial=initial, municipality_id=request.user.municipality_id)
    relatives = RelativeFormSet(data, prefix="relatives")
    referral_form = ReferralForm(data, prefix="referral")
    if data is not None and client_form.is_valid() and relatives.is_valid() and referral_form.is_valid():
        client_fields = client_form.cleaned_data
        try:
            case = services.client_and_referral_register(
                actor=request.user,
                client_fields=client_fields,
                referral_fields=referral_form.cleaned_data,
                relatives=_relatives_from(relatives),
            )
        except DomainError as err:
            target = client_form if err.field in client_form.fields else referral_form
            show_error(target, err)
        else:
            messages.success(request, _("The client and the referral are registered."))
            return _redirect_to_case(case)
    return render(
        request,
        "clients/new.html",
        {"client_form": client_form, "relatives": relatives, "referral_form": referral_form},
    )


@access.requires("cases.view_client", on_object=True)
def client_detail(request, pk):
    client = access.get_client_for(request, pk, what="client.detail", queryset=selectors.client_detail_queryset())
    show_address = request.user.has_perm("cases.view_address", client)
    return render(request, "clients/detail.html", {"client": client, "show_address": show_address})


@access.requires("cases.change_client", on_object=True)
def client_edit(request, pk):
    client = access.get_client_for(
        request, pk, perm="cases.change_client", what="client.edit", queryset=selectors.client_detail_queryset()
    )
    data = request.POST if request.method == "POST" else None
    hide_address = not request.user.has_perm("cases.view_address", client)
    form = ClientForm(
        data, instance=client, prefix="client", hide_address=hide_address, municipality_id=client.municipality_id
    )
    initial = [
        {name: getattr(r, name) for name in services.RELATIVE_FIELDS} | {"id": r.pk} for r in client.relatives.all()
    ]
    relatives = RelativeFormSet(data, prefix="relatives", initial=initial)
    if data is not None and form.is_valid() and relatives.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.CLIENT_FIELDS}
        if hide_address:
            fields = {k: v for k, v in fields.items() if k not in ClientForm.ADDRESS_FIELDS} | form.changed_address()
        # The form already wrote the cleaned values onto the instance; the service compares with the
        # stored row, which it reads again under a lock.
        try:
            services.client_update(
                actor=request.user,
                client=client,
                relatives=_relatives_from(relatives),
                version=form.cleaned_data["version"],
                **fields,
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The client's details are saved."))
            return redirect("client_detail", pk=client.pk)
    return render(request, "clients/edit.html", {"client": client, "form": form, "relatives": relatives})


@access.requires("cases.register_referral", on_object=True)
def referral_new(request, pk):
    client = access.get_client_for(request, pk, what="referral.new")
    form = ReferralForm(request.POST or None, prefix="referral")
    if request.method == "POST" and form.is_valid():
        try:
            case = services.referral_register(actor=request.user, client=client, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The referral is registered."))
            return _redirect_to_case(case)
    return render(request, "clients/referral_new.html", {"client": client, "form": form})


# --- the case --------------------------------------------------------------------------------------


@access.requires("cases.view_case", on_object=True)
def case_detail(request, pk):
    case = access.get_case_for(request, pk, what="case.detail", queryset=selectors.case_detail_queryset())
    today = timezone.localdate()
    context = {
        "case": case,
        "client": case.client,
        "today": today,
        "consent_status": case.consent_status(today),
        "can_change_decision": request.user.has_perm("cases.change_decision", case),
        "can_decide": request.user.has_perm("cases.decide", case),
        "can_assign_team": request.user.has_perm("cases.assign_team", case),
        "decision": getattr(case, "decision", None),
        "referral": getattr(case, "referral", None),
        "valid_consent": case.valid_consent_on(today),
        "timeline": selectors.case_timeline(case),
        "case_warnings": case_warnings(case),
        "show_address": request.user.has_perm("cases.view_address", case),
        "can_record_consent": request.user.has_perm("cases.record_consent", case),
        "sections": case_sections(case, request.user),
        "transitions": [
            (state, CaseState(state).label)
            for state in case.allowed_next_states()
            if state in access.TRANSITION_PERMISSIONS
            and request.user.has_perm(access.TRANSITION_PERMISSIONS[state], case)
        ],
    }
    return render(request, "cases/detail.html", context)


@access.requires("cases.record_consent", on_object=True)
def consent_new(request, pk):
    case = access.get_case_for(request, pk, perm="cases.record_consent", what="consent.new")
    initial = {
        "given_on": timezone.localdate(),
        "scope": _("Information transfer between the hemgångsteam and hemtjänst."),
        # Providers not in the directory: written on the consent form, though nothing reaches them here.
        "recipients": ", ".join(p for p in [case.client.hemtjanst_group, case.client.night_service] if p),
    }
    form = ConsentForm(request.POST or None, initial=initial, receivers=selectors.consent_receiver_choices(case))
    # Offered from the decision forms when the period runs past the consent: back there afterwards.
    back_to = request.GET.get("next") if request.GET.get("next") in CONSENT_RETURN_PAGES else None
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(back_to, pk=case.pk) if back_to else _redirect_to_case(case)
    return render(request, "cases/consent_form.html", {"case": case, "form": form, "back_to": back_to})


CONSENT_RETURN_PAGES = ("decision_new", "decision_change")


@access.requires("cases.record_consent", on_object=True)
def consent_withdraw(request, pk, consent_pk):
    consent = access.get_consent_for(request, pk, consent_pk, what="consent.withdraw")
    case = consent.case
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.warning(request, _("The consent is withdrawn. Nothing more may be shared with hemtjänst."))
            return _redirect_to_case(case)
    return render(request, "cases/consent_withdraw.html", {"case": case, "consent": consent, "form": form})


@access.requires("cases.decide", on_object=True)
def decision_new(request, pk):
    case = access.get_case_for(
        request, pk, perm="cases.decide", what="decision.new", queryset=selectors.case_detail_queryset()
    )
    data = request.POST if request.method == "POST" else None
    municipality = case.municipality
    referral = getattr(case, "referral", None)
    today = timezone.localdate()
    start = max(today, referral.planned_homecoming_on) if referral and referral.planned_homecoming_on else today
    team = case.team
    initial = {"decided_on": today, "start_date": start, "team": team, "needs_assessed": True}
    if team:
        initial["end_date"] = start + timezone.timedelta(days=team.usual_support_days - 1)
    form = DecisionForm(data, municipality=municipality, initial=initial)
    lines = InterventionFormSet(data, prefix="lines", form_kwargs={"municipality": municipality})
    if data is not None and form.is_valid() and lines.is_valid():
        try:
            services.decision_register(
                actor=request.user, case=case, interventions=_intervention_lines(lines), **form.cleaned_data
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The decision is registered and the order sent to the team."))
            return _redirect_to_case(case)
    return render(
        request,
        "cases/decision_form.html",
        {
            "case": case,
            "form": form,
            "lines": lines,
            "has_valid_consent": case.has_valid_consent(),
            "team_loads": selectors.team_loads(municipality),
            "existing_decision": getattr(case, "decision", None),
            "can_change_decision": request.user.has_perm("cases.change_decision", case),
        },
    )


def _intervention_lines(lines) -> list[InterventionLine]:
    return [
        InterventionLine(
            intervention_type_id=f.cleaned_data["intervention_type"].pk,
            id=f.cleaned_data.get("id"),
            **{k: f.cleaned_data[k] for k in ("times", "per", "minutes", "part_of_day", "note")},
        )
        for f in lines.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@access.requires("cases.change_decision", on_object=True)
def decision_change(request, pk):
    """Ändringsbeslut: a new end date, interventions added or removed, with a reason."""
    case = access.get_case_for(
        request, pk, perm="cases.change_decision", what="decision.change", queryset=selectors.case_detail_queryset()
    )
    decision = case.decision
    data = request.POST if request.method == "POST" else None
    form = DecisionChangeForm(data, initial={"end_date": decision.end_date, "version": decision.version})
    initial = [
        {"id": i.pk, "intervention_type": i.intervention_type_id}
        | {k: getattr(i, k) for k in ("times", "per", "minutes", "part_of_day", "note")}
        for i in decision.interventions.all()
    ]
    lines = InterventionChangeFormSet(
        data, prefix="lines", initial=initial, form_kwargs={"municipality": case.municipality}
    )
    if data is not None and form.is_valid() and lines.is_valid():
        try:
            services.decision_change(
                actor=request.user, decision=decision, interventions=_intervention_lines(lines), **form.cleaned_data
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The decision is changed; the team's visits follow the change."))
            return _redirect_to_case(case)
    return render(
        request, "cases/decision_change.html", {"case": case, "decision": decision, "form": form, "lines": lines}
    )


@access.requires("cases.assign_team", on_object=True)
def case_team(request, pk):
    case = access.get_case_for(request, pk, perm="cases.assign_team", what="case.team")
    form = TeamForm(
        request.POST or None, municipality=case.municipality_id, initial={"team": case.team_id, "version": case.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign_team(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The team is assigned."))
            return _redirect_to_case(case)
    return render(request, "cases/team_form.html", {"case": case, "form": form})


@access.requires("cases.view_case", on_object=True)
def case_transition(request, pk, to):
    """Start, decline, withdraw, readmit, hand over or close: one page, one service."""
    perm = access.TRANSITION_PERMISSIONS.get(to)
    if perm is None:
        raise Http404
    case = access.get_case_for(request, pk, perm=perm, what=f"case.transition.{to}")
    if to == CaseState.ACTIVE:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = StartForm(request.POST or None, initial={"homecoming_at": now})
    else:
        form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                case=case,
                to=to,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                homecoming_at=form.cleaned_data.get("homecoming_at"),
            )
        except DomainError as err:
            show_error(form, err)
        else:
            messages.success(request, _("The case is now: %(state)s.") % {"state": CaseState(to).label})
            return _redirect_to_case(case)
    return render(
        request,
        "cases/transition_form.html",
        {
            "case": case,
            "form": form,
            "to": to,
            "to_label": CaseState(to).label,
            "needs_reason": to in TRANSITIONS_NEEDING_REASON or to == "closed",
        },
    )


# --- small public pages ----------------------------------------------------------------------------


@access.public
def health(request):
    """For the load balancer and docker-compose: the database answers, and the broker when there is one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    status = {"database": "ok", "broker": "eager"}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        status["broker"] = "ok"
    return JsonResponse(status)
