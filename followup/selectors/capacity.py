"""The capacity planner (SKL 2017, figure 6): clients at once × 365 / average length in days = clients a
year; a medium team of 10–15 clients at once with about two weeks' length serves 260–390 a year."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseEvent
from hemgang.errors import DomainValidationError

from .common import SUPPORT_STARTED, period_bounds, teams_of

DAYS_A_YEAR = 365


@dataclass(frozen=True)
class CapacityPlan:
    clients_at_once: Decimal
    average_length_days: Decimal

    @property
    def clients_a_year(self) -> Decimal:
        return self.clients_at_once * DAYS_A_YEAR / self.average_length_days


def capacity_plan(*, clients_at_once, average_length_days) -> CapacityPlan:
    """Clients a year for the team as it is or for what-if values. A length must be more than zero days
    (it divides); the clients at once may be zero (a team not yet staffed serves nobody)."""
    try:
        clients, length = Decimal(str(clients_at_once)), Decimal(str(average_length_days))
    except ArithmeticError:
        raise DomainValidationError(_("Enter numbers."), code="not_a_number") from None
    if not clients.is_finite() or not length.is_finite():
        raise DomainValidationError(_("Enter numbers."), code="not_a_number")
    if length <= 0:
        raise DomainValidationError(
            _("The average length must be more than zero days."), field="average_length_days", code="length_positive"
        )
    if clients < 0:
        raise DomainValidationError(
            _("The number of clients at once cannot be negative."), field="clients_at_once", code="clients_negative"
        )
    return CapacityPlan(clients, length)


def last_12_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months up to and including `today`: from the day after the same day a year ago
    (28 February when that day is 29 February in a leap year, as the year before has no 29th)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), today


def actual_intake_last_12_months(teams) -> int:
    """Clients whose support started in the last twelve months (the started events), next to the plan."""
    ids = [team.pk for team in teams_of(teams)]
    since, until = period_bounds(*last_12_months(timezone.localdate()))
    started = CaseEvent.objects.filter(SUPPORT_STARTED, team_id__in=ids, at__gte=since, at__lt=until)
    return started.aggregate(n=Count("case_id", distinct=True))["n"]
