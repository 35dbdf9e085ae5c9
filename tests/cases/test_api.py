"""The API for hospital systems: the same services and rules as the pages."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AccessLog, ApiToken, Case, CaseEvent, Client, ReferralSubmission

from ..conftest import api_client


@pytest.fixture
def token_for():
    """The hospital's system by its token (referrals scope); staff signed in (the staff's API takes no token)."""
    return api_client


def _post(api, body, *, key=None):
    return api.post(reverse("api-referral-create"), body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


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
    response = _post(token_for(world.integration), _referral())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "received_at", "status"} and body["status"] == "received"
    case = ReferralSubmission.objects.get(pk=body["id"]).case
    assert case.state == "referred"
    assert case.client.personal_number == "194005171238"
    assert case.registered_by == world.integration
    assert case.referral.history.first().history_user == world.integration


def test_unknown_fields_are_refused_by_name(world, token_for):
    response = _post(token_for(world.integration), _referral(ward="Avd 12"))
    assert response.status_code == 400
    assert "ward" in response.json()
    assert not Case.objects.exists()


def test_wrong_types_and_bad_numbers_are_field_errors(world, token_for):
    response = _post(
        token_for(world.integration), _referral(personal_number="19400517-1237", admitted_on="igår", triage="purple")
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"personal_number", "admitted_on", "triage"}
    assert "kontrollsiffran" in body["personal_number"][0]


def test_a_referral_needs_a_name_known_client_or_not(world, token_for, referred):
    """Asked of everyone alike: "give the name" only for unknown people would tell who is a client."""
    api = token_for(world.integration)
    for number in ("19400517-1238", referred.client.personal_number):
        response = _post(api, _referral(personal_number=number, first_name="", last_name=""))
        assert response.status_code == 400
        assert {"first_name", "last_name"} <= set(response.json())
    assert Client.objects.count() == 1


def test_a_referral_for_a_client_with_an_open_case_reveals_nothing(world, token_for, decided):
    """Issue 12: a 409 told the hospital whether a person had an open case. Now the answer has the shape of
    a new referral's, the case officer finds it on the open case's timeline, and its status stays
    "received" whatever the open case's state."""
    api = token_for(world.integration)
    number = decided.client.personal_number
    existing = _post(api, _referral(personal_number=number))
    new = _post(api, _referral(personal_number="19121212-1212", first_name="Ny", last_name="Person"))
    assert existing.status_code == new.status_code == 201
    assert set(existing.json()) == set(new.json()) == {"id", "received_at", "status"}
    assert existing.json()["status"] == new.json()["status"] == "received"
    submission = ReferralSubmission.objects.get(pk=existing.json()["id"])
    assert submission.case == decided and submission.outcome == "open_case"
    assert Case.objects.filter(client=decided.client).count() == 1
    event = CaseEvent.objects.get(case=decided, kind="referral_received")
    assert event.payload["submission"] == submission.pk and event.means == "api"
    assert submission.sent["reason"] == "Höftfraktur" and "personal_number" not in submission.sent
    status = api.get(reverse("api-referral-status", args=[submission.pk])).json()
    assert status == existing.json()


def test_the_case_officer_sees_the_new_referral_on_the_timeline(world, token_for, login, decided):
    _post(token_for(world.integration), _referral(personal_number=decided.client.personal_number))
    page = login(world.officer).get(reverse("case_detail", args=[decided.pk]))
    assert "Ny aktualisering från sjukhuset" in page.content.decode()


def test_the_status_follows_the_case_the_referral_opened(world, token_for):
    from .. import factories as f

    api = token_for(world.integration)
    body = _post(api, _referral()).json()
    url = reverse("api-referral-status", args=[body["id"]])
    assert api.get(url).json() == body
    case = ReferralSubmission.objects.get(pk=body["id"]).case
    f.consent(world.officer, case)
    f.decision(world.officer, case, world.team, world.types, world.basis)
    answer = api.get(url).json()
    assert answer["status"] == "accepted" and set(answer) == {"id", "received_at", "status"}
    assert AccessLog.objects.filter(user=world.integration, what="api.referral.status").exists()


def test_another_integrations_referral_is_a_404_as_a_missing_one(world, token_for):
    from .. import factories as f

    other = f.UserFactory(municipality=world.town, role="integration", username="other-hospital")
    body = _post(token_for(world.integration), _referral()).json()
    theirs = token_for(other)
    assert theirs.get(reverse("api-referral-status", args=[body["id"]])).status_code == 404
    assert theirs.get(reverse("api-referral-status", args=[body["id"] + 1000])).status_code == 404


def test_the_hospital_no_longer_reads_the_cases_it_referred(world, token_for):
    api = token_for(world.integration)
    body = _post(api, _referral()).json()
    case = ReferralSubmission.objects.get(pk=body["id"]).case
    assert not world.integration.has_perm("cases.view_case", case)
    for name in ("api-case-detail", "api-decision-detail"):
        response = api.get(reverse(name, args=[case.pk]))
        assert response.status_code == 403 and response.json()["code"] == "scope_missing"


# --- idempotency ---------------------------------------------------------------------------------------


def test_a_referral_without_an_idempotency_key_is_refused(world, token_for):
    response = token_for(world.integration).post(reverse("api-referral-create"), _referral(), format="json")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert not Case.objects.exists()


def test_a_retry_with_the_same_key_gets_the_first_answer_and_makes_one_referral(world, token_for):
    api = token_for(world.integration)
    first = _post(api, _referral(), key="retry-1")
    again = _post(api, _referral(), key="retry-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert ReferralSubmission.objects.count() == Case.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(world, token_for):
    api = token_for(world.integration)
    assert _post(api, _referral(), key="k").status_code == 201
    response = _post(api, _referral(reason="Annat"), key="k")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert ReferralSubmission.objects.count() == 1


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(world, token_for):
    api = token_for(world.integration)
    assert _post(api, _referral(planned_homecoming_on="2026-11-01"), key="k").status_code == 400
    assert _post(api, _referral(), key="k").status_code == 201


def test_keys_are_per_account(world, token_for):
    from .. import factories as f

    other = f.UserFactory(municipality=world.town, role="integration", username="other-hospital")
    assert _post(token_for(world.integration), _referral(), key="same").status_code == 201
    response = _post(token_for(other), _referral(reason="Annat"), key="same")
    assert response.status_code == 201
    assert ReferralSubmission.objects.count() == 2


def test_old_idempotency_keys_are_purged(world, token_for):
    import datetime as dt

    from django.utils import timezone

    from hemgang.idempotency import idempotency_keys_purge

    _post(token_for(world.integration), _referral(), key="old")
    assert idempotency_keys_purge(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert idempotency_keys_purge(now=timezone.now() + dt.timedelta(hours=25)) == 1


def test_homecoming_before_admission_is_a_field_error(world, token_for):
    response = _post(token_for(world.integration), _referral(planned_homecoming_on="2026-11-01"))
    assert response.status_code == 400
    assert "planned_homecoming_on" in response.json()


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
    response = _post(token_for(world.staff), _referral())
    assert response.status_code == 403


def test_an_unknown_state_filter_is_an_error(world, token_for):
    response = token_for(world.officer).get(reverse("api-case-list"), {"state": "lost"})
    assert response.status_code == 400


def test_a_bad_revoked_or_expired_token_is_refused(world):
    import datetime as dt

    from django.utils import timezone

    url = reverse("api-referral-status", args=[1])
    token, raw = ApiToken.issue(world.integration, scopes=["referrals"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token hg_not-a-token")
    assert api.get(url).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(url).status_code == 404
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.get(url).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now(), revoked_by=world.admin
    )
    assert api.get(url).status_code == 401


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
    assert stored.scopes == ["referrals"] and stored.name == "hospital"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert _post(api, _referral()).status_code == 201


def test_the_schema_describes_the_endpoints(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/referrals/", "/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/{id}/decision/"} <= set(paths)


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_one_key_make_one_referral(world):
    """Two retries at once (the hospital's system timed out and sent again): the second waits in
    PostgreSQL on the key's unique index for the first to commit, then answers with the first's answer."""
    import threading

    from django.db import connection

    _token, raw = ApiToken.issue(world.integration, scopes=["referrals"])
    barrier, answers = threading.Barrier(2), []

    def send():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        barrier.wait()
        try:
            response = _post(api, _referral(), key="race")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0][0] == 201
    assert ReferralSubmission.objects.count() == Case.objects.count() == 1


def test_the_schema_documents_errors_paging_and_the_idempotency_key(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    create = schema["paths"]["/api/v1/referrals/"]["post"]
    assert {"201", "400", "401", "403", "422", "429"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
            if "{id}" in path:
                assert "404" in operation["responses"], (method, path)
    listing = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing["$ref"].endswith("/PaginatedCaseList")
    assert {"count", "next", "previous", "results"} <= set(
        schema["components"]["schemas"]["PaginatedCaseList"]["properties"]
    )
