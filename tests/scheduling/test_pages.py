"""The team's pages: day board, visit log, journal, meeting; who may open them; query counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AccessLog, Client
from scheduling import services
from scheduling.models import JournalDraft, JournalEntry

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday_afternoon():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def _queries(http, url, method="get", data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(http, method)(url, data or {})
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_the_day_board_shows_todays_and_tomorrows_visits_in_time_order(world, login, start_case):
    case = start_case(MONDAY)
    page = login(world.staff).get(reverse("day_board")).content.decode()
    assert page.count(case.client.full_name) == 4  # two morning visits today and two tomorrow
    assert "Personlig omvårdnad" in page
    assert AccessLog.objects.filter(user=world.staff, what="board.day", client_id=case.client_id).exists()


def test_the_day_board_query_count_does_not_grow_with_visits(world, login, start_case):
    """session, user, visits with client/plan/referral/staff, their interventions, the team (heading),
    access-log insert, the inbox count in the menu, the menu's unread notifications, and Django's two
    model-permission lookups behind the menu's refused rules."""
    start_case(MONDAY)
    http = login(world.staff)
    small = _queries(http, reverse("day_board"))
    for _ in range(4):
        start_case(MONDAY)
    assert _queries(http, reverse("day_board")) == small
    assert small <= 10


def test_my_visits_shows_only_mine(world, login, start_case):
    case = start_case(MONDAY)
    visit = case.visits.order_by("planned_start").first()
    services.visit_assign(actor=world.staff, visit=visit, assigned_to=world.staff)
    page = login(world.staff).get(reverse("day_board"), {"who": "me"}).content.decode()
    assert page.count(case.client.full_name) == 1


def test_the_day_board_is_for_the_team(world, login):
    assert login(world.officer).get(reverse("day_board")).status_code == 403
    assert login(world.coordinator).get(reverse("day_board")).status_code == 403


def test_logging_a_visit_from_the_form(world, login, start_case):
    case = start_case(MONDAY)
    visit = case.visits.order_by("planned_start").first()
    row = visit.visit_interventions.get()
    response = login(world.staff).post(
        reverse("visit_log", args=[visit.pk]),
        {
            "performed": "yes",
            "actual_start": "08:00",
            "actual_end": "08:40",
            f"outcome_{row.pk}": "together",
            "client_condition": "Glad",
            "experienced_safety": "8",
            "journal_note": "Duschade själv med stöd.",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done" and visit.experienced_safety == 8
    assert JournalEntry.objects.get(visit=visit).text == "Duschade själv med stöd."


def test_the_visit_log_form_explains_a_missing_reason(world, login, start_case):
    visit = start_case(MONDAY).visits.order_by("planned_start").first()
    response = login(world.staff).post(reverse("visit_log", args=[visit.pk]), {"performed": "no"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "error-summary" in response.content.decode()


def test_other_teams_cannot_log_or_see_a_visit(world, login, start_case):
    visit = start_case(MONDAY).visits.first()
    assert login(world.other_staff).get(reverse("visit_log", args=[visit.pk])).status_code == 404
    assert login(world.officer).get(reverse("visit_log", args=[visit.pk])).status_code == 404


def test_autosave_keeps_a_draft_of_the_journal_entry(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    response = http.post(
        reverse("journal_draft", args=[case.pk]), {"kind": "social", "text": "Halvfärdig"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert JournalDraft.objects.get(author=world.staff).text == "Halvfärdig"
    page = http.get(reverse("journal", args=[case.pk])).content.decode()
    assert "Halvfärdig" in page  # the draft comes back in the form


def test_the_journal_shows_sol_to_the_case_officer_but_not_hsl(world, login, start_case):
    case = start_case(MONDAY)
    services.journal_sign(actor=world.staff, case=case, kind="social", text="Social anteckning")
    services.journal_sign(actor=world.staff, case=case, kind="health", text="Delegerad insulin", delegated_task=True)
    officer_page = login(world.officer).get(reverse("journal", args=[case.pk])).content.decode()
    assert "Social anteckning" in officer_page and "Delegerad insulin" not in officer_page
    manager_page = login(world.manager).get(reverse("journal", args=[case.pk])).content.decode()
    assert "Social anteckning" in manager_page and "Delegerad insulin" not in manager_page
    staff_page = login(world.staff).get(reverse("journal", args=[case.pk])).content.decode()
    assert "Social anteckning" in staff_page and "Delegerad insulin" in staff_page
    assert login(world.other_staff).get(reverse("journal", args=[case.pk])).status_code == 404


def test_a_corrected_entry_is_shown_struck_with_its_correction(world, login, start_case):
    case = start_case(MONDAY)
    original = services.journal_sign(actor=world.staff, case=case, kind="social", text="Fel text")
    response = login(world.staff).post(reverse("journal_correct", args=[original.pk]), {"text": "Rätt text"})
    assert response.status_code == 302
    page = login(world.staff).get(reverse("journal", args=[case.pk])).content.decode()
    assert "<del>Fel text</del>" in page and "Rätt text" in page


def test_the_journal_query_count_does_not_grow_with_entries(world, login, start_case):
    case = start_case(MONDAY)
    services.journal_sign(actor=world.staff, case=case, kind="social", text="Ett")
    http = login(world.staff)
    small = _queries(http, reverse("journal", args=[case.pk]))
    for i in range(6):
        entry = services.journal_sign(actor=world.staff, case=case, kind="social", text=f"Anteckning {i}")
        services.journal_correct(actor=world.staff, original=entry, text=f"Rättad {i}")
    assert _queries(http, reverse("journal", args=[case.pk])) == small


def test_the_meeting_page_and_calendar_file(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.officer)
    assert http.get(reverse("meeting", args=[case.pk])).status_code == 200
    ics = http.get(reverse("meeting_calendar", args=[case.pk]))
    assert ics["Content-Type"] == "text/calendar"
    assert b"BEGIN:VCALENDAR" in ics.content


def test_moving_the_meeting_to_a_holiday_is_explained(world, login, start_case):
    case = start_case(MONDAY)
    response = login(world.officer).post(
        reverse("meeting", args=[case.pk]),
        {
            "action": "reschedule",
            "starts_at": "2026-12-24T10:00",
            "reason": "Handläggaren sjuk",
        },
    )
    assert response.status_code == 200
    case.follow_up_meeting.refresh_from_db()
    assert timezone.localtime(case.follow_up_meeting.starts_at).date() == dt.date(2026, 11, 30)


def test_the_team_plans_a_visit_from_the_form(world, login, start_case):
    case = start_case(MONDAY)
    intervention = case.decision.interventions.first()
    response = login(world.staff).post(
        reverse("visit_new", args=[case.pk]),
        {
            "planned_start": "2026-11-24T14:00",
            "minutes": "30",
            "assigned_to": world.staff.pk,
            "interventions": [intervention.pk],
        },
    )
    assert response.status_code == 302
    assert case.visits.filter(assigned_to=world.staff).count() == 1


def test_the_case_page_shows_the_teams_work(world, login, start_case):
    case = start_case(MONDAY)
    page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert reverse("meeting", args=[case.pk]) in page


# --- the API ---------------------------------------------------------------------------------------


@pytest.fixture
def api():
    def _api(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _api


def test_the_api_day_board_and_visit_log(world, api, start_case):
    case = start_case(MONDAY)
    board = api(world.staff).get(reverse("api-day-board")).json()
    assert len(board) == 4 and board[0]["client_name"] == case.client.full_name
    visit = board[0]
    response = api(world.staff).post(
        reverse("api-visit-log", args=[visit["id"]]),
        {
            "performed": True,
            "actual_start": "2026-11-23T08:00:00+01:00",
            "actual_end": "2026-11-23T08:35:00+01:00",
            "outcomes": [{"id": visit["interventions"][0]["id"], "outcome": "for_client"}],
            "experienced_safety": 6,
            "journal_note": "Loggat från telefonen",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "done"


def test_the_api_refuses_bad_visit_logs_precisely(world, api, start_case):
    case = start_case(MONDAY)
    visit = case.visits.order_by("planned_start").first()
    response = api(world.staff).post(
        reverse("api-visit-log", args=[visit.pk]),
        {
            "performed": True,
            "experienced_safety": 12,
            "colour": "blå",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "colour" in response.json()
    response = api(world.staff).post(
        reverse("api-visit-log", args=[visit.pk]), {"performed": True, "experienced_safety": 12}, format="json"
    )
    assert "experienced_safety" in response.json()


def test_the_api_meeting_and_visits_follow_the_same_rules(world, api, start_case):
    case = start_case(MONDAY)
    assert api(world.officer).get(reverse("api-meeting", args=[case.pk])).json()["status"] == "booked"
    assert api(world.other_staff).get(reverse("api-meeting", args=[case.pk])).status_code == 404
    assert len(api(world.staff).get(reverse("api-case-visits", args=[case.pk])).json()) == 20
    assert api(world.officer).get(reverse("api-day-board")).status_code == 403


def test_the_api_date_must_be_a_date(world, api):
    response = api(world.staff).get(reverse("api-day-board"), {"date": "imorgon"})
    assert response.status_code == 400


def test_a_team_at_capacity_needs_a_reason_and_the_manager_is_told(
    world, start_case, mailoutbox, django_capture_on_commit_callbacks
):
    from cases import services as case_services
    from hemgang.errors import DomainError

    world.team.capacity = 1
    world.team.save()
    world.manager.email = "chef@example.org"
    world.manager.save()
    start_case(MONDAY)
    case = f.referred_case(world.officer)
    f.consent(world.officer, case)
    with pytest.raises(DomainError) as err:
        f.decision(world.officer, case, world.team, world.types, world.basis)
    assert err.value.code == "team_at_capacity"
    with django_capture_on_commit_callbacks(execute=True):
        case_services.decision_register(
            actor=world.officer,
            case=case,
            team=world.team,
            legal_basis=world.basis,
            needs_assessed=True,
            decided_on=MONDAY,
            start_date=MONDAY,
            end_date=MONDAY + dt.timedelta(days=9),
            purpose="x",
            goals="",
            interventions=[case_services.InterventionLine(world.types[0].pk, 1, "day", 30, "day")],
            capacity_override_reason="Ingen annan kan ta emot i dag",
            consent_gap_accepted=True,
        )
    case.refresh_from_db()
    assert case.capacity_override_reason == "Ingen annan kan ta emot i dag"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["chef@example.org"]
    assert case.client.last_name not in mailoutbox[0].body


def test_the_visits_api_hides_a_protected_address_from_the_case_officer(world, start_case):
    case = start_case(MONDAY)
    Client.objects.filter(pk=case.client_id).update(protected_identity=True)
    api = APIClient()
    api.force_authenticate(world.officer2)
    visits = api.get(reverse("api-case-visits", args=[case.pk])).json()
    assert visits and all(v["address"] == "" for v in visits)
    api.force_authenticate(world.staff)
    assert "Provgatan 1" in api.get(reverse("api-case-visits", args=[case.pk])).json()[0]["address"]


def test_the_visits_and_meeting_pages_query_counts_do_not_grow(world, login, start_case):
    """Visits: session, user, case, visits with client/plan/staff, their interventions, access log, menu.
    Meeting: the meeting with its chair, the participants; the same with more relatives and visits."""
    case = start_case(MONDAY, days=3)
    http = login(world.staff)
    visits_small = _queries(http, reverse("case_visits", args=[case.pk]))
    meeting_small = _queries(http, reverse("meeting", args=[case.pk]))
    bigger = start_case(MONDAY, days=14)
    from cases.models import Relative

    for i in range(4):
        Relative.objects.create(client=bigger.client, name=f"Anhörig {i}")
    bigger.follow_up_meeting.delete()
    services.meeting_book(case=bigger, actor=world.staff)
    assert _queries(http, reverse("case_visits", args=[bigger.pk])) == visits_small
    assert _queries(http, reverse("meeting", args=[bigger.pk])) == meeting_small
