"""What the follow-up's selectors share: the teams asked about, the period, and which events mean what."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import RUNNING_STATES, CaseEvent, CaseState, Team
from hemgang.errors import DomainValidationError
from notifications.reminders import at_local

Kind = CaseEvent.Kind

# The support ended: closed after the handover, or broken off while it ran (the client said no, or went
# back to hospital). A referral declined or withdrawn before the start never had support to end.
SUPPORT_ENDED = Q(kind=Kind.CLOSED) | Q(kind__in=[Kind.WITHDRAWN, Kind.READMITTED], from_state__in=RUNNING_STATES)
SUPPORT_STARTED = Q(kind=Kind.STARTED)
# Referrals that ended before any support: declined by the case officer, or withdrawn by the client.
NOT_STARTED_STATES = (CaseState.REFERRED, CaseState.DECIDED)
REFERRAL_ENDED = Q(kind__in=[Kind.DECLINED, Kind.WITHDRAWN], from_state__in=NOT_STARTED_STATES)


def teams_of(teams) -> list[Team]:
    """The teams asked about (Team objects or ids), with their municipality, in one query. Which teams a
    user may see is decided by the caller through `access.py`; here an empty choice or an id that names no
    team is refused, rather than giving figures of fewer teams than asked for."""
    ids = sorted({getattr(team, "pk", team) for team in teams})
    if not ids:
        raise DomainValidationError(_("Choose at least one team."), field="teams", code="no_team")
    found = list(Team.objects.filter(pk__in=ids).select_related("municipality").order_by("name"))
    if len(found) != len(ids):
        raise DomainValidationError(_("There is no such team."), field="teams", code="unknown_team")
    return found


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainValidationError(
            _("The period ends (%(end)s) before it starts (%(start)s).") % {"start": start, "end": end},
            field="end",
            code="period_reversed",
        )


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the first day to the start of the day after the last, in Stockholm."""
    return at_local(start, dt.time.min), at_local(end + dt.timedelta(days=1), dt.time.min)
