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
