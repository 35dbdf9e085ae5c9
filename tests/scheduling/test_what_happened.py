"""Item 2 of issue 8: what is documented is what happened (the visit log, unlogged visits, overdue cases)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scheduling import services

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def on_monday_afternoon():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def _first(case):
    return case.visits.order_by("planned_start").first()


def test_it_stores_not_done_for_every_intervention_of_a_visit_not_performed(world, start_case, on_monday_afternoon):
    visit = _first(start_case(MONDAY))
    row = visit.visit_interventions.get()
    services.visit_log(
        actor=world.staff,
        visit=visit,
        performed=False,
        not_done_reason="Ej hemma",
        outcomes={row.pk: "together"},
    )
    row.refresh_from_db()
    assert row.outcome == "not_done"


def test_the_visit_log_form_starts_with_nothing_chosen(world, login, start_case, on_monday_afternoon):
    visit = _first(start_case(MONDAY))
    page = login(world.staff).get(reverse("visit_log", args=[visit.pk])).content.decode()
    assert 'name="performed"' in page
    assert "checked" not in page


def test_the_visit_log_form_keeps_no_together_on_a_visit_not_performed(world, login, start_case, on_monday_afternoon):
    visit = _first(start_case(MONDAY))
    row = visit.visit_interventions.get()
    response = login(world.staff).post(
        reverse("visit_log", args=[visit.pk]),
        {"performed": "no", "not_done_reason": "Ej hemma", f"outcome_{row.pk}": "together"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.outcome == "not_done"


def test_the_visit_log_form_asks_whether_the_visit_was_performed(world, login, start_case, on_monday_afternoon):
    visit = _first(start_case(MONDAY))
    response = login(world.staff).post(reverse("visit_log", args=[visit.pk]), {"actual_start": "08:00"})
    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "planned"


def _at(day, hour, minute=0):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))), tick=False)


def test_a_planned_visit_is_undocumented_once_its_planned_time_has_passed(world, start_case):
    visit = _first(start_case(MONDAY))
    with _at(MONDAY, 7):
        assert not visit.is_undocumented
    with time_machine.travel(visit.planned_end - dt.timedelta(minutes=1), tick=False):
        assert not visit.is_undocumented
    with time_machine.travel(visit.planned_end, tick=False):
        assert visit.is_undocumented
        services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="Ej hemma")
        visit.refresh_from_db()
        assert not visit.is_undocumented


def test_the_team_sees_past_visits_never_logged_as_not_documented(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    with _at(MONDAY + dt.timedelta(days=1), 12):
        board = http.get(reverse("day_board")).content.decode()
        visits_page = http.get(reverse("case_visits", args=[case.pk])).content.decode()
        case_page = http.get(reverse("case_detail", args=[case.pk])).content.decode()
    # Tuesday's two morning visits are past on the board; Monday's and Tuesday's four on the visits page.
    assert board.count("Ej dokumenterat") == 2
    assert visits_page.count("Ej dokumenterat") == 4
    assert "state-undocumented" in case_page and "Ej dokumenterat" in case_page
    with _at(MONDAY, 7):
        assert "Ej dokumenterat" not in http.get(reverse("case_visits", args=[case.pk])).content.decode()


def test_a_case_past_its_decision_shows_as_overdue_on_every_list(world, login, start_case):
    case = start_case(MONDAY, days=3)  # the decision ends on Wednesday 2026-11-25
    thursday = MONDAY + dt.timedelta(days=3)
    from scheduling.models import Visit

    Visit.objects.create(
        case=case,
        team=case.team,
        planned_start=timezone.make_aware(dt.datetime.combine(thursday, dt.time(11))),
        planned_minutes=30,
    )
    overdue = "Försenad: beslutet gick ut 2026-11-25"
    officer, staff = login(world.officer), login(world.staff)
    with _at(thursday - dt.timedelta(days=1), 21):
        assert overdue not in staff.get(reverse("home")).content.decode()
        assert case.overdue_since is None
    with _at(thursday, 8):
        assert case.overdue_since == dt.date(2026, 11, 25)
        assert overdue in staff.get(reverse("home")).content.decode()
        assert overdue in staff.get(reverse("day_board")).content.decode()
        assert overdue in staff.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert overdue in officer.get(reverse("home")).content.decode()
        found = officer.post(reverse("client_search"), {"q": case.client.last_name}).content.decode()
        assert overdue in found
        assert overdue in officer.get(reverse("client_detail", args=[case.client_id])).content.decode()


def test_the_visits_api_says_which_visits_are_undocumented(world, start_case):
    from rest_framework.test import APIClient

    case = start_case(MONDAY)
    api = APIClient()
    api.force_authenticate(world.staff)
    with _at(MONDAY + dt.timedelta(days=1), 12):
        visits = api.get(reverse("api-case-visits", args=[case.pk])).json()
    flags = [v["undocumented"] for v in visits]
    assert flags[:4] == [True] * 4 and not any(flags[4:])
