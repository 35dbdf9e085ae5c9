"""The case officer's and the team's pages: what they show, who may open them, and their query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AccessLog
from handover.models import Message
from scheduling.models import FollowUpMeeting, Visit

from .. import factories as f


def _queries(http, url, method="get", data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(http, method)(url, data or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _make_cases(world, n):
    for _ in range(n):
        case = f.referred_case(world.officer)
        f.consent(world.officer, case)
        f.decision(world.officer, case, world.team, world.types, world.basis)


# --- start page ---


def test_it_shows_the_case_officer_their_open_cases(world, login, referred):
    response = login(world.officer).get(reverse("home"))
    assert response.status_code == 200
    assert referred.client.full_name in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_team_its_new_and_active_cases_but_not_other_teams(world, login, decided):
    page = login(world.staff).get(reverse("home")).content.decode()
    assert decided.client.full_name in page
    page = login(world.other_staff).get(reverse("home")).content.decode()
    assert decided.client.full_name not in page


def test_the_start_page_logs_a_read_per_client_shown(world, login, decided):
    login(world.staff).get(reverse("home"))
    log = AccessLog.objects.get(user=world.staff)
    assert log.client_id == decided.client_id
    assert log.what == "home.team_cases"


def test_the_start_page_query_count_does_not_grow_with_the_cases(world, login):
    """session, user, cases with client/team/officer/referral/decision (one join), access-log insert,
    savepoints around the session, the cases with consent to renew (none here, so no prefetch of their
    consents), the menu's unread notifications; the same for 2 and for 8 cases."""
    _make_cases(world, 2)
    http = login(world.officer)
    small = _queries(http, reverse("home"))
    _make_cases(world, 6)
    assert _queries(http, reverse("home")) == small
    assert small <= 8


def test_the_team_start_page_query_count_does_not_grow(world, login):
    _make_cases(world, 2)
    http = login(world.staff)
    small = _queries(http, reverse("home"))
    _make_cases(world, 6)
    assert _queries(http, reverse("home")) == small


def test_the_coordinator_sees_no_client_yet(world, login, decided):
    page = login(world.coordinator).get(reverse("home")).content.decode()
    assert decided.client.full_name not in page


# --- the case page ---


def test_the_case_page_shows_referral_consent_decision_and_timeline(world, login, decided):
    page = login(world.officer).get(reverse("case_detail", args=[decided.pk])).content.decode()
    assert decided.client.full_name in page
    assert "Personlig omvårdnad" in page
    assert "Beslut registrerat" in page
    assert AccessLog.objects.filter(user=world.officer, case_id=decided.pk, what="case.detail").exists()


def test_the_case_page_query_count_is_bounded_whatever_the_case_holds(world, login, decided):
    """session, user, the case with its one-to-ones, consents, the receivers they name, interventions,
    relatives, access-log insert,
    the timeline (the case's events, one query; it read four history tables, the messages, the receipts
    and the meeting's history before the event log), the outcome measures (one query), the team's work
    summary and the hemtjänst directory (the day-receiver warning), the menu's unread notifications."""
    http = login(world.officer)
    url = reverse("case_detail", args=[decided.pk])
    small = _queries(http, url)
    for _ in range(5):
        f.consent(world.officer, decided)
    services.client_update(
        actor=world.officer,
        client=decided.client,
        relatives=[
            {"name": f"Anhörig {i}", "relation": "Son", "phone": "", "email": "", "is_primary_contact": False}
            for i in range(4)
        ],
    )
    assert _queries(http, url) == small
    assert small <= 14


def test_staff_of_another_team_get_404_for_the_case(world, login, decided):
    assert login(world.other_staff).get(reverse("case_detail", args=[decided.pk])).status_code == 404


def test_an_officer_of_another_municipality_gets_404(world, login, decided):
    assert login(world.outsider).get(reverse("case_detail", args=[decided.pk])).status_code == 404


def test_protected_address_is_hidden_from_the_case_officer_and_shown_to_the_team(world, login):
    the_client = f.client(world.officer, protected_identity=True, street_address="Hemliga vägen 7")
    case = f.referred_case(world.officer, the_client)
    f.consent(world.officer, case)
    f.decision(world.officer, case, world.team, world.types, world.basis)
    url = reverse("case_detail", args=[case.pk])
    assert "Hemliga vägen 7" not in login(world.officer).get(url).content.decode()
    assert "Hemliga vägen 7" in login(world.staff).get(url).content.decode()


# --- search ---


def test_search_posts_the_number_and_finds_the_client(world, login, referred):
    http = login(world.officer)
    response = http.post(reverse("client_search"), {"q": referred.client.personal_number_display})
    assert referred.client.full_name in response.content.decode()
    assert AccessLog.objects.filter(user=world.officer, what="client.search").count() == 1


def test_search_by_name_prefix(world, login, referred):
    response = login(world.officer).post(reverse("client_search"), {"q": "test gre"})
    assert referred.client.full_name in response.content.decode()


def test_search_finds_by_ten_or_twelve_digits_and_by_any_case_of_a_swedish_name(world, login):
    from cases import selectors

    found = f.client(world.officer, first_name="Åsa", last_name="Öberg")
    f.client(world.officer, personal_number=f.personal_number(dt.date(1941, 2, 3)), first_name="Åke")
    number = found.personal_number
    for query in (number, number[2:], f"{number[2:8]}-{number[8:]}"):
        assert selectors.client_search(world.officer, query) == [found]
    for query in ("åsa", "ÖBERG", "öb ås", "Ås"):
        assert selectors.client_search(world.officer, query) == [found]
    assert selectors.client_search(world.officer, "berg") == []


def test_search_answers_htmx_with_the_results_only(world, login, referred):
    response = login(world.officer).post(reverse("client_search"), {"q": "Testberg"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert referred.client.full_name in response.content.decode()


def test_search_does_not_find_clients_of_another_municipality(world, login):
    theirs = f.client(world.outsider)
    response = login(world.officer).post(reverse("client_search"), {"q": theirs.personal_number})
    assert theirs.full_name not in response.content.decode()
    assert "Ingen brukare hittades" in response.content.decode()


def test_search_is_for_case_officers(world, login):
    assert login(world.staff).get(reverse("client_search")).status_code == 403


def test_search_query_count_does_not_grow_with_hits(world, login):
    for _ in range(2):
        f.referred_case(world.officer)
    http = login(world.officer)
    small = _queries(http, reverse("client_search"), "post", {"q": "Greta"})
    for _ in range(6):
        f.referred_case(world.officer)
    assert _queries(http, reverse("client_search"), "post", {"q": "Greta"}) == small


# --- new client and referral ---


def _new_client_post(number, **extra):
    data = {
        "client-personal_number": number,
        "client-first_name": "Nils",
        "client-last_name": "Provén",
        "client-street_address": "Storgatan 2",
        "client-postal_code": "999 91",
        "client-city": "Testby",
        "relatives-TOTAL_FORMS": "1",
        "relatives-INITIAL_FORMS": "0",
        "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "10",
        "relatives-0-name": "Karin Provén",
        "relatives-0-relation": "Dotter",
        "relatives-0-phone": "070-1",
        "referral-source": "hospital",
        "referral-source_unit": "Avd 4",
        "referral-admitted_on": "2026-11-10",
        "referral-planned_homecoming_on": "2026-11-24",
        "referral-reason": "Fall",
        "referral-triage": "red",
    }
    data.update(extra)
    return data


def test_it_registers_client_relatives_and_referral_in_one_post(world, login):
    from cases.models import Case

    number = f.personal_number()
    response = login(world.officer).post(reverse("client_new"), _new_client_post(number))
    case = Case.objects.get(client__personal_number=number)
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.pk])
    assert case.client.relatives.get().name == "Karin Provén"


def test_an_invalid_number_is_explained_and_what_was_typed_is_kept(world, login):
    from cases.models import Client

    response = login(world.officer).post(reverse("client_new"), _new_client_post("19400517-1237"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "kontrollsiffran" in page
    assert 'value="Nils"' in page and "Karin Provén" in page and "Fall</textarea>" in page
    assert not Client.objects.exists()


def test_a_referral_for_a_client_with_an_open_case_is_refused_on_the_form(world, login, referred):
    number = referred.client.personal_number
    response = login(world.officer).post(reverse("client_new"), _new_client_post(number))
    assert response.status_code == 200
    assert "redan ett öppet ärende" in response.content.decode()


def test_a_search_without_hits_opens_the_form_with_the_number(world, login):
    response = login(world.officer).post(reverse("client_new"), {"prefill": "1", "q": "19400517-1238"})
    page = response.content.decode()
    assert 'value="19400517-1238"' in page
    assert "errorlist" not in page


# --- consent, decision, team, transitions ---


def test_it_records_consent_from_the_form(world, login, referred):
    url = reverse("consent_new", args=[referred.pk])
    response = login(world.officer).post(
        url,
        {
            "given_on": "2026-11-23",
            "given_by": "client",
            "form": "written",
            "scope": "Info",
            "receivers": [world.group.pk],
            "recipients": "",
        },
    )
    assert response.status_code == 302
    assert referred.consents.count() == 1


def test_team_staff_cannot_record_consent(world, login, decided):
    assert login(world.staff).get(reverse("consent_new", args=[decided.pk])).status_code == 404


def test_it_withdraws_consent_from_the_form(world, login, referred):
    consent = f.consent(world.officer, referred)
    url = reverse("consent_withdraw", args=[referred.pk, consent.pk])
    response = login(world.officer).post(url, {"reported_by": "Teamet", "reason": "Brukaren vill inte"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.is_withdrawn


def _decision_post(world, *, end="2026-12-02", lines=1, **extra):
    data = {
        "team": world.team.pk,
        "legal_basis": world.basis.pk,
        "needs_assessed": "on",
        "decided_on": "2026-11-23",
        "start_date": "2026-11-23",
        "end_date": end,
        "purpose": "Trygg hemgång",
        "goals": "",
        "lines-TOTAL_FORMS": str(lines),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
    }
    for i in range(lines):
        data.update(
            {
                f"lines-{i}-intervention_type": world.types[i % 3].pk,
                f"lines-{i}-times": "2",
                f"lines-{i}-per": "day",
                f"lines-{i}-minutes": "30",
                f"lines-{i}-part_of_day": "morning",
            }
        )
    data.update(extra)
    return data


@pytest.fixture
def on_decision_day():
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False):
        yield


def test_the_decision_form_registers_decision_and_interventions(world, login, referred, on_decision_day):
    f.consent(world.officer, referred)
    response = login(world.officer).post(reverse("decision_new", args=[referred.pk]), _decision_post(world, lines=2))
    assert response.status_code == 302, response.content.decode()[:2000]
    referred.refresh_from_db()
    assert referred.state == "decided"
    assert referred.decision.interventions.count() == 2


def test_the_decision_form_skips_removed_lines(world, login, referred, on_decision_day):
    f.consent(world.officer, referred)
    data = _decision_post(world, lines=2, **{"lines-1-DELETE": "on"})
    login(world.officer).post(reverse("decision_new", args=[referred.pk]), data)
    referred.refresh_from_db()
    assert referred.decision.interventions.count() == 1


def test_the_decision_form_explains_a_too_long_decision_and_keeps_the_lines(world, login, referred, on_decision_day):
    f.consent(world.officer, referred)
    response = login(world.officer).post(
        reverse("decision_new", args=[referred.pk]), _decision_post(world, end="2027-01-31", lines=2)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "högst 28 dagar" in page
    assert page.count('name="lines-1-minutes"') == 1
    referred.refresh_from_db()
    assert referred.state == "referred"


def test_the_decision_form_refuses_without_consent(world, login, referred, on_decision_day):
    response = login(world.officer).post(reverse("decision_new", args=[referred.pk]), _decision_post(world))
    assert "samtycke" in response.content.decode()
    referred.refresh_from_db()
    assert referred.state == "referred"


def test_the_decision_form_refuses_end_before_start(world, login, referred, on_decision_day):
    f.consent(world.officer, referred)
    response = login(world.officer).post(
        reverse("decision_new", args=[referred.pk]), _decision_post(world, end="2026-11-20")
    )
    assert "Slutdatum kan inte vara före startdatum" in response.content.decode()


def _start_post() -> dict:
    """The start form asks when the client came home; it opens with now."""
    return {"homecoming_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "reason": ""}


def test_the_team_starts_the_support(world, login, decided):
    response = login(world.staff).post(reverse("case_transition", args=[decided.pk, "active"]), _start_post())
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.state == "active"


def test_declining_without_a_reason_is_explained(world, login, referred):
    response = login(world.officer).post(reverse("case_transition", args=[referred.pk, "declined"]), {"reason": ""})
    assert response.status_code == 200
    assert "Skriv ett skäl" in response.content.decode()


def test_an_unknown_transition_is_404(world, login, referred):
    assert login(world.officer).get(reverse("case_transition", args=[referred.pk, "bogus"])).status_code == 404


def test_the_officer_assigns_another_team(world, login, decided):
    response = login(world.officer).post(
        reverse("case_team", args=[decided.pk]), {"team": world.other_team.pk, "version": decided.version}
    )
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.team == world.other_team


# --- client page ---


def test_the_client_page_and_edit(world, login, referred):
    http = login(world.officer)
    assert referred.client.full_name in http.get(reverse("client_detail", args=[referred.client.pk])).content.decode()
    response = http.post(
        reverse("client_edit", args=[referred.client.pk]),
        {
            "client-version": referred.client.version,
            "client-first_name": "Greta",
            "client-last_name": "Nyberg",
            "client-phone": "070-2",
            "relatives-TOTAL_FORMS": "0",
            "relatives-INITIAL_FORMS": "0",
            "relatives-MIN_NUM_FORMS": "0",
            "relatives-MAX_NUM_FORMS": "10",
        },
    )
    assert response.status_code == 302
    referred.client.refresh_from_db()
    assert referred.client.last_name == "Nyberg"
    assert referred.client.history.first().history_user == world.officer


def test_a_new_referral_for_a_known_client(world, login, referred):
    services.case_decline(actor=world.officer, case=referred, reason="Grön")
    response = login(world.officer).post(
        reverse("referral_new", args=[referred.client.pk]),
        {
            "referral-source": "hemtjanst",
            "referral-reason": "Försämring hemma",
            "referral-triage": "yellow",
        },
    )
    assert response.status_code == 302


def test_the_client_edit_form_does_not_show_a_protected_address(world, login):
    client = f.client(world.officer, protected_identity=True, street_address="Hemliga vägen 7", door_code="1234")
    http = login(world.officer)
    url = reverse("client_edit", args=[client.pk])
    page = http.get(url).content.decode()
    assert "Hemliga vägen 7" not in page and "1234" not in page
    base = {
        "client-first_name": "Greta",
        "client-last_name": "Testberg",
        "client-protected_identity": "on",
        "relatives-TOTAL_FORMS": "0",
        "relatives-INITIAL_FORMS": "0",
        "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "10",
    }
    http.post(url, base | {"client-version": client.version})
    client.refresh_from_db()
    assert client.street_address == "Hemliga vägen 7"  # left empty: kept
    http.post(url, base | {"client-version": client.version, "client-street_address": "Nya vägen 1"})
    client.refresh_from_db()
    assert client.street_address == "Nya vägen 1"  # typed: replaced


def test_starting_from_the_transition_page_plans_books_and_drafts(world, login, decided):
    response = login(world.staff).post(reverse("case_transition", args=[decided.pk, "active"]), _start_post())
    assert response.status_code == 302
    assert Visit.objects.filter(case=decided).exists()
    assert FollowUpMeeting.objects.filter(case=decided).exists()
    assert Message.objects.filter(case=decided, kind="start_notice").exists()


def test_the_case_officer_sees_the_withdraw_link(world, login, referred):
    consent = f.consent(world.officer, referred)
    page = login(world.officer).get(reverse("case_detail", args=[referred.pk])).content.decode()
    assert reverse("consent_withdraw", args=[referred.pk, consent.pk]) in page


def test_the_client_page_query_count_does_not_grow(world, login, referred):
    """session, user, the client, relatives, cases with team, access log."""
    http = login(world.officer)
    url = reverse("client_detail", args=[referred.client.pk])
    small = _queries(http, url)
    services.case_decline(actor=world.officer, case=referred, reason="Grön")
    for _ in range(3):
        again = f.referred_case(world.officer, referred.client)
        services.case_decline(actor=world.officer, case=again, reason="Grön")
    services.client_update(
        actor=world.officer,
        client=referred.client,
        relatives=[
            {"name": f"Anhörig {i}", "relation": "", "phone": "", "email": "", "is_primary_contact": False}
            for i in range(3)
        ],
    )
    assert _queries(http, url) == small
