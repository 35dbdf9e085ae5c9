"""The capacity planner: the team as it is (capacity and load now, the last twelve months' length and
intake), the what-if, bad input on the form, who may open it, and its query count."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from .test_figures import at_, end, home

PAGE = reverse("followup_capacity")
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def year(world):
    """Team Norr (capacity 10, usual length 10 days) on 15 June 2026: two supports ended in the last twelve
    months, of 10 days (1–10 March) and 14 days (4–17 May); two clients at home now (from 10 and 12 June);
    one support of 30 days ended in March 2025, before the twelve months. Started in the last twelve
    months: 4 (the one of 2025 started before)."""
    day = dt.date
    world.team.max_support_days = 40
    world.team.save(update_fields=["max_support_days"])
    end(world, home(world, day(2026, 3, 1)), day(2026, 3, 10))
    end(world, home(world, day(2026, 5, 4)), day(2026, 5, 17))
    end(world, home(world, day(2025, 2, 1), days=40), day(2025, 3, 2))
    home(world, day(2026, 6, 10))
    home(world, day(2026, 6, 12))


def _get(http, params=None):
    with time_machine.travel(at_(TODAY, 12), tick=False):
        response = http.get(PAGE, params or {})
    assert response.status_code == 200
    return response


def test_it_plans_the_team_as_it_is(world, login, year):
    response = _get(login(world.manager), {"team": world.team.pk})
    as_is = response.context["as_is"]
    # Mean length (10 + 14) / 2 = 12 days. At capacity: 10 × 365 / 12 = 304.2; at the load now (2 active):
    # 2 × 365 / 12 = 60.8. Taken in over the last twelve months: 4.
    assert (as_is["capacity"], as_is["load"], as_is["length"], as_is["intake"]) == (10, 2, Decimal("12.0"), 4)
    assert round(as_is["at_capacity"].clients_a_year, 1) == Decimal("304.2")
    assert round(as_is["at_load"].clients_a_year, 1) == Decimal("60.8")
    page = response.content.decode()
    assert ">304<" in page and ">61<" in page
    assert "medelvärdet för de 2 stöd som avslutades" in page


def test_it_falls_back_on_the_teams_usual_length_without_data(world, login):
    world.manager.led_teams.add(world.other_team)
    world.other_team.capacity, world.other_team.usual_support_days = 30, 14
    world.other_team.save(update_fields=["capacity", "usual_support_days"])
    as_is = _get(login(world.manager)).context["as_is"]
    # Norr 10 places × 10 days and Söder 30 × 14, weighted by capacity: (100 + 420) / 40 = 13.
    assert (as_is["capacity"], as_is["length"], as_is["length_measured"]) == (40, Decimal("13.0"), False)
    assert round(as_is["at_capacity"].clients_a_year, 1) == Decimal("1123.1")  # 40 × 365 / 13


@pytest.mark.parametrize(("clients", "length"), [("12,5", "14"), ("12.5", "14,0")])
def test_it_computes_a_what_if(world, login, clients, length):
    response = _get(login(world.manager), {"clients_at_once": clients, "average_length_days": length})
    plan = response.context["what_if"].plan
    assert round(plan.clients_a_year, 2) == Decimal("325.89")  # 12.5 × 365 / 14
    assert "<strong>326 brukare per år</strong>" in response.content.decode()


def test_it_starts_the_what_if_from_the_team_as_it_is(world, login, year):
    response = _get(login(world.manager))
    form = response.context["what_if"]
    assert not form.is_bound and form.plan is None
    assert (form.initial["clients_at_once"], form.initial["average_length_days"]) == (10, Decimal("12.0"))


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"clients_at_once": "10", "average_length_days": "0"},
            {"average_length_days": ["Den genomsnittliga längden måste vara fler än noll dagar."]},
        ),
        (
            {"clients_at_once": "10", "average_length_days": "-3"},
            {"average_length_days": ["Den genomsnittliga längden måste vara fler än noll dagar."]},
        ),
        (
            {"clients_at_once": "-1", "average_length_days": "14"},
            {"clients_at_once": ["Antalet brukare samtidigt kan inte vara negativt."]},
        ),
        ({"clients_at_once": "tio", "average_length_days": "14"}, {"clients_at_once": ["Fyll i ett tal."]}),
        ({"clients_at_once": "10", "average_length_days": "NaN"}, {"average_length_days": ["Fyll i ett tal."]}),
        (
            {"clients_at_once": "10", "average_length_days": ""},
            {"average_length_days": ["Det här fältet är obligatoriskt."]},
        ),
        (
            {"clients_at_once": "1e9", "average_length_days": "14"},
            {"clients_at_once": ["Kontrollera att detta värde är mindre än eller lika med 1000."]},
        ),
    ],
)
def test_it_explains_a_what_if_that_means_nothing(world, login, params, errors):
    response = _get(login(world.manager), params)
    form = response.context["what_if"]
    assert form.errors == errors and form.plan is None
    page = response.content.decode()
    assert "Planen kunde inte räknas ut" in page
    assert "Teamet som det är i dag" in page  # the team as it is still shows


def test_it_refuses_a_team_that_is_not_the_managers(world, login):
    from .. import factories as f

    for team in (world.other_team.pk, f.TeamFactory(municipality=world.elsewhere).pk, "x"):
        response = _get(login(world.manager), {"team": team})
        assert response.context["team_form"].errors == {"team": ["Välj ett av dina team."]}
        assert "as_is" not in response.context


# (The integration account has no session on the pages: tests/hemgang/test_permission_matrix.py.)
@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator", "admin", "outsider"])
def test_it_is_only_for_unit_managers(world, login, persona):
    assert login(getattr(world, persona)).get(PAGE).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(world, login, year, django_assert_num_queries):
    http = login(world.manager)
    _get(http)
    # session, user, the teams the manager leads, the manager's teams; the load now (teams, open cases by
    # state); the last twelve months' figures (teams, events' counts, measures, meetings, ended
    # referrals); the intake (teams, started events); the menu's unread messages and notices, the user's
    # team in the header
    with django_assert_num_queries(16):
        _get(http, {"clients_at_once": "12", "average_length_days": "14"})
    for n in range(3):
        end(world, home(world, dt.date(2026, 4, 1 + n)), dt.date(2026, 4, 12))
    with django_assert_num_queries(16):
        _get(http, {"clients_at_once": "12", "average_length_days": "14"})
