"""Issue 8, item 1: the client's providers link to the hemtjänst directory, the case's receivers follow from
the links (never from names), the team is warned before anything is sent without a day coordinator, and the
messages page has unique ids and says exactly who was saved."""

import datetime as dt
import re
from collections import Counter

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Recipient
from handover import services
from handover.models import CaseRecipient
from hemgang.errors import DomainValidationError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)
EDIT_BASE = {
    "client-first_name": "Greta",
    "client-last_name": "Testberg",
    "relatives-TOTAL_FORMS": "0",
    "relatives-INITIAL_FORMS": "0",
    "relatives-MIN_NUM_FORMS": "0",
    "relatives-MAX_NUM_FORMS": "10",
}


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def _receivers(case):
    return set(CaseRecipient.objects.filter(case=case).values_list("recipient__name", flat=True))


def test_the_receivers_come_from_the_link_whatever_the_spelling(world, start_case):
    case = start_case(MONDAY)
    assert _receivers(case) == {"Hemtjänst Centrum", "Koordinator Omsorg"}


def test_free_text_that_names_a_unit_is_not_matched_any_more(world, start_case):
    case = start_case(MONDAY)
    case_services.client_update(
        actor=world.officer, client=case.client, hemtjanst_group_unit=None, hemtjanst_group="Hemtjänst Centrum"
    )
    case.refresh_from_db()
    assert services.default_recipients(case) == []


def test_night_interventions_bring_the_linked_patrol_and_its_night_coordinator(world, start_case):
    patrol = Recipient.objects.get(name="Nattpatrullen")
    case = start_case(MONDAY)
    case_services.client_update(actor=world.officer, client=case.client, night_service_unit=patrol)
    case.refresh_from_db()
    names = {r.name for r in services.default_recipients(case)}
    assert names == {"Hemtjänst Centrum", "Koordinator Omsorg", "Nattpatrullen", "Nattkoordinator"}


def test_it_refuses_a_unit_of_another_municipality_or_the_wrong_kind(world):
    foreign = Recipient.objects.create(municipality=world.elsewhere, kind="group", name="Annan stad")
    client = f.client(world.officer)
    with pytest.raises(DomainValidationError) as err:
        case_services.client_update(actor=world.officer, client=client, hemtjanst_group_unit=foreign)
    assert err.value.field == "hemtjanst_group_unit"
    patrol = Recipient.objects.get(name="Nattpatrullen")
    with pytest.raises(DomainValidationError):
        case_services.client_update(actor=world.officer, client=client, hemtjanst_group_unit=patrol)
    client.refresh_from_db()
    assert client.hemtjanst_group_unit == world.group


def test_it_refuses_a_link_and_a_written_provider_at_once(world):
    with pytest.raises(DomainValidationError) as err:
        f.client(world.officer, hemtjanst_group_unit=world.group, hemtjanst_group="Något annat")
    assert err.value.field == "hemtjanst_group"


def test_the_client_form_offers_the_directory_and_saves_the_link(world, login):
    patrol = Recipient.objects.get(name="Nattpatrullen")
    Recipient.objects.create(municipality=world.elsewhere, kind="group", name="Annan stads grupp")
    client = f.client(world.officer)
    http = login(world.officer)
    url = reverse("client_edit", args=[client.pk])
    page = http.get(url).content.decode()
    assert "Hemtjänst Centrum" in page and "Annan stads grupp" not in page
    assert "Annan hemtjänstgrupp (ej i katalogen)" in page
    data = EDIT_BASE | {
        "client-version": client.version,
        "client-hemtjanst_group_unit": world.group.pk,
        "client-night_service_unit": patrol.pk,
    }
    assert http.post(url, data).status_code == 302
    client.refresh_from_db()
    assert (client.hemtjanst_group_unit, client.night_service_unit, client.hemtjanst_group) == (world.group, patrol, "")


def test_the_client_form_explains_a_unit_and_text_together_in_swedish(world, login):
    client = f.client(world.officer)
    data = EDIT_BASE | {
        "client-version": client.version,
        "client-hemtjanst_group_unit": world.group.pk,
        "client-hemtjanst_group": "Annat",
    }
    response = login(world.officer).post(reverse("client_edit", args=[client.pk]), data)
    assert response.status_code == 200
    assert "inte båda" in response.content.decode()


def test_the_team_is_warned_before_a_start_without_a_day_coordinator(world, login, decided):
    http = login(world.staff)
    url = reverse("case_detail", args=[decided.pk])
    assert "Innan något skickas" not in http.get(url).content.decode()
    case_services.client_update(
        actor=world.officer, client=decided.client, hemtjanst_group_unit=None, hemtjanst_group="Hemtjänst Centrun"
    )
    page = http.get(url).content.decode()
    assert "Innan något skickas" in page and "ingen dagkoordinator" in page


def test_a_running_case_without_a_day_coordinator_is_warned_on_both_pages(world, login, start_case):
    case = start_case(MONDAY)
    services.case_recipients_set(actor=world.staff, case=case, recipients=[world.group])
    http = login(world.staff)
    for name in ("case_detail", "case_messages"):
        assert "Innan något skickas" in http.get(reverse(name, args=[case.pk])).content.decode()
    services.case_recipients_set(actor=world.staff, case=case, recipients=[world.group, world.coordination])
    assert "Innan något skickas" not in http.get(reverse("case_messages", args=[case.pk])).content.decode()


def test_every_id_on_the_case_messages_page_is_unique(world, login, start_case):
    case = start_case(MONDAY)
    page = login(world.staff).get(reverse("case_messages", args=[case.pk])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert ids and not [i for i, n in ids.items() if n > 1]
    for target in re.findall(r'\sfor="([^"]+)"', page):
        assert ids[target] == 1


def test_saving_the_receivers_says_exactly_who_was_saved(world, login, start_case):
    case = start_case(MONDAY)
    response = login(world.staff).post(
        reverse("case_messages", args=[case.pk]),
        {"action": "recipients", "recipients": [world.coordination.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Mottagarna är sparade: Koordinator Omsorg (hemtjänstkoordinator (dag))." in page
    assert _receivers(case) == {"Koordinator Omsorg"}


def test_the_case_api_shows_the_link_and_the_free_text(world, login, decided):
    case_services.client_update(actor=world.officer, client=decided.client, safety_alarm="Larm AB")
    body = login(world.officer).get(reverse("api-case-detail", args=[decided.pk])).json()
    assert body["providers"]["hemtjanst_group"] == {
        "unit": {"id": world.group.pk, "name": "Hemtjänst Centrum"},
        "other": "",
    }
    assert body["providers"]["safety_alarm"] == {"unit": None, "other": "Larm AB"}


def test_a_unit_taken_out_of_use_stays_linked_and_the_client_can_still_be_edited(world, login):
    client = f.client(world.officer)
    world.group.active = False
    world.group.save()
    data = EDIT_BASE | {
        "client-version": client.version,
        "client-hemtjanst_group_unit": world.group.pk,
        "client-phone": "070-1",
    }
    response = login(world.officer).post(reverse("client_edit", args=[client.pk]), data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.hemtjanst_group_unit, client.phone) == (world.group, "070-1")
    other = f.client(world.officer, hemtjanst_group="Egen grupp")
    with pytest.raises(DomainValidationError):
        case_services.client_update(
            actor=world.officer, client=other, hemtjanst_group="", hemtjanst_group_unit=world.group
        )
