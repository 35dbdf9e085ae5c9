"""The caseload now (issue 11, part 1): per team its load against its capacity and its pipeline, and per
staff member the cases they are working on. Three queries, whatever the history: the teams, counts over
the open cases, and the staff's planned visits from today."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone

from cases.models import LOAD_STATES, OPEN_STATES, RUNNING_STATES, Case, Role, Team, User
from notifications.reminders import at_local

from .common import teams_of


@dataclass(frozen=True)
class TeamLoad:
    """A team's open cases by state (the fields in the order of `cases.models.OPEN_STATES`)."""

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
    a planned visit from today on (the team shares its cases; the visits say who works on which).

    Both counts read only what is open or still to come — the open cases through the team-and-state
    index, the staff's visits from today through the staff-and-start index — so ten years of closed cases
    and done visits cost nothing here."""
    chosen = teams_of(teams)
    ids = [team.pk for team in chosen]
    by_state = {
        (row["team_id"], row["state"]): row["n"]
        for row in Case.objects.filter(team_id__in=ids, state__in=OPEN_STATES)
        .values("team_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    }
    team_loads = tuple(TeamLoad(team, *(by_state.get((team.pk, state), 0) for state in OPEN_STATES)) for team in chosen)
    coming = Q(visits__status="planned", visits__planned_start__gte=at_local(timezone.localdate(), dt.time.min))
    staff = (
        User.objects.filter(team_id__in=ids, role=Role.TEAM_STAFF, is_active=True)
        # The visits' conditions in the join itself: a LEFT JOIN of the visits still to come only.
        .annotate(coming=FilteredRelation("visits", condition=coming))
        .annotate(running=Count("coming__case", filter=Q(coming__case__state__in=RUNNING_STATES), distinct=True))
        .order_by("team__name", "last_name", "first_name")
    )
    return Caseload(team_loads, tuple(StaffLoad(user, user.running) for user in staff))
