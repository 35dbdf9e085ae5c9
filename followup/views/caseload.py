"""The unit manager's caseload now: the start page of a unit manager (`followup.apps` registers it), and its
three tables — cases in progress, the pipeline, the staff — as CSV or Excel with the same filters.

Every client named on the page or in an export is logged as read (`cases.access.log_reads`)."""

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.models import CaseState
from hemgang.errors import DomainValidationError
from hemgang.exports import Table, check_format, export_response

from .. import access as followup_access
from ..filters import CaseloadFilter
from ..selectors import caseload_now
from ..selectors.caseload import COMING_DAYS

TABLES = {
    "cases": gettext_lazy("Cases in progress"),
    "pipeline": gettext_lazy("Pipeline"),
    "staff": gettext_lazy("Staff"),
}


def _caseload(request):
    """The filter, the teams it chose and their caseload; a bad filter value is a message on the form (the
    page goes on for all of the user's teams), and a manager without a team gets a message and no tables."""
    user = request.user
    mine = followup_access.teams_for(user)
    filters = CaseloadFilter(request.GET or None, teams=mine)
    try:
        chosen = followup_access.chosen_teams(user, filters.team_id, teams=mine)
    except DomainValidationError as err:
        return filters, None, err.message
    caseload = caseload_now(
        teams=chosen, cases=filters.qs, staff=filters.chosen_staff, problems_only=filters.problems_only
    )
    return filters, caseload, None


def _log(request, caseload, what: str) -> None:
    if caseload is not None:
        access.log_reads(request, [(case.client_id, case.pk) for case in caseload.shown], what=what)


@access.requires("followup.view_followup")
def caseload(request):
    filters, load, problem = _caseload(request)
    _log(request, load, "followup.caseload")
    context = {
        "filters": filters,
        "load": load,
        "problem": problem,
        "query": urlencode(filters.query()),
        "tables": TABLES,
        "coming_days": COMING_DAYS,
    }
    return render(request, "followup/caseload.html", context)


@access.requires("followup.view_followup")
def export(request, table, fmt):
    """One table of the page as a download; an unknown table or format is a 400 page that says which exist."""
    try:
        check_format(fmt)
        if table not in TABLES:
            raise DomainValidationError(
                _("There is no such table. Export the cases, the pipeline or the staff."), code="unknown_table"
            )
    except DomainValidationError as err:
        context = {"error_title": _("The table could not be exported"), "error_text": err.message}
        return render(request, "_error_page.html", context, status=400)
    _filters, load, problem = _caseload(request)
    if load is None:
        context = {"error_title": _("The table could not be exported"), "error_text": problem}
        return render(request, "_error_page.html", context, status=400)
    built = {"cases": cases_table, "pipeline": pipeline_table, "staff": staff_table}[table](load)
    if table != "staff":
        _log(request, load, f"followup.export.{table}")
    stamp = timezone.localdate().isoformat()
    return export_response(built, fmt, filename=f"{built.title} {stamp}")


# --- the tables as plain values (the export; the page shows the same columns) ---------------------------


def _moment(value: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def consent_text(row) -> str:
    if row.consent_missing:
        return _("Missing")
    if row.consent is None:
        return ""
    template = _("Ends %(day)s") if row.consent.is_ending else _("Expired %(day)s")
    return template % {"day": row.consent.until.isoformat()}


def receipts_text(row) -> str:
    if not row.receipts.missing:
        return ""
    text = _("%(n)s not acknowledged") % {"n": row.receipts.missing}
    if row.receipts.escalated:
        text += " (" + _("%(n)s escalated") % {"n": row.receipts.escalated} + ")"
    return text


def cases_table(load) -> Table:
    headers = (
        _("Client"),
        _("Case"),
        _("Team"),
        _("State"),
        _("Day"),
        _("Of days"),
        _("Triage"),
        _("Next visit"),
        _("Follow-up meeting"),
        _("Consent"),
        _("Receipts"),
        _("Late visits"),
        _("Past the end date"),
        _("Undocumented visits"),
    )
    rows = tuple(
        (
            row.case.client.full_name,
            row.case.reference,
            row.case.team.name,
            row.case.get_state_display(),
            row.day,
            row.length,
            row.case.referral.triage_short if hasattr(row.case, "referral") else "",
            _moment(row.next_visit),
            _moment(row.meeting.starts_at) if row.meeting else "",
            consent_text(row),
            receipts_text(row),
            row.overdue_visits,
            row.past_end,
            row.undocumented,
        )
        for row in load.cases
    )
    return Table(TABLES["cases"], headers, rows)


def pipeline_table(load) -> Table:
    headers = (
        _("Client"),
        _("Case"),
        _("Team"),
        _("Waiting for"),
        _("Days waited"),
        _("Ready for discharge"),
        _("Payment responsibility from"),
        _("Days of payment responsibility"),
        _("Cost so far (kr)"),
    )
    rows = tuple(
        (
            row.case.client.full_name,
            row.case.reference,
            row.case.team.name,
            waiting_for(row.case),
            row.waiting_days,
            _moment(row.ready_for_discharge_at),
            row.payment_from,
            row.payment_days,
            row.payment_cost,
        )
        for row in load.pipeline
    )
    return Table(TABLES["pipeline"], headers, rows)


def waiting_for(case) -> str:
    return _("Decision") if case.state == CaseState.REFERRED else _("Start")


def staff_table(load) -> Table:
    headers = (
        _("Staff member"),
        _("Team"),
        _("Running cases"),
        _("Visits today"),
        _("Visits the next %(days)s days") % {"days": COMING_DAYS},
        _("Undocumented visits"),
    )
    rows = tuple(
        (s.user.display_name, s.user.team.name, s.cases, s.visits_today, s.visits_coming, s.undocumented)
        for s in load.staff
    )
    return Table(TABLES["staff"], headers, rows)
