"""The follow-up for a period (issue 11, part 2): every figure of the chosen month, quarter, year or dates,
for one of the unit manager's teams or all of them, with charts and their tables, and every table as a
download. Aggregates only, no client is shown: no access-log row (`cases.access.log_reads` is for the
reads of a client)."""

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from hemgang.exports import FORMATS, export_response

from .. import charts, tables
from ..access import teams_for
from ..forms import MONTH, QUARTER, YEAR, PeriodForm
from ..selectors import monthly_trend, period_figures
from ..selectors.period import LENGTH_TARGET

TREND_MONTHS = 12


def trend_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The chosen period, or the twelve months up to its last one when the period is shorter: a month
    alone makes no trend."""
    year, month = divmod(end.year * 12 + end.month - 1 - (TREND_MONTHS - 1), 12)
    return min(start, dt.date(year, month + 1, 1)), end


def _neighbour(query: dict, kind: str, step: int) -> str | None:
    """The query of the period before (-1) or after (+1) this month, quarter or year."""
    if kind not in (MONTH, QUARTER, YEAR):
        return None
    year = int(query["year"])
    if kind == MONTH:
        index = year * 12 + int(query["month"]) - 1 + step
        moved = {"year": index // 12, "month": index % 12 + 1}
    elif kind == QUARTER:
        index = year * 4 + int(query["quarter"]) - 1 + step
        moved = {"year": index // 4, "quarter": index % 4 + 1}
    else:
        moved = {"year": year + step}
    return urlencode({**query, **{key: str(value) for key, value in moved.items()}})


def _period_title(choice) -> str:
    if choice.kind == MONTH:
        return tables.month_label(choice.start)
    if choice.kind == QUARTER:
        return _("Quarter %(n)s %(year)s") % {"n": (choice.start.month - 1) // 3 + 1, "year": choice.start.year}
    if choice.kind == YEAR:
        return str(choice.start.year)
    return f"{choice.start.isoformat()} – {choice.end.isoformat()}"


def _figures(form):
    """The figures of the form's choice: five queries for the period, two for the trend."""
    choice = form.choice
    figures = period_figures(teams=choice.teams, start=choice.start, end=choice.end)
    trend_start, trend_end = trend_range(choice.start, choice.end)
    trend = monthly_trend(teams=choice.teams, start=trend_start, end=trend_end)
    return choice, figures, trend, (trend_start, trend_end)


def _tables(form):
    choice, figures, trend, trend_period = _figures(form)
    parts = tables.sections(figures, choice.teams[0].municipality)
    return {
        "choice": choice,
        "figures": figures,
        "trend": trend,
        "trend_period": trend_period,
        "sections": parts,
        "tables": {
            "figures": tables.figures_table(parts),
            "lengths": tables.length_table(figures),
            "trend": tables.trend_table(trend),
            "referrals": tables.referrals_table(figures),
        },
    }


def _charts(figures, trend, lengths_table) -> dict:
    labels = [tables.short_month_label(m.month) for m in trend]
    target = next(n for n, b in enumerate(figures.length_buckets) if (b.low, b.high) == LENGTH_TARGET)
    return {
        "flow": charts.bar_chart(
            name=_("Supports started and ended per month"),
            labels=labels,
            series=[
                charts.Series(_("Started"), [m.started for m in trend], charts.BLUE),
                charts.Series(_("Ended"), [m.ended for m in trend], charts.ORANGE),
            ],
        ),
        "length_trend": charts.line_chart(
            name=_("Median length of support per month, against the usual 12–18 days"),
            labels=labels,
            values=[m.length_median_days for m in trend],
            band=LENGTH_TARGET,
        ),
        "distribution": charts.bar_chart(
            name=_("Supports ended by length in days; the usual 12–18 days marked"),
            labels=[row[0] for row in lengths_table.rows],
            series=[charts.Series(_("Supports ended"), [b.count for b in figures.length_buckets], charts.BLUE)],
            highlight=target,
        ),
    }


def _page(request, form, *, status=200):
    context = {"form": form, "teams": form.teams}
    if form.choice is not None:
        context.update(_tables(form))
        query = form.query()
        context["query"] = urlencode(query)
        context["previous"] = _neighbour(query, form.choice.kind, -1)
        context["next"] = _neighbour(query, form.choice.kind, +1)
        context["period_title"] = _period_title(form.choice)
        context["charts"] = _charts(context["figures"], context["trend"], context["tables"]["lengths"])
        context["exports"] = [(name, table.title) for name, table in context["tables"].items()]
    return render(request, "followup/period.html", context, status=status)


def _form(request) -> PeriodForm:
    return PeriodForm(request.GET, user=request.user, teams=teams_for(request.user), today=timezone.localdate())


@access.requires("followup.view_followup")
def period(request):
    form = _form(request)
    form.is_valid()
    return _page(request, form)


@access.requires("followup.view_followup")
def export(request, table, fmt):
    """One of the page's tables as CSV or Excel, for the page's own choice of team and period. A choice
    the page would refuse shows the page with its message instead of a file."""
    if table not in ("figures", "lengths", "trend", "referrals") or fmt not in FORMATS:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    chosen = _tables(form)
    choice = chosen["choice"]
    team = choice.teams[0].name if choice.team_id is not None else _("all teams")
    filename = f"{chosen['tables'][table].title} {team} {choice.start.isoformat()} {choice.end.isoformat()}"
    return export_response(chosen["tables"][table], fmt, filename=filename)
