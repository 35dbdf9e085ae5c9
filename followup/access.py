"""Who may see the follow-up, and of which teams. The unit manager steers their own teams: the team they
belong to and those they lead (`cases.access.team_ids`). Nobody else has a follow-up page, and a team
that is not the manager's is refused exactly as one that does not exist."""

import rules
from django.utils.translation import gettext_lazy as _

from cases.access import is_unit_manager, team_ids
from cases.models import Team
from hemgang.errors import DomainValidationError

rules.add_perm("followup.view_followup", is_unit_manager)


def teams_for(user) -> list[Team]:
    """The user's teams, by name, with their municipality (one query)."""
    ids = team_ids(user)
    if not ids or not rules.has_perm("followup.view_followup", user):
        return []
    return list(
        Team.objects.filter(pk__in=ids, municipality_id=user.municipality_id)
        .select_related("municipality")
        .order_by("name")
    )


def chosen_teams(user, team_id: int | None, *, teams: list[Team] | None = None) -> list[Team]:
    """One of the user's teams, or all of them when `team_id` is None. An id that is not one of the user's
    teams — another team, another municipality's, or none at all — gets the same message, and no page
    tells which teams exist elsewhere."""
    mine = teams_for(user) if teams is None else teams
    if team_id is None:
        if not mine:
            raise DomainValidationError(_("You lead no team."), field="team", code="no_team")
        return mine
    chosen = [team for team in mine if team.pk == team_id]
    if not chosen:
        raise DomainValidationError(_("Choose one of your teams."), field="team", code="not_your_team")
    return chosen
