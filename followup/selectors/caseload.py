"""The caseload now (issue 11, part 1): per team its load against its capacity and its pipeline, and per
staff member the cases they are working on. Two queries, whatever the history: counts over the open
cases (the states' index), and the staff's planned visits from today."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import LOAD_STATES, RUNNING_STATES, CaseState, Role, Team, User
from notifications.reminders import at_local

from .common import teams_of


@dataclass(frozen=True)
class TeamLoad:
    team: Team
    referred: int
    decided: int
    active: int
    handed_over: int

    @property
    def load(self) -> int:
        """Clients at once (SKL 2017): a decided case holds its place from the decision, an active one until
        it is handed over (`cases.models.LOAD_STATES`)."""
        return sum(getattr(self, state) for state in LOAD_STATES)

    @property
    def capacity(self) -> int:
        return self.team.capacity

    @property
    def capacity_use(self) -> float:
        return self.load / self.capacity

    @property
    def over_capacity(self) -> bool:
        return self.load > self.capacity


@dataclass(frozen=True)
class StaffLoad:
    user: User
    cases: int


@dataclass(frozen=True)
class Caseload:
    teams: tuple[TeamLoad, ...]
    staff: tuple[StaffLoad, ...]


def caseload_now(*, teams) -> Caseload:
    """The load of `teams` now, and of each of their staff: the running cases in which the staff member has
    a planned visit from today on (the team shares its cases; the visits say who works on which)."""
    ids = [team.pk for team in teams_of(teams)]
    counts = {
        state: Count("cases", filter=Q(cases__state=state))
        for state in (CaseState.REFERRED, CaseState.DECIDED, CaseState.ACTIVE, CaseState.HANDED_OVER)
    }
    rows = Team.objects.filter(pk__in=ids).annotate(**counts).order_by("name")
    team_loads = tuple(TeamLoad(team, team.referred, team.decided, team.active, team.handed_over) for team in rows)
    today = at_local(timezone.localdate(), dt.time.min)
    staff = (
        User.objects.filter(team_id__in=ids, role=Role.TEAM_STAFF, is_active=True)
        .annotate(
            running=Count(
                "visits__case",
                filter=Q(
                    visits__case__state__in=RUNNING_STATES,
                    visits__status="planned",
                    visits__planned_start__gte=today,
                ),
                distinct=True,
            )
        )
        .order_by("team__name", "last_name", "first_name")
    )
    return Caseload(team_loads, tuple(StaffLoad(user, user.running) for user in staff))
