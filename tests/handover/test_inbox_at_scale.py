"""The inbox and the menu's count on a long history: scoped to the municipality, bounded counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Role
from handover import selectors, services
from handover.models import Delivery, Message, Recipient

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def _send_drafts(world, case):
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        services.message_send(actor=world.staff, message=message)


def _inbox(http, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(reverse("inbox"), params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _elsewhere_messages(world, count, *, to=None):
    """Sent messages about a case in the other municipality, delivered to its own unit (or to `to`)."""
    officer = f.UserFactory(municipality=world.elsewhere, role=Role.CASE_OFFICER)
    case = f.referred_case(officer)
    consent = f.consent(officer, case)
    unit = to or Recipient.objects.create(municipality=world.elsewhere, kind="group", name="Annan grupp", provider="X")
    for n in range(count):
        message = Message.objects.create(
            case=case,
            kind="free",
            direction="to_hemtjanst",
            subject=f"Annanstad {n}",
            body="x",
            author=officer,
            sent_at=timezone.now(),
            consent=consent,
        )
        Delivery.objects.create(message=message, recipient=unit)


def test_it_counts_what_is_still_to_acknowledge_in_the_menu(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    assert selectors.unacknowledged_count(world.coordinator) == 2
    http = login(world.coordinator)
    invitation = Message.objects.get(case=case, kind="meeting_invitation")
    http.post(reverse("message_detail", args=[invitation.pk]), {"representative": "Kim"})
    assert selectors.unacknowledged_count(world.coordinator) == 1
    assert "Inkorg (1 att kvittera)" in http.get(reverse("inbox")).content.decode()
    assert selectors.unacknowledged_count(world.other_coordinator) == 0


def test_it_shows_99_plus_when_a_unit_never_acknowledges(world, start_case, monkeypatch):
    _send_drafts(world, start_case(MONDAY))
    _send_drafts(world, start_case(MONDAY))
    monkeypatch.setattr("handover.selectors.MENU_COUNT_LIMIT", 3)
    assert selectors.unacknowledged_count(world.coordinator) == 3
    monkeypatch.setattr("notifications.selectors.MENU_COUNT_LIMIT", 3)
    assert selectors.inbox_menu_label(world.coordinator) == "Inkorg (99+ att kvittera)"


def test_another_municipalitys_messages_change_neither_the_inbox_nor_its_queries(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.coordinator)
    before, queries = _inbox(http)
    _elsewhere_messages(world, 30)
    after, queries_after = _inbox(http)
    assert "Annanstad" not in after and "Visar 1–2 av 2" in before and "Visar 1–2 av 2" in after
    assert queries_after == queries


def test_a_message_of_another_municipality_is_not_shown_even_if_delivered_to_the_unit(world, login, start_case):
    _send_drafts(world, start_case(MONDAY))
    _elsewhere_messages(world, 1, to=world.group)
    page, _ = _inbox(login(world.coordinator))
    assert "Annanstad" not in page and "Visar 1–2 av 2" in page


def test_the_unacknowledged_inbox_costs_one_query_more_than_the_inbox(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.coordinator)
    start = Message.objects.get(case=case, kind="start_notice")
    http.post(reverse("message_detail", args=[start.pk]), {"representative": ""})
    everything, queries = _inbox(http)
    missing, queries_missing = _inbox(http, show="unacknowledged")
    assert start.subject in everything and start.subject not in missing
    # The receipts still missing, read first (delivery_unacknowledged_idx).
    assert queries_missing == queries + 1


def test_the_inbox_count_stops_at_its_limit_and_says_so(world, login, start_case, monkeypatch):
    for _ in range(2):
        _send_drafts(world, start_case(MONDAY))
    monkeypatch.setattr("handover.selectors.INBOX_COUNT_LIMIT", 3)
    page, _ = _inbox(login(world.coordinator))
    assert "Visar 1–3 av fler än 3 (äldre meddelanden finns på respektive ärende)" in page
