"""The API for hospital systems: the same services and rules as the pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AccessLog, ApiToken, Case, Client


@pytest.fixture
def token_for():
    def _token(user):
        _, raw = ApiToken.issue(user)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return api

    return _token


def _referral(**extra):
    body = {
        "personal_number": "19400517-1238",
        "first_name": "Greta",
        "last_name": "Testberg",
        "source": "hospital",
        "source_unit": "Avd 12",
        "admitted_on": "2026-11-15",
        "ready_for_discharge_at": "2026-11-23T09:00:00+01:00",
        "planned_homecoming_on": "2026-11-23",
        "reason": "Höftfraktur",
        "triage": "yellow",
    }
    body.update(extra)
    return body


def test_the_hospital_creates_a_referral_with_its_token(world, token_for):
    response = token_for(world.integration).post(reverse("api-referral-create"), _referral(), format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.state == "referred"
    assert case.client.personal_number == "194005171238"
    assert case.registered_by == world.integration
    assert case.referral.history.first().history_user == world.integration


def test_unknown_fields_are_refused_by_name(world, token_for):
    response = token_for(world.integration).post(
        reverse("api-referral-create"), _referral(ward="Avd 12"), format="json"
    )
    assert response.status_code == 400
    assert "ward" in response.json()
    assert not Case.objects.exists()


def test_wrong_types_and_bad_numbers_are_field_errors(world, token_for):
    response = token_for(world.integration).post(
        reverse("api-referral-create"),
        _referral(personal_number="19400517-1237", admitted_on="igår", triage="purple"),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"personal_number", "admitted_on", "triage"}
    assert "kontrollsiffran" in body["personal_number"][0]


def test_a_new_client_needs_a_name(world, token_for):
    response = token_for(world.integration).post(
        reverse("api-referral-create"), _referral(first_name="", last_name=""), format="json"
    )
    assert response.status_code == 400
    assert "first_name" in response.json()
    assert not Client.objects.exists()


def test_a_second_open_case_is_a_conflict(world, token_for):
    api = token_for(world.integration)
    assert api.post(reverse("api-referral-create"), _referral(), format="json").status_code == 201
    response = api.post(reverse("api-referral-create"), _referral(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "open_case_exists"


def test_homecoming_before_admission_is_a_field_error(world, token_for):
    response = token_for(world.integration).post(
        reverse("api-referral-create"), _referral(planned_homecoming_on="2026-11-01"), format="json"
    )
    assert response.status_code == 400
    assert "planned_homecoming_on" in response.json()


def test_the_integration_reads_only_the_cases_it_referred(world, token_for, decided):
    api = token_for(world.integration)
    assert api.get(reverse("api-case-detail", args=[decided.pk])).status_code == 404
    mine = api.post(reverse("api-referral-create"), _referral(), format="json").json()
    listing = api.get(reverse("api-case-list")).json()
    assert [c["id"] for c in listing["results"]] == [mine["id"]]


def test_a_case_officer_reads_a_case_and_its_decision(world, token_for, decided):
    api = token_for(world.officer)
    case = api.get(reverse("api-case-detail", args=[decided.pk])).json()
    assert case["state"] == "decided"
    decision = api.get(reverse("api-decision-detail", args=[decided.pk])).json()
    assert decision["interventions"][0]["intervention_type"] == "Personlig omvårdnad"
    assert AccessLog.objects.filter(user=world.officer, what="api.decision.detail").exists()


def test_the_decision_of_a_case_without_one_is_404(world, token_for, referred):
    response = token_for(world.officer).get(reverse("api-decision-detail", args=[referred.pk]))
    assert response.status_code == 404


def test_other_teams_and_municipalities_get_404(world, token_for, decided):
    for user in (world.other_staff, world.outsider, world.coordinator, world.admin):
        assert token_for(user).get(reverse("api-case-detail", args=[decided.pk])).status_code == 404


def test_team_staff_cannot_create_referrals(world, token_for):
    response = token_for(world.staff).post(reverse("api-referral-create"), _referral(), format="json")
    assert response.status_code == 403


def test_an_unknown_state_filter_is_an_error(world, token_for):
    response = token_for(world.officer).get(reverse("api-case-list"), {"state": "lost"})
    assert response.status_code == 400


def test_a_bad_or_revoked_token_is_refused(world, decided):
    token, raw = ApiToken.issue(world.officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token hg_not-a-token")
    assert api.get(reverse("api-case-list")).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-case-list")).status_code == 401


def test_the_browser_session_works_for_the_api(world, login, decided):
    response = login(world.officer).get(reverse("api-case-detail", args=[decided.pk]))
    assert response.status_code == 200


def test_create_api_token_prints_a_token_that_works(world):
    out = io.StringIO()
    call_command("create_api_token", world.integration.username, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("hg_")
    stored = ApiToken.objects.get(user=world.integration)
    assert raw not in stored.key_hash
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-case-list")).status_code == 200


def test_the_schema_describes_the_endpoints(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/referrals/", "/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/{id}/decision/"} <= set(paths)
