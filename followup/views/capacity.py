"""The capacity planner (issue 11, part 3; SKL 2017, figure 6): clients at once × 365 / average length
= clients a year, for the team as it is — at its capacity and at its load now — and for the what-if
values the unit manager types in, next to the clients actually taken in over the last twelve months.
Aggregates only, no client is shown: no access-log row."""

from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone

from cases import access

from ..access import teams_for
from ..forms import TeamForm, WhatIfForm
from ..selectors import actual_intake_last_12_months, capacity_plan, period_figures, team_loads
from ..selectors.capacity import last_12_months


def _usual_length(teams) -> Decimal:
    """The teams' usual length when nothing ended in the last twelve months: for several teams their
    mean weighted by capacity, as a larger team's length weighs more in what they serve together."""
    places = sum(team.capacity for team in teams)
    return (Decimal(sum(team.usual_support_days * team.capacity for team in teams)) / places).quantize(Decimal("0.1"))


def _as_is(teams) -> dict:
    """The team as it is: capacity, load now, the last twelve months' length and intake."""
    loads = team_loads(teams=teams)
    figures = period_figures(teams=teams, start=last_12_months(timezone.localdate())[0], end=timezone.localdate())
    measured = figures.length_mean_days is not None
    length = Decimal(str(round(figures.length_mean_days, 1))) if measured else _usual_length(teams)
    capacity = sum(team.capacity for team in teams)
    current = sum(team.load for team in loads)
    return {
        "capacity": capacity,
        "load": current,
        "length": length,
        "length_measured": measured,
        "length_median": figures.length_median_days,
        "ended": figures.ended,
        "at_capacity": capacity_plan(clients_at_once=capacity, average_length_days=length),
        "at_load": capacity_plan(clients_at_once=current, average_length_days=length),
        "intake": actual_intake_last_12_months(teams),
    }


@access.requires("followup.view_followup")
def capacity(request):
    teams = teams_for(request.user)
    team_form = TeamForm(request.GET, user=request.user, teams=teams)
    context = {"team_form": team_form}
    if team_form.is_valid():
        as_is = _as_is(team_form.chosen)
        what_if = WhatIfForm(
            request.GET,
            initial={
                "team": team_form.cleaned_data["team"] or "",
                "clients_at_once": as_is["capacity"],
                "average_length_days": as_is["length"],
            },
        )
        what_if.is_valid()
        context.update({"teams": team_form.chosen, "as_is": as_is, "what_if": what_if})
    return render(request, "followup/capacity.html", context)
