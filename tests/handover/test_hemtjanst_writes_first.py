"""Issue 8, item 7 and the inbox parts of item 9: a hemtjänst coordinator starts the daily summary for a case
their unit receives messages on (not only replies); the inbox names the client and is paginated with a
count, as is the providers' API."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import AccessLog
from handover import services
from handover.models import Message
from hemgang.errors import DomainError

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def test_a_coordinator_writes_the_daily_summary_first_from_the_inbox(world, login, start_case):
    case = start_case(MONDAY)  # drafts only: nothing has been sent to hemtjänst yet
    http = login(world.coordinator)
    inbox = http.get(reverse("inbox")).content.decode()
    url = reverse("summary_to_team", args=[case.pk])
    assert "Skriv dagsammanfattning" in inbox and url in inbox and case.client.full_name in inbox
    response = http.post(url, {"subject": "", "body": "Lugn dag, åt bra."})
    assert response.status_code == 302
    message = Message.objects.get(case=case, direction="to_team")
    assert (message.kind, message.author) == ("summary", world.coordinator)
    assert message.sender_recipient in (world.group, world.coordination)
    assert message.deliveries.get().team == world.team
    assert AccessLog.objects.filter(user=world.coordinator, what="summary.to_team", case_id=case.pk).exists()


def test_it_is_a_404_for_a_coordinator_whose_unit_is_not_on_the_case(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.other_coordinator)
    assert http.get(reverse("summary_to_team", args=[case.pk])).status_code == 404
    assert http.post(reverse("summary_to_team", args=[case.pk]), {"body": "x"}).status_code == 404
    assert reverse("summary_to_team", args=[case.pk]) not in http.get(reverse("inbox")).content.decode()
    assert login(world.staff).get(reverse("summary_to_team", args=[case.pk])).status_code == 404
    assert not Message.objects.filter(case=case, direction="to_team").exists()


def test_the_consent_gate_stops_a_summary_written_first(world, login, start_case):
    case = start_case(MONDAY)
    case_services.consent_withdraw(actor=world.officer, consent=case.consents.get(), reported_by="USK", reason="Nej")
    response = login(world.coordinator).post(reverse("summary_to_team", args=[case.pk]), {"body": "Hej"})
    assert response.status_code == 200 and "samtycke" in response.content.decode()
    with pytest.raises(DomainError):
        services.message_send_to_team(actor=world.coordinator, case=case, subject="", body="Hej")
    assert not Message.objects.filter(case=case, direction="to_team").exists()


def test_a_case_that_is_not_running_takes_no_summary(world, login, decided):
    services.case_recipients_set(actor=world.staff, case=decided, recipients=[world.coordination])
    assert login(world.coordinator).get(reverse("summary_to_team", args=[decided.pk])).status_code == 404


def _send_all(world, case):
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        services.message_send(actor=world.staff, message=message)


def test_the_inbox_is_paginated_and_says_how_many(world, login, start_case):
    case = start_case(MONDAY)
    _send_all(world, case)
    for i in range(26):
        services.message_draft_and_send(
            actor=world.staff, case=case, kind="free", subject=f"M{i}", body="x", recipients=[world.coordination]
        )
    http = login(world.coordinator)
    first = http.get(reverse("inbox")).content.decode()
    assert "Visar 1–25 av 28" in first and "Sida 1 av 2" in first
    second = http.get(reverse("inbox"), {"page": "2"}).content.decode()
    assert "Visar 26–28 av 28" in second
    assert "Visar 1–25 av 28" in http.get(reverse("inbox"), {"page": "x"}).content.decode()


def test_the_messages_api_is_paginated_with_a_count(world, start_case):
    from rest_framework.test import APIClient

    from cases.models import ApiToken

    _send_all(world, start_case(MONDAY))
    _token, raw = ApiToken.issue(world.coordinator, scopes=["messages"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    body = api.get(reverse("api-message-list"), {"limit": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


def test_the_write_first_page_query_count_is_pinned(world, login, start_case):
    """session, user, the case (receiver check in the fetch), the rule (receiver on the case), the access-log
    insert, the menu's counts, the menu's unread notifications. No model permissions: only staff accounts
    have them (hemgang.auth_backends.StaffModelBackend)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = start_case(MONDAY)
    http = login(world.coordinator)
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(reverse("summary_to_team", args=[case.pk])).status_code == 200
    assert len(ctx.captured_queries) == 7
