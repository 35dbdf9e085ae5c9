"""Bad input gets a clear Swedish message or a precise API error, saves nothing and is never a 500."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import ApiToken, Client
from scheduling.models import JournalDraft, JournalEntry

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(10))), tick=False):
        yield


@pytest.fixture
def hospital(world):
    _, raw = ApiToken.issue(world.integration, scopes=["referrals"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def _referral(**extra):
    return {
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
    } | extra


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31", "2200-01-01"])
def test_a_consent_date_outside_the_sane_range_is_refused_in_swedish(world, login, referred, day):
    response = login(world.officer).post(
        reverse("consent_new", args=[referred.pk]),
        {"given_on": day, "given_by": "client", "form": "written", "scope": "Info"},
    )
    assert response.status_code == 200
    assert "Ange ett datum mellan 1900-01-01 och 2031-11-23." in response.content.decode()
    assert referred.consents.count() == 0


def test_the_boundaries_of_the_sane_range_are_dates_like_any_other(world, login, referred):
    from hemgang.bounds import latest_date, validate_sane_date

    validate_sane_date(dt.date(1900, 1, 1))
    validate_sane_date(latest_date())
    assert latest_date() == dt.date(2031, 11, 23)


@pytest.mark.parametrize(
    "field, value", [("admitted_on", "0001-01-01"), ("ready_for_discharge_at", "9999-12-31T09:00")]
)
def test_the_api_refuses_a_date_outside_the_range_on_its_field(world, hospital, field, value):
    response = hospital.post(reverse("api-referral-create"), _referral(**{field: value}), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Client.objects.exists()


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "2026-13-01", "igår", "2026-11-23\x00"])
def test_a_bad_date_parameter_is_a_400_with_its_name(world, raw):
    api = APIClient()
    api.force_authenticate(world.staff)
    response = api.get(reverse("api-day-board"), {"date": raw})
    assert response.status_code == 400
    assert "date" in response.json() or response.json()["code"] == "invalid_characters"


def test_nul_in_a_form_is_refused_and_nothing_saved(world, login, start_case):
    case = start_case(MONDAY)
    response = login(world.staff).post(reverse("journal", args=[case.pk]), {"kind": "social", "text": "Åt\x00"})
    assert response.status_code == 400
    assert "inte är tillåtet (NUL)" in response.content.decode()
    assert not JournalEntry.objects.filter(case=case).exists()


def test_invalid_utf8_in_the_query_string_and_the_body_is_no_500(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    assert http.get(reverse("inbox") + "?show=%ff%fe").status_code == 200
    response = http.post(
        reverse("journal", args=[case.pk]),
        b"kind=social&text=%ff%fe%fd",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("field", ["corrects", "visit"])
def test_a_non_numeric_id_in_a_draft_is_a_400_not_a_500(world, login, start_case, field):
    case = start_case(MONDAY)
    response = login(world.staff).post(
        reverse("journal_draft", args=[case.pk]),
        {"kind": "social", "text": "x", field: "1 OR 1=1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400 and "Inte ett giltigt id." in response.content.decode()
    assert not JournalDraft.objects.exists()


def test_a_journal_entry_is_at_most_10000_characters(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    response = http.post(reverse("journal", args=[case.pk]), {"kind": "social", "text": "å" * 10_001})
    assert response.status_code == 200 and "som mest 10000 tecken" in response.content.decode()
    assert not JournalEntry.objects.filter(case=case).exists()
    draft = http.post(reverse("journal_draft", args=[case.pk]), {"text": "å" * 10_001}, HTTP_HX_REQUEST="true")
    assert draft.status_code == 400 and not JournalDraft.objects.exists()


def test_json_nested_thousands_deep_is_a_400(world, hospital):
    body = "[" * 50_000 + "]" * 50_000
    response = hospital.generic("POST", reverse("api-referral-create"), body, content_type="application/json")
    assert response.status_code == 400 and "för djupt" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_415(world, hospital):
    response = hospital.post(reverse("api-referral-create"), "first_name=Greta", content_type="text/plain")
    assert response.status_code == 415


def test_a_body_over_the_limit_is_a_413(world, hospital, settings):
    body = json.dumps(_referral(reason="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))
    response = hospital.generic("POST", reverse("api-referral-create"), body, content_type="application/json")
    assert response.status_code == 413, response.content[:3000]
    assert not Client.objects.exists()


def test_a_form_over_the_limit_is_a_swedish_400(world, login, referred, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = login(world.officer).post(reverse("consent_new", args=[referred.pk]), {"scope": big})
    assert response.status_code == 400 and "Begäran kunde inte hanteras" in response.content.decode()
    assert referred.consents.count() == 0
