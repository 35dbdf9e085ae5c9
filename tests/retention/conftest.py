"""A person's whole case, lived through at a moment in the past: referred, decided, started, journal
written, measured, handed over and closed a week later (the last entry)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases import services
from cases.models import Role
from measures import services as measures
from scheduling import services as scheduling
from scheduling.models import JournalEntry

from .. import factories as f


def at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def nurse(world):
    return f.UserFactory(
        municipality=world.town, role=Role.TEAM_STAFF, profession="ssk", team=world.team, username="nurse"
    )


@pytest.fixture
def lived_case(world, nurse):
    """`lived_case(start, birth=..., coordination=False, health=False)`: the case of a new client, its
    support starting on `start` and closed on `start + 7` days, which is then the person's last entry."""

    def _live(start: dt.date, *, birth=dt.date(1940, 5, 17), coordination=False, health=False, the_client=None):
        with time_machine.travel(at(start, 8), tick=False):
            client = the_client or f.client(
                world.officer, personal_number=f.personal_number(birth, coordination=coordination)
            )
            case = f.referred_case(world.officer, client, planned_homecoming_on=start, admitted_on=start)
            f.consent(world.officer, case)
            f.decision(world.officer, case, world.team, world.types, world.basis, start=start)
            case = services.case_start(actor=world.staff, case=case)
            measures.safety_record(actor=world.staff, case=case, phase="start", score=3)
            scheduling.journal_sign(
                actor=world.staff, case=case, kind=JournalEntry.Kind.SOCIAL, text="Trygg första natten."
            )
            if health:
                scheduling.journal_sign(actor=nurse, case=case, kind=JournalEntry.Kind.HEALTH, text="Blodtryck 130/80.")
        with time_machine.travel(at(start + dt.timedelta(days=7), 9), tick=False):
            measures.safety_record(actor=world.staff, case=case, phase="end", score=8)
            f.hand_over(world.staff, case)
            f.close(world.staff, case)
        case.refresh_from_db()
        return case

    return _live


@pytest.fixture(autouse=True)
def _owner_connection_closed():
    """The run takes its lock on the owner connection; closed after each test, so the test database can
    be dropped at the end (an open session keeps it)."""
    yield
    from django.db import connections

    connections["owner"].close()
