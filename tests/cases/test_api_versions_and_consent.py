"""The API of issue 12, parts 6 and 7: a change carries the version read (409 when it is stale, with what
changed), and consent is recorded naming the case's receivers only."""

import pytest
from django.urls import reverse

from cases.models import Consent
from handover.models import Recipient


def test_the_case_carries_its_version_and_etag(world, api_for, referred):
    response = api_for(world.officer).get(reverse("api-case-detail", args=[referred.pk]))
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'


def test_a_team_change_from_the_version_read_is_saved(world, api_for, referred):
    url = reverse("api-case-detail", args=[referred.pk])
    response = api_for(world.officer).patch(url, {"team": world.team.pk, "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["team"] == "Team Norr" and response.json()["version"] == 2
    assert response["ETag"] == '"2"'


def test_a_stale_version_is_a_409_naming_what_changed(world, api_for, referred):
    url = reverse("api-case-detail", args=[referred.pk])
    assert (
        api_for(world.officer2).patch(url, {"team": world.team.pk}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 200
    )

    response = api_for(world.officer).patch(url, {"team": world.other_team.pk, "version": 1}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and body["version"] == 2
    assert body["changed_by"] == [str(world.officer2)]
    assert body["changes"] == [{"field": "Team", "seen": "–", "now": "Team Norr", "yours": "Team Söder"}]
    referred.refresh_from_db()
    assert referred.team == world.team


def test_a_change_without_a_version_is_refused(world, api_for, referred):
    url = reverse("api-case-detail", args=[referred.pk])
    response = api_for(world.officer).patch(url, {"team": world.team.pk}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "version_required"
    referred.refresh_from_db()
    assert referred.team is None


def test_the_decision_carries_its_version(world, api_for, decided):
    response = api_for(world.officer).get(reverse("api-decision-detail", args=[decided.pk]))
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'


def _consent(**extra):
    return {
        "given_on": "2026-11-23",
        "given_by": "client",
        "form": "written",
        "scope": "Informationsöverföring",
    } | extra


@pytest.fixture
def on_the_23rd():
    import datetime as dt

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 23, 10)), tick=False):
        yield


def test_consent_is_recorded_naming_the_receivers_given(world, api_for, on_the_23rd, referred):
    url = reverse("api-consent-create", args=[referred.pk])
    response = api_for(world.officer).post(
        url, _consent(receivers=[world.group.pk, world.coordination.pk]), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["valid_until"] == "2026-12-02"
    assert [r["name"] for r in body["receivers"]] == ["Koordinator Omsorg", "Hemtjänst Centrum"]  # by kind
    assert set(Consent.objects.get(case=referred).receivers.all()) == {world.group, world.coordination}


def test_consent_refuses_a_receiver_not_on_the_case(world, api_for, on_the_23rd, referred):
    stranger = Recipient.objects.get(name="Koordinator Annat")
    url = reverse("api-consent-create", args=[referred.pk])
    response = api_for(world.officer).post(url, _consent(receivers=[world.group.pk, stranger.pk]), format="json")
    assert response.status_code == 400
    assert response.json()["receivers"] == [f"Inte en av ärendets mottagare: {stranger.pk}."]
    assert not Consent.objects.filter(case=referred).exists()


def test_consent_without_receivers_is_refused(world, api_for, on_the_23rd, referred):
    url = reverse("api-consent-create", args=[referred.pk])
    response = api_for(world.officer).post(url, _consent(receivers=[]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "receivers_required"


def test_the_hospital_cannot_record_consent_or_change_the_team(world, api_for, referred):
    hospital = api_for(world.integration)
    assert (
        hospital.post(
            reverse("api-consent-create", args=[referred.pk]), _consent(receivers=[]), format="json"
        ).status_code
        == 403
    )
    patch = hospital.patch(
        reverse("api-case-detail", args=[referred.pk]), {"team": world.team.pk, "version": 1}, format="json"
    )
    assert patch.status_code == 403 and patch.json()["code"] == "scope_missing"
