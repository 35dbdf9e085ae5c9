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
from handover.models import Delivery, Message, Recipient, UnreadMessage

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


# --- the unread filter: the user's own unread rows (handover.models.UnreadMessage) --------------------


def _unread_subjects(user) -> set[str]:
    return set(selectors.inbox(user, unread=True).values_list("subject", flat=True))


def test_it_keeps_a_message_unread_for_each_receiver_until_they_open_it(world, login, start_case):
    colleague = f.UserFactory(municipality=world.town, role=Role.COORDINATOR, shift="day", username="colleague")
    world.group.members.add(colleague)
    case = start_case(MONDAY)
    _send_drafts(world, case)
    start = Message.objects.get(case=case, kind="start_notice")
    invitation = Message.objects.get(case=case, kind="meeting_invitation")
    assert _unread_subjects(world.coordinator) == {start.subject, invitation.subject}
    login(world.coordinator).get(reverse("message_detail", args=[start.pk]))
    assert _unread_subjects(world.coordinator) == {invitation.subject}
    # The colleague of the same unit has opened nothing; the other provider's coordinator received nothing.
    assert _unread_subjects(colleague) == {start.subject, invitation.subject}
    assert _unread_subjects(world.other_coordinator) == set()


def test_a_message_to_the_team_is_unread_for_its_staff_and_every_unit_manager_who_leads_it(world, start_case):
    leader = f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.other_team, username="leader")
    leader.led_teams.add(world.team)
    case = start_case(MONDAY)
    summary = services.message_send_to_team(actor=world.coordinator, subject="Dagens", body="Allt väl.", case=case)
    for user in (world.staff, world.manager, leader):
        assert _unread_subjects(user) == {summary.subject}, user
    assert _unread_subjects(world.other_staff) == set()
    services.message_mark_read(user=world.staff, message=summary)
    assert _unread_subjects(world.staff) == set() and _unread_subjects(world.manager) == {summary.subject}


def test_the_inbox_marks_unread_what_the_user_has_not_opened(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.coordinator)
    start = Message.objects.get(case=case, kind="start_notice")
    http.get(reverse("message_detail", args=[start.pk]))
    page, _ = _inbox(http)
    assert page.count('class="badge">Oläst<') == 1


def test_the_unread_inbox_costs_one_query_more_than_the_inbox(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.coordinator)
    _, queries = _inbox(http)
    page, queries_unread = _inbox(http, show="unread")
    # The user's unread rows, read first (unread_user_sent_idx).
    assert queries_unread == queries + 1 and "Visar 1–2 av 2" in page


def test_the_unread_filter_reads_the_users_newest_unread_rows_along_their_index(world, start_case):
    """The plan, with sequential and bitmap scans made unattractive (on a handful of rows PostgreSQL would
    read the table instead): the index gives the user's rows already in the filter's order, so no sort and nothing
    read for other users or for what the user has read."""
    _send_drafts(world, start_case(MONDAY))
    newest = UnreadMessage.objects.filter(user=world.coordinator).order_by("-sent_at", "-message_id")
    sql, params = newest.values_list("message_id", flat=True)[: selectors.INBOX_COUNT_LIMIT].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unread_user_sent_idx" in plan and "Sort" not in plan, plan


def test_the_unread_rows_of_a_whole_history_are_those_the_sendings_write(world, login, start_case):
    """seed_bench writes its messages in bulk and then the unread rows of all of them at once: the same rows
    as the sendings wrote one message at a time, none for what was read."""
    for _ in range(2):
        _send_drafts(world, start_case(MONDAY))
    services.message_send_to_team(actor=world.coordinator, subject="Dagens", body="Allt väl.", case=start_case(MONDAY))
    login(world.coordinator).get(reverse("message_detail", args=[Message.objects.order_by("pk").first().pk]))
    rows = set(UnreadMessage.objects.values_list("user_id", "message_id", "sent_at"))
    assert len(rows) == 2 * 2 * 1 - 1 + 2  # four to the coordinator, one of them opened; the summary to two
    UnreadMessage.objects.all().delete()
    assert services.unread_rows_write() == len(rows)
    assert set(UnreadMessage.objects.values_list("user_id", "message_id", "sent_at")) == rows
    assert services.unread_rows_write() == 0


# --- the messages API: a bounded count ---------------------------------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    from cases.models import ApiToken

    _token, raw = ApiToken.issue(user, scopes=["messages"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def test_the_messages_api_counts_up_to_its_limit_and_still_pages_on(world, start_case, monkeypatch):
    for _ in range(3):
        _send_drafts(world, start_case(MONDAY))  # six messages to the coordinator
    monkeypatch.setattr("handover.selectors.INBOX_COUNT_LIMIT", 3)
    api = _api(world.coordinator)
    first = api.get(reverse("api-message-list"), {"limit": 2}).json()
    assert first["count"] == 3 and first["count_capped"] and len(first["results"]) == 2 and first["next"]
    # Further back than the limit the count goes just past the page asked for, so `next` stays right.
    third = api.get(reverse("api-message-list"), {"limit": 2, "offset": 4}).json()
    assert len(third["results"]) == 2 and third["next"] is None
    assert third["count"] == 6 and not third["count_capped"]
    everything = api.get(reverse("api-message-list"), {"limit": 10}).json()
    assert everything["count"] == 6 and not everything["count_capped"] and everything["next"] is None


def test_the_messages_api_count_query_stops_at_its_limit(world, start_case, monkeypatch):
    for _ in range(3):
        _send_drafts(world, start_case(MONDAY))
    monkeypatch.setattr("handover.selectors.INBOX_COUNT_LIMIT", 3)
    with CaptureQueriesContext(connection) as ctx:
        assert _api(world.coordinator).get(reverse("api-message-list"), {"limit": 2}).status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]
