import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Client
from hemgang.errors import DomainError

from .. import factories as f


def test_it_opens_a_referred_case_with_its_referral(world):
    case = f.referred_case(world.officer)
    assert case.state == "referred"
    assert case.referral.triage == "yellow"
    assert case.case_officer == world.officer
    assert case.municipality == world.town


def test_it_refuses_a_second_open_case_for_the_same_client(world, referred):
    with pytest.raises(DomainError) as err:
        f.referred_case(world.officer, referred.client)
    assert err.value.code == "open_case_exists"
    assert "redan ett öppet ärende" in str(err.value.message)
    assert Case.objects.filter(client=referred.client).count() == 1


def test_a_client_whose_case_ended_can_be_referred_again(world, referred):
    services.case_decline(actor=world.officer, case=referred, reason="Grön")
    again = f.referred_case(world.officer, referred.client)
    assert again.state == "referred"


def test_it_refuses_homecoming_before_admission(world):
    today = timezone.localdate()
    the_client = f.client(world.officer)
    with pytest.raises(DomainError) as err:
        f.referred_case(world.officer, the_client, admitted_on=today, planned_homecoming_on=today - dt.timedelta(1))
    assert err.value.field == "planned_homecoming_on"
    assert not Case.objects.filter(client=the_client).exists()


def test_an_exclusion_needs_the_officers_comment(world):
    with pytest.raises(DomainError) as err:
        f.referred_case(world.officer, exclusion_palliative=True, exclusion_comment="")
    assert err.value.field == "exclusion_comment"


def test_client_and_referral_in_one_flow_saves_nothing_when_the_referral_is_refused(world):
    number = f.personal_number()
    today = timezone.localdate()
    with pytest.raises(DomainError):
        services.client_and_referral_register(
            actor=world.officer,
            client_fields={"personal_number": number, "first_name": "Ny", "last_name": "Brukare"},
            referral_fields=f.referral_fields(admitted_on=today, planned_homecoming_on=today - dt.timedelta(1)),
        )
    assert not Client.objects.filter(personal_number=number).exists()


def test_client_and_referral_uses_the_registered_client_by_number(world):
    existing = f.client(world.officer)
    case = services.client_and_referral_register(
        actor=world.officer,
        client_fields={"personal_number": existing.personal_number_display},
        referral_fields=f.referral_fields(),
    )
    assert case.client == existing
    assert Client.objects.filter(personal_number=existing.personal_number).count() == 1


def test_the_same_number_in_another_municipality_is_another_client(world):
    number = f.personal_number()
    mine = f.client(world.officer, personal_number=number)
    theirs = f.client(world.outsider, personal_number=number)
    assert mine.pk != theirs.pk


def test_a_duplicate_client_is_refused_with_a_field_error(world):
    existing = f.client(world.officer)
    with pytest.raises(DomainError) as err:
        f.client(world.officer, personal_number=existing.personal_number)
    assert err.value.field == "personal_number"


def test_client_history_records_the_actor(world):
    the_client = f.client(world.officer)
    assert the_client.history.first().history_user == world.officer
