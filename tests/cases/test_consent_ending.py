"""Consent that ends before the decision (issue 8, item 5): warned on the decision form, shown on the case
page and the case officer's start page, not withdrawable once expired, renewals shown as such."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Consent, Decision
from cases.services import InterventionLine
from hemgang.errors import DomainError

from .. import factories as f

# Consent given on DAY is valid through DAY + 9 (the municipality's 10 days, the first day counted).
DAY = dt.date(2026, 11, 23)


def _at(day: dt.date, hour: int = 10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def _consented_case(world, given_on=DAY):
    with _at(given_on):
        case = f.referred_case(world.officer)
        f.consent(world.officer, case, given_on=given_on)
    return case


def _status(case, day):
    case = type(case).objects.prefetch_related("consents").get(pk=case.pk)
    return case.consent_status(day)


# --- the rule, at the day boundaries ---


@pytest.mark.parametrize("days_before_end", [0, 1, 2])  # the last day is today, tomorrow, the day after
def test_consent_ending_within_two_days_is_ending(world, days_before_end):
    case = _consented_case(world)
    last_day = DAY + dt.timedelta(days=9)
    status = _status(case, last_day - dt.timedelta(days=days_before_end))
    assert status.is_ending and status.until == last_day


def test_consent_ending_in_three_days_is_not_yet_shown(world):
    case = _consented_case(world)
    assert _status(case, DAY + dt.timedelta(days=6)) is None


def test_consent_is_expired_the_day_after_its_last_day(world):
    case = _consented_case(world)
    status = _status(case, DAY + dt.timedelta(days=10))
    assert status.is_expired and status.until == DAY + dt.timedelta(days=9)


def test_a_renewal_ends_the_warning(world):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=8)):
        f.consent(world.officer, case, given_on=DAY + dt.timedelta(days=8))
    assert _status(case, DAY + dt.timedelta(days=8)) is None


def test_withdrawn_consent_is_not_reported_as_expiring(world):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=8)):
        services.consent_withdraw(
            actor=world.officer, consent=case.consents.get(), reported_by="Brukaren", reason="Vill inte"
        )
    assert _status(case, DAY + dt.timedelta(days=8)) is None


# --- no withdrawal of an expired consent ---


def test_it_refuses_to_withdraw_an_expired_consent(world):
    case = _consented_case(world)
    consent = case.consents.get()
    with _at(DAY + dt.timedelta(days=10)), pytest.raises(DomainError) as err:
        services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Teamet", reason="Vill inte")
    assert err.value.code == "consent_expired"
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_it_still_withdraws_consent_on_its_last_day(world):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=9)):
        consent = services.consent_withdraw(
            actor=world.officer, consent=case.consents.get(), reported_by="Teamet", reason="Vill inte"
        )
    assert consent.is_withdrawn


def test_the_case_page_offers_no_withdraw_for_an_expired_consent(world, login):
    case = _consented_case(world)
    consent = case.consents.get()
    url = reverse("consent_withdraw", args=[case.pk, consent.pk])
    with _at(DAY + dt.timedelta(days=9)):
        assert url in login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    with _at(DAY + dt.timedelta(days=10)):
        page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
        assert url not in page
        assert "Utgånget" in page
        response = login(world.officer).post(url, {"reported_by": "Teamet", "reason": "Vill inte"})
    assert response.status_code == 200
    assert "redan gått ut" in response.content.decode()


# --- the case page and the start page ---


def test_the_case_page_shows_consent_ending_and_expired(world, login):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=7)):
        page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Samtycket går ut 2026-12-02" in page
    with _at(DAY + dt.timedelta(days=10)):
        page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Samtycket gick ut 2026-12-02" in page


def test_an_ended_case_shows_no_consent_warning(world, login):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=7)):
        services.case_decline(actor=world.officer, case=case, reason="Grön triage")
        page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Samtycket går ut" not in page


def test_the_start_page_lists_open_cases_whose_consent_ends_or_has_ended(world, login):
    ending = _consented_case(world, given_on=DAY)  # last day DAY + 9
    expired = _consented_case(world, given_on=DAY - dt.timedelta(days=3))  # last day DAY + 6
    later = _consented_case(world, given_on=DAY + dt.timedelta(days=3))  # last day DAY + 12
    with _at(DAY + dt.timedelta(days=8)):
        alerts = selectors.consent_alerts(world.officer, today=timezone.localdate())
        page = login(world.officer).get(reverse("home")).content.decode()
    assert [(c.pk, s.kind) for c, s in alerts] == [(expired.pk, "expired"), (ending.pk, "ending")]
    assert "Samtycket går ut 2026-12-02" in page
    assert "Samtycket gick ut 2026-11-29" in page
    assert later.reference not in page.split("Samtycken att förnya")[1].split("</section>")[0]


def test_the_start_page_shows_no_other_municipalitys_consent(world):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=8)):
        assert selectors.consent_alerts(world.outsider, today=timezone.localdate()) == []
        assert [c.pk for c, _s in selectors.consent_alerts(world.officer, today=timezone.localdate())] == [case.pk]


def test_the_start_page_query_count_does_not_grow_with_the_consent_alerts(world, login):
    """session, user, the open cases (one join), the cases with consent to renew with their clients, their
    consents (one prefetch), the access-log insert, savepoints around the session, the menu's unread
    notifications: the same for 2 and 6."""
    for _ in range(2):
        _consented_case(world)

    def count():
        with _at(DAY + dt.timedelta(days=8)):
            http = login(world.officer)
            with CaptureQueriesContext(connection) as ctx:
                response = http.get(reverse("home"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(4):
        _consented_case(world)
    assert count() == small
    assert small <= 9


# --- the decision form warns ---


def _decision(world, case, *, end, accepted=False):
    return services.decision_register(
        actor=world.officer,
        case=case,
        team=world.team,
        legal_basis=world.basis,
        needs_assessed=True,
        decided_on=DAY,
        start_date=DAY,
        end_date=end,
        purpose="Trygg hemgång",
        goals="",
        interventions=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")],
        consent_gap_accepted=accepted,
    )


def test_a_decision_ending_on_the_consents_last_day_needs_no_confirmation(world):
    case = _consented_case(world)
    with _at(DAY):
        decision = _decision(world, case, end=DAY + dt.timedelta(days=9))
    assert decision.end_date == DAY + dt.timedelta(days=9)


def test_a_decision_past_the_consent_is_refused_until_the_officer_confirms(world):
    case = _consented_case(world)
    with _at(DAY), pytest.raises(DomainError) as err:
        _decision(world, case, end=DAY + dt.timedelta(days=10))
    assert err.value.code == "consent_ends_before_decision"
    assert err.value.field == "consent_gap_accepted"
    assert "2026-12-02" in str(err.value.message) and "2026-12-03" in str(err.value.message)
    assert not Decision.objects.exists()
    with _at(DAY):
        assert _decision(world, case, end=DAY + dt.timedelta(days=10), accepted=True).pk


def _decision_form(world, end, **extra):
    data = {
        "team": world.team.pk,
        "legal_basis": world.basis.pk,
        "needs_assessed": "on",
        "decided_on": DAY.isoformat(),
        "start_date": DAY.isoformat(),
        "end_date": end.isoformat(),
        "purpose": "Trygg hemgång",
        "goals": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-intervention_type": world.types[0].pk,
        "lines-0-times": "1",
        "lines-0-per": "day",
        "lines-0-minutes": "30",
        "lines-0-part_of_day": "morning",
    }
    data.update(extra)
    return data


def test_the_decision_form_warns_and_offers_renewed_consent_that_comes_back(world, login):
    case = _consented_case(world)
    http = login(world.officer)
    url = reverse("decision_new", args=[case.pk])
    end = DAY + dt.timedelta(days=13)
    with _at(DAY):
        response = http.post(url, _decision_form(world, end))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Samtycket gäller till och med 2026-12-02 men beslutet löper till 2026-12-06" in page
        consent_url = reverse("consent_new", args=[case.pk]) + "?next=decision_new"
        assert consent_url in page
        renewed = http.post(
            consent_url,
            {
                "given_on": DAY.isoformat(),
                "given_by": "client",
                "form": "oral",
                "scope": "Hemgång",
                "receivers": [world.group.pk],
            },
        )
        assert renewed.status_code == 302 and renewed["Location"] == url
        # Renewed today it still ends 2026-12-02, so confirming is what lets the decision through.
        response = http.post(url, _decision_form(world, end, consent_gap_accepted="on"))
    assert response.status_code == 302
    assert case.decision.end_date == end


def test_the_consent_form_goes_back_only_to_the_decision_pages(world, login):
    case = _consented_case(world)
    with _at(DAY):
        response = login(world.officer).post(
            reverse("consent_new", args=[case.pk]) + "?next=admin:index",
            {
                "given_on": DAY.isoformat(),
                "given_by": "client",
                "form": "oral",
                "scope": "Hemgång",
                "receivers": [world.group.pk],
            },
        )
    assert response["Location"] == reverse("case_detail", args=[case.pk])


# --- renewal ---


def test_consent_recorded_while_one_is_valid_renews_it_and_the_timeline_says_so(world, login):
    case = _consented_case(world)
    first = case.consents.get()
    with _at(DAY + dt.timedelta(days=8)):
        renewal = f.consent(world.officer, case, given_on=DAY + dt.timedelta(days=8))
        timeline = [e.what for e in selectors.case_timeline(case)]
    assert renewal.renews == first
    assert "Samtycke förnyat" in timeline and "Samtycke registrerat" in timeline


def test_consent_recorded_just_after_expiry_is_a_renewal_but_not_after_a_long_gap(world):
    case = _consented_case(world)
    first = case.consents.get()
    last_day = first.valid_until
    with _at(last_day + dt.timedelta(days=Consent.RENEWAL_GRACE_DAYS)):
        assert f.consent(world.officer, case).renews == first
    other = _consented_case(world)
    with _at(last_day + dt.timedelta(days=Consent.RENEWAL_GRACE_DAYS + 1)):
        assert f.consent(world.officer, other).renews is None


def test_consent_after_a_withdrawal_is_a_new_consent_not_a_renewal(world):
    case = _consented_case(world)
    with _at(DAY + dt.timedelta(days=2)):
        services.consent_withdraw(
            actor=world.officer, consent=case.consents.get(), reported_by="Brukaren", reason="Ångrade sig"
        )
        assert f.consent(world.officer, case).renews is None
