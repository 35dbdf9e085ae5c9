import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases import services
from hemgang.errors import DomainError

from .. import factories as f


def test_consent_given_1_march_is_valid_through_10_march(world, referred):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        consent = f.consent(world.officer, referred, given_on=dt.date(2026, 3, 1))
    assert consent.valid_until == dt.date(2026, 3, 10)
    assert consent.is_valid_on(dt.date(2026, 3, 1))
    assert consent.is_valid_on(dt.date(2026, 3, 10))
    assert not consent.is_valid_on(dt.date(2026, 3, 11))
    assert not consent.is_valid_on(dt.date(2026, 2, 28))


def test_the_validity_follows_the_municipality_setting(world, referred):
    world.town.consent_validity_days = 14
    world.town.save()
    consent = f.consent(world.officer, referred)
    assert consent.valid_until == timezone.localdate() + dt.timedelta(days=13)


@pytest.mark.parametrize(
    "days_ago, valid",
    [(0, True), (9, True), (10, False)],  # given today; expires today (day 10); expired yesterday
)
def test_has_valid_consent_at_the_day_boundaries(world, referred, days_ago, valid):
    f.consent(world.officer, referred, given_on=timezone.localdate() - dt.timedelta(days=days_ago))
    referred.refresh_from_db()
    assert referred.has_valid_consent() is valid


def test_withdrawn_consent_is_no_longer_valid(world, referred):
    consent = f.consent(world.officer, referred)
    services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Brukaren", reason="Vill inte")
    referred.refresh_from_db()
    assert not referred.has_valid_consent()
    consent.refresh_from_db()
    assert consent.withdrawn_recorded_by == world.officer


def test_it_refuses_withdrawing_twice(world, referred):
    consent = f.consent(world.officer, referred)
    services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Brukaren", reason="Nej")
    with pytest.raises(DomainError):
        services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Brukaren", reason="Nej")


def test_it_refuses_consent_given_in_the_future(world, referred):
    with pytest.raises(DomainError) as err:
        f.consent(world.officer, referred, given_on=timezone.localdate() + dt.timedelta(days=1))
    assert err.value.field == "given_on"


def test_it_refuses_consent_on_an_ended_case(world, referred):
    services.case_decline(actor=world.officer, case=referred, reason="Grön")
    with pytest.raises(DomainError):
        f.consent(world.officer, referred)
