"""handover/access.py: the message rules, and the fetch-with-check functions for what its URLs name (a
message, a draft, the deliveries a user acknowledges). Another unit's or team's message is a 404; every
permitted read of a message leaves an access-log row, on the page and in the API."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import access as cases_access
from cases.models import AccessLog, Recipient
from handover import access, services
from handover.models import Message

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


@pytest.fixture
def case(start_case):
    return start_case(MONDAY)


@pytest.fixture
def sent(world, case):
    """The start notice, sent to the client's group and its provider's day coordinator."""
    notice = Message.objects.get(case=case, kind="start_notice")
    return services.message_send(actor=world.staff, message=notice)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _logged(user, what, case) -> bool:
    return AccessLog.objects.filter(user=user, what=what, case_id=case.pk, client_id=case.client_id).exists()


# --- reading a message -----------------------------------------------------------------------------


def test_reading_a_message_on_its_page_leaves_an_access_log_row(world, login, case, sent):
    assert login(world.coordinator).get(reverse("message_detail", args=[sent.pk])).status_code == 200
    assert _logged(world.coordinator, "message.read", case)


def test_reading_a_message_in_the_api_leaves_an_access_log_row(world, case, sent):
    assert _api(world.coordinator).get(reverse("api-message-detail", args=[sent.pk])).status_code == 200
    assert _logged(world.coordinator, "api.message.read", case)


def test_the_team_reading_its_message_is_logged_too(world, login, case, sent):
    assert login(world.staff).get(reverse("message_detail", args=[sent.pk])).status_code == 200
    assert _logged(world.staff, "message.read", case)


@pytest.mark.parametrize("persona", ["other_coordinator", "other_staff", "integration", "outsider"])
def test_a_message_to_another_unit_or_team_is_a_404_logged_as_refused(world, login, case, sent, persona):
    """A refused attempt at a message that exists is logged as denied (issue 12), never as a read. The
    hospital's integration has no session on the pages (it is ended), only its token on the API."""
    user = getattr(world, persona)
    assert _api(user).get(reverse("api-message-detail", args=[sent.pk])).status_code == 404
    if persona != "integration":
        assert login(user).get(reverse("message_detail", args=[sent.pk])).status_code == 404
        assert login(user).get(reverse("message_reply", args=[sent.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=user, denied=False).exists()
    assert AccessLog.objects.filter(user=user, case_id=case.pk, denied=True).exists()


def test_a_draft_is_a_404_for_hemtjanst_until_it_is_sent(world, login, case):
    draft = Message.objects.get(case=case, kind="start_notice")
    assert login(world.coordinator).get(reverse("message_detail", args=[draft.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=world.coordinator, denied=False).exists()


# --- drafts ----------------------------------------------------------------------------------------


def test_the_team_opens_its_draft_and_the_read_is_logged(world, login, case):
    draft = Message.objects.get(case=case, kind="start_notice")
    assert login(world.staff).get(reverse("message_edit", args=[draft.pk])).status_code == 200
    assert _logged(world.staff, "message.edit", case)


@pytest.mark.parametrize("persona", ["other_staff", "officer", "coordinator", "manager"])
def test_another_teams_draft_is_a_404_and_no_read_is_logged(world, login, case, persona):
    """The other team, and those who see the case but may not write to hemtjänst (case officer, unit
    manager), never open the draft; hemtjänst does not even learn it exists. A refused attempt at a case
    that exists is logged as denied (issue 12), never as a read."""
    draft = Message.objects.get(case=case, kind="start_notice")
    user = getattr(world, persona)
    assert login(user).get(reverse("message_edit", args=[draft.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=user, what="message.edit", denied=False).exists()


def test_a_sent_message_sends_the_editor_on_to_its_page(world, login, sent):
    response = login(world.staff).get(reverse("message_edit", args=[sent.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("message_detail", args=[sent.pk])


# --- deliveries ------------------------------------------------------------------------------------


@pytest.fixture
def to_two_providers(world, case):
    """A message to the case's receivers and to another provider's coordinator added to them."""
    other = Recipient.objects.get(name="Koordinator Annat")
    receivers = [*services.default_recipients(case), other]
    services.case_recipients_set(actor=world.staff, case=case, recipients=receivers)
    f.consent(world.officer, case, receivers=receivers)  # renewed, naming the added provider too
    return services.message_draft_and_send(
        actor=world.staff, case=case, kind="free", subject="Till båda", body="Hej", recipients=receivers
    )


def test_each_receiver_acknowledges_only_its_own_units_deliveries(world, to_two_providers):
    message = access.get_message_for(_request(world.other_coordinator), to_two_providers.pk, what="test")
    theirs = access.deliveries_for(world.other_coordinator, message)
    assert [d.recipient.name for d in theirs] == ["Koordinator Annat"]
    ours = access.deliveries_for(world.coordinator, message)
    assert {d.recipient.name for d in ours} == {"Hemtjänst Centrum", "Koordinator Omsorg"}
    assert access.deliveries_for(world.staff, message) == []


def test_the_api_acknowledges_for_the_callers_unit_only(world, to_two_providers):
    response = _api(world.other_coordinator).post(
        reverse("api-message-acknowledge", args=[to_two_providers.pk]), {}, format="json"
    )
    assert response.status_code == 200
    acknowledged = {d.recipient.name for d in to_two_providers.deliveries.filter(acknowledged_at__isnull=False)}
    assert acknowledged == {"Koordinator Annat"}
    assert _logged(world.other_coordinator, "api.message.acknowledge", to_two_providers.case)


def test_a_message_without_a_delivery_of_ones_own_is_a_404_to_acknowledge(world, case, sent):
    assert (
        _api(world.staff).post(reverse("api-message-acknowledge", args=[sent.pk]), {}, format="json").status_code == 404
    )


# --- the case's receivers, known to the core's rules through the registry -------------------------


def test_the_cases_receivers_reach_the_core_rules_without_cases_importing_handover(world, case):
    assert cases_access.receiver_on_case.test(world.coordinator, case)
    assert not cases_access.receiver_on_case.test(world.other_coordinator, case)
    assert world.coordinator.has_perm("scheduling.fetch_meeting_ics", case)
    assert not world.other_coordinator.has_perm("scheduling.fetch_meeting_ics", case)
    assert list(access.receiver_cases(world.coordinator)) == [case]
    assert not access.receiver_cases(world.other_coordinator).exists()


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request
