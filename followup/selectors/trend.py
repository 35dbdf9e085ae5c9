"""The monthly trend for a chart: per month, supports started and ended and the median length of those
ended. One query grouped by the Stockholm month; months without events are filled in as zeros."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

from cases.models import CaseEvent

from .common import SUPPORT_ENDED, SUPPORT_STARTED, check_period, period_bounds, teams_of
from .period import support_length
from .sql import Percentile


@dataclass(frozen=True)
class Month:
    month: dt.date  # the first day of the month
    started: int
    ended: int
    length_median_days: float | None


def months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    first, months = start.replace(day=1), []
    while first <= end:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly_trend(*, teams, start: dt.date, end: dt.date) -> list[Month]:
    check_period(start, end)
    ids = [team.pk for team in teams_of(teams)]
    since, until = period_bounds(start, end)
    rows = (
        CaseEvent.objects.filter(SUPPORT_STARTED | SUPPORT_ENDED, team_id__in=ids, at__gte=since, at__lt=until)
        .annotate(month=TruncMonth("at"), length=support_length())
        .values("month")
        .annotate(
            started=Count("case_id", filter=SUPPORT_STARTED, distinct=True),
            ended=Count("case_id", filter=SUPPORT_ENDED, distinct=True),
            length_median=Percentile("length", 0.5, filter=SUPPORT_ENDED),
        )
        .order_by("month")
    )
    found = {timezone_free(row["month"]): row for row in rows}
    return [
        Month(month, found[month]["started"], found[month]["ended"], found[month]["length_median"])
        if month in found
        else Month(month, 0, 0, None)
        for month in months_of(start, end)
    ]


def timezone_free(month) -> dt.date:
    """TruncMonth of a moment gives the month's start as a Stockholm datetime: its day is the key."""
    return month.date() if isinstance(month, dt.datetime) else month
