"""A team accepted over its capacity: the case event log tells notifications, which tells the team's unit
managers once per acceptance; cases itself knows nothing of notifications."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseEvent, Role
from hemgang.errors import DomainError
from notifications.models import Notification

from .. import factories as f

REASON = "Ingen annan kan ta emot i dag"


@pytest.fixture
def full_team(world):
    """Team Norr at its capacity of one client, with a second (active) unit manager and one who left."""
    world.team.capacity = 1
    world.team.save()
    world.manager2 = f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.team)
    f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.team, is_active=False)
    f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.other_team)
    first = f.referred_case(world.officer)
    f.consent(world.officer, first)
    f.decision(world.officer, first, world.team, world.types, world.basis)
    return world.team


def _decide(world, case, team, reason=""):
    today = timezone.localdate()
    return case_services.decision_register(
        actor=world.officer,
        case=case,
        team=team,
        legal_basis=world.basis,
        needs_assessed=True,
        decided_on=today,
        start_date=today,
        end_date=today + dt.timedelta(days=9),
        purpose="Trygg hemgång",
        goals="",
        interventions=[case_services.InterventionLine(world.types[0].pk, 1, "day", 30, "day")],
        capacity_override_reason=reason,
        consent_gap_accepted=True,
    )


def _consented_case(world):
    case = f.referred_case(world.officer)
    f.consent(world.officer, case)
    return case


def test_a_decision_over_capacity_notifies_the_teams_active_unit_managers(world, full_team):
    case = _consented_case(world)
    _decide(world, case, full_team, REASON)
    event = CaseEvent.objects.get(case=case, kind="decided")
    rows = Notification.objects.filter(kind="over_capacity").order_by("recipient_id")
    assert [r.recipient for r in rows] == [world.manager, world.manager2]
    assert [r.key for r in rows] == [
        f"over_capacity:{case.pk}:{full_team.pk}:{event.pk}:user:{user.pk}" for user in (world.manager, world.manager2)
    ]
    row = rows[0]
    assert row.case == case and row.municipality == world.town and row.path == f"/cases/{case.pk}/"
    assert case.reference in row.body and "2 av 1" in row.body and "Team Norr" in row.subject
    assert case.client.last_name not in row.subject + row.body and REASON not in row.body


def test_a_change_of_team_over_capacity_notifies_the_new_teams_managers(world, full_team):
    case = _consented_case(world)
    _decide(world, case, world.other_team)
    assert not Notification.objects.exists()
    case_services.case_assign_team(actor=world.officer, case=case, team=full_team, capacity_override_reason=REASON)
    event = CaseEvent.objects.get(case=case, kind="team_assigned")
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {
        f"over_capacity:{case.pk}:{full_team.pk}:{event.pk}:user:{u.pk}" for u in (world.manager, world.manager2)
    }


def test_a_team_within_its_capacity_notifies_nobody(world):
    _decide(world, _consented_case(world), world.team)
    assert not Notification.objects.exists()


def test_a_refused_decision_notifies_nobody(world, full_team):
    with pytest.raises(DomainError) as err:
        _decide(world, _consented_case(world), full_team)
    assert err.value.code == "team_at_capacity"
    assert not Notification.objects.exists()


def test_cases_never_imports_notifications():
    """The layer rule: notifications listens to cases, cases does not know it exists."""
    imported = set()
    for path in (Path(__file__).resolve().parents[2] / "cases").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert "notifications" not in imported
