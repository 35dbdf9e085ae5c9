"""No lost updates (issue 12, part 6): the client, the decision and the case's team are saved only from the
version the form was opened with; a save from an older one is refused with what changed, by whom and when,
and nothing is written over the other change."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Client, Decision
from cases.services import InterventionLine
from hemgang.versions import StaleVersion

MONDAY = dt.date(2026, 11, 23)


def _at(day: dt.date, hour: int = 10, minute: int = 0):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))), tick=False)


RELATIVES_NONE = {
    "relatives-TOTAL_FORMS": "0",
    "relatives-INITIAL_FORMS": "0",
    "relatives-MIN_NUM_FORMS": "0",
    "relatives-MAX_NUM_FORMS": "10",
}


def _client_post(version, **fields):
    data = {"client-version": version, "client-first_name": "Greta", "client-last_name": "Testberg"}
    data |= {f"client-{k}": v for k, v in fields.items()}
    return data | RELATIVES_NONE


# --- the client ---


def test_it_counts_the_version_up_at_every_save(world, referred):
    client = referred.client
    assert client.version == 1
    services.client_update(actor=world.officer, client=client, version=1, phone="070-1")
    services.client_update(actor=world.officer, client=client, version=2, phone="070-2")
    client.refresh_from_db()
    assert client.version == 3
    assert [h.version for h in client.history.order_by("history_id")] == [1, 2, 3]


def test_it_refuses_a_client_save_made_from_an_older_version(world, referred):
    client = referred.client
    with _at(MONDAY, 9, 12):
        services.client_update(actor=world.officer2, client=client, version=1, phone="070-222")
    with pytest.raises(StaleVersion) as refused:
        services.client_update(actor=world.officer, client=client, version=1, phone="070-111", city="Testby")
    err = refused.value
    assert "Ändrad av någon annan" in str(err.message)
    assert err.changed_by == [str(world.officer2)]
    assert timezone.localtime(err.changed_at) == timezone.make_aware(dt.datetime(2026, 11, 23, 9, 12))
    # Only what changed is listed (the city is the same), with what the user saw, what it is now, what they typed.
    assert [c.as_dict() for c in err.changes] == [
        {"field": "Telefon", "seen": "–", "now": "070-222", "yours": "070-111"}
    ]
    assert err.version == 2
    client.refresh_from_db()
    assert (client.phone, client.version) == ("070-222", 2)  # nothing overwritten


def test_a_change_of_the_relatives_only_counts_the_client_up_and_is_told(world, referred):
    client = referred.client
    services.client_update(
        actor=world.officer2, client=client, version=1, relatives=[{"name": "Anna Ek", "relation": "dotter"}]
    )
    client.refresh_from_db()
    assert client.version == 2
    with pytest.raises(StaleVersion) as refused:
        services.client_update(
            actor=world.officer, client=client, version=1, relatives=[{"name": "Bo Ek", "relation": "son"}]
        )
    assert [c.as_dict() for c in refused.value.changes] == [
        {"field": "Närstående", "seen": "–", "now": "Anna Ek (dotter)", "yours": "Bo Ek (son)"}
    ]
    assert [r.name for r in client.relatives.all()] == ["Anna Ek"]


def test_a_protected_address_is_named_as_changed_without_its_values(world, login, start_case):
    """Skyddade personuppgifter: the case officer may not see the address, not even in a conflict."""
    case = start_case(MONDAY)
    client = case.client
    services.client_update(actor=world.officer, client=client, version=1, protected_identity=True)
    with _at(MONDAY):
        services.client_update(actor=world.staff, client=client, version=2, street_address="Hemliga vägen 7")
        with pytest.raises(StaleVersion) as refused:
            services.client_update(actor=world.officer, client=client, version=2, phone="070-1")
    assert [c.as_dict() for c in refused.value.changes] == [
        {"field": "Gatuadress", "seen": "(skyddad)", "now": "(skyddad)", "yours": None}
    ]


def test_two_officers_open_the_client_form_and_the_second_save_is_refused_on_the_form(world, login, referred):
    url = reverse("client_edit", args=[referred.client.pk])
    first, second = login(world.officer), login(world.officer2)
    assert 'name="client-version" value="1"' in first.get(url).content.decode()
    assert 'name="client-version" value="1"' in second.get(url).content.decode()
    assert first.post(url, _client_post(1, phone="070-111", city="Norrby")).status_code == 302

    response = second.post(url, _client_post(1, phone="070-999"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ändrad av någon annan" in page and str(world.officer) in page
    assert "Vad som ändrats sedan du öppnade formuläret" in page
    assert "Norrby" in page and "070-111" in page  # the other's values, now
    assert 'value="070-999"' in page  # the user's input kept on the form
    assert 'name="client-version" value="2"' in page  # saving again is deliberate
    client = Client.objects.get(pk=referred.client.pk)
    assert (client.phone, client.city) == ("070-111", "Norrby")
    # Saving again from the form as shown puts the second officer's input over the first one's, knowingly.
    assert second.post(url, _client_post(2, phone="070-999", city="Norrby")).status_code == 302
    client.refresh_from_db()
    assert (client.phone, client.version) == ("070-999", 3)


def test_a_client_form_without_its_version_is_refused_in_swedish(world, login, referred):
    data = _client_post(1, phone="070-1")
    del data["client-version"]
    response = login(world.officer).post(reverse("client_edit", args=[referred.client.pk]), data)
    assert response.status_code == 200
    assert "Formuläret är inaktuellt" in response.content.decode()
    referred.client.refresh_from_db()
    assert referred.client.phone == ""


# --- the decision ---


@pytest.fixture
def running(world, start_case):
    lines = [InterventionLine(world.types[0].pk, 2, "day", 30, "morning")]
    return start_case(MONDAY, lines=lines, days=10)


def _kept(decision):
    return [
        InterventionLine(i.intervention_type_id, i.times, i.per, i.minutes, i.part_of_day, i.note, id=i.pk)
        for i in decision.interventions.all()
    ]


def test_it_refuses_a_decision_change_made_from_an_older_decision(world, running):
    decision = Decision.objects.get(case=running)
    assert decision.version == 1
    walking = InterventionLine(world.types[1].pk, 1, "day", 45, "day")
    with _at(MONDAY + dt.timedelta(days=2)):
        services.decision_change(
            actor=world.officer2,
            decision=decision,
            end_date=MONDAY + dt.timedelta(days=11),
            interventions=[*_kept(decision), walking],
            reason="Behöver gångträning",
            consent_gap_accepted=True,
            version=1,
        )
        with pytest.raises(StaleVersion) as refused:
            services.decision_change(
                actor=world.officer,
                decision=decision,
                end_date=MONDAY + dt.timedelta(days=7),
                interventions=_kept(decision)[:1],
                reason="Mår bättre",
                version=1,
            )
    changes = [c.as_dict() for c in refused.value.changes]
    assert changes == [
        {"field": "Slutdatum", "seen": "2 december 2026", "now": "4 december 2026", "yours": "30 november 2026"},
        {
            "field": "Insatser",
            "seen": "Personlig omvårdnad 2 per dag, 30 min",
            "now": "Personlig omvårdnad 2 per dag, 30 min, Gångträning 1 per dag, 45 min",
            "yours": "Personlig omvårdnad 2 per dag, 30 min",
        },
    ]
    decision.refresh_from_db()
    assert (decision.end_date, decision.version) == (MONDAY + dt.timedelta(days=11), 2)
    assert decision.interventions.count() == 2


def test_the_decision_change_form_shows_the_conflict(world, login, running):
    decision = Decision.objects.get(case=running)
    url = reverse("decision_change", args=[running.pk])
    line = decision.interventions.get()
    post = {
        "version": 1,
        "end_date": (MONDAY + dt.timedelta(days=8)).isoformat(),
        "reason": "Mår bättre",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-id": line.pk,
        "lines-0-intervention_type": line.intervention_type_id,
        "lines-0-times": line.times,
        "lines-0-per": line.per,
        "lines-0-minutes": line.minutes,
        "lines-0-part_of_day": line.part_of_day,
        "lines-0-note": "",
    }
    with _at(MONDAY + dt.timedelta(days=2)):
        assert (
            login(world.officer2)
            .post(url, post | {"end_date": "2026-12-04", "reason": "Mer tid", "consent_gap_accepted": "on"})
            .status_code
            == 302
        )
        response = login(world.officer).post(url, post)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ändrad av någon annan" in page and "4 december 2026" in page and "1 december 2026" in page
    decision.refresh_from_db()
    assert decision.end_date == dt.date(2026, 12, 4)


# --- the case's team ---


def test_a_team_change_from_an_older_case_is_refused_with_what_changed(world, login, referred):
    url = reverse("case_team", args=[referred.pk])
    first, second = login(world.officer), login(world.officer2)
    assert 'name="version" value="1"' in second.get(url).content.decode()
    assert first.post(url, {"team": world.team.pk, "version": 1}).status_code == 302

    response = second.post(url, {"team": world.other_team.pk, "version": 1})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ändrad av någon annan" in page and "Team Norr" in page
    referred.refresh_from_db()
    assert (referred.team, referred.version) == (world.team, 2)


def test_any_change_of_the_case_makes_an_open_team_form_stale(world, decided):
    """A start, a decision, a transition: the case is not what the user saw, so the form says so."""
    version = decided.version
    services.case_assign_team(actor=world.officer2, case=decided, team=world.other_team, version=version)
    with pytest.raises(StaleVersion) as refused:
        services.case_assign_team(actor=world.officer, case=decided, team=world.team, version=version)
    assert [c.as_dict() for c in refused.value.changes] == [
        {"field": "Team", "seen": "Team Norr", "now": "Team Söder", "yours": "Team Norr"}
    ]
