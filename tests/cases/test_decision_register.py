import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Decision, Intervention
from cases.services import InterventionLine
from hemgang.errors import DomainError

from .. import factories as f


def test_it_registers_the_decision_with_its_interventions_and_moves_the_case(world, referred):
    f.consent(world.officer, referred)
    decision = f.decision(world.officer, referred, world.team, world.types, world.basis, days=10)
    referred.refresh_from_db()
    assert referred.state == "decided"
    assert referred.team == world.team
    assert decision.length_days == 10
    assert decision.interventions.count() == 1
    assert decision.history.first().history_user == world.officer


def test_it_refuses_a_decision_without_valid_consent(world, referred):
    with pytest.raises(DomainError) as err:
        f.decision(world.officer, referred, world.team, world.types, world.basis)
    assert err.value.code == "consent_required"
    assert "samtycke" in str(err.value.message)
    assert not Decision.objects.exists()
    referred.refresh_from_db()
    assert referred.state == "referred"


def test_it_refuses_a_decision_when_consent_was_withdrawn(world, referred):
    consent = f.consent(world.officer, referred)
    services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Dottern", reason="Brukaren vill inte")
    with pytest.raises(DomainError):
        f.decision(world.officer, referred, world.team, world.types, world.basis)


def test_it_refuses_an_end_date_before_the_start(world, referred):
    f.consent(world.officer, referred)
    today = timezone.localdate()
    with pytest.raises(DomainError) as err:
        services.decision_register(
            actor=world.officer,
            case=referred,
            team=world.team,
            legal_basis=world.basis,
            needs_assessed=True,
            decided_on=today,
            start_date=today,
            end_date=today - dt.timedelta(days=1),
            purpose="x",
            goals="",
            interventions=[InterventionLine(world.types[0].pk, 1, "day", 30, "day")],
        )
    assert err.value.field == "end_date"
    assert not Decision.objects.exists()


def test_it_refuses_a_decision_longer_than_the_team_allows(world, referred):
    world.team.max_support_days = 14
    world.team.save()
    f.consent(world.officer, referred)
    with pytest.raises(DomainError) as err:
        f.decision(world.officer, referred, world.team, world.types, world.basis, days=15)
    assert err.value.field == "end_date"
    assert "14" in str(err.value.message)
    assert not Decision.objects.exists()


def test_the_team_maximum_itself_is_allowed(world, referred):
    world.team.max_support_days = 14
    world.team.save()
    f.consent(world.officer, referred)
    assert f.decision(world.officer, referred, world.team, world.types, world.basis, days=14).length_days == 14


def test_it_refuses_a_decision_without_interventions(world, referred):
    f.consent(world.officer, referred)
    today = timezone.localdate()
    with pytest.raises(DomainError) as err:
        services.decision_register(
            actor=world.officer,
            case=referred,
            team=world.team,
            legal_basis=world.basis,
            needs_assessed=True,
            decided_on=today,
            start_date=today,
            end_date=today,
            purpose="x",
            goals="",
            interventions=[],
        )
    assert err.value.code == "no_interventions"


def test_it_refuses_a_team_of_another_municipality(world, referred):
    f.consent(world.officer, referred)
    foreign = f.TeamFactory(municipality=world.elsewhere)
    with pytest.raises(DomainError) as err:
        f.decision(world.officer, referred, foreign, world.types, world.basis)
    assert err.value.field == "team"


def test_nothing_is_saved_when_an_intervention_is_out_of_range(world, referred):
    from django.db import IntegrityError

    f.consent(world.officer, referred)
    today = timezone.localdate()
    with pytest.raises(IntegrityError):
        services.decision_register(
            actor=world.officer,
            case=referred,
            team=world.team,
            legal_basis=world.basis,
            needs_assessed=True,
            decided_on=today,
            start_date=today,
            end_date=today,
            purpose="x",
            goals="",
            interventions=[InterventionLine(world.types[0].pk, 99, "day", 30, "day")],
        )
    assert not Decision.objects.exists()
    assert not Intervention.objects.exists()


def test_changing_team_after_the_decision_respects_the_new_teams_maximum(world, decided):
    world.other_team.max_support_days = 5
    world.other_team.usual_support_days = 5
    world.other_team.save()
    with pytest.raises(DomainError):
        services.case_assign_team(actor=world.officer, case=decided, team=world.other_team)
    world.other_team.max_support_days = 28
    world.other_team.save()
    services.case_assign_team(actor=world.officer, case=decided, team=world.other_team)
    decided.refresh_from_db()
    assert decided.team == world.other_team
