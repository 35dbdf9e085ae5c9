"""The follow-up for a period: the figures of hand-built cases on the page, the choice of team and period,
bad input on the form, who may open it, and its query count."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.models import AccessLog

from .test_figures import at_, end, home

PAGE = reverse("followup_period")
MARCH = {"period": "month", "year": "2026", "month": "3"}


@pytest.fixture
def march(world):
    """Team Norr in March 2026 (the municipality's 3 free days at 7 800 kr):

    | case | ready            | home             | end             | length | LUS days (after 3 free) |
    | A    | 1 Mar 09:00      | Mon 2 Mar 09:00  | 6 Mar           | 5      | 0 (1 day)               |
    | B    | 1 Mar 09:00      | Fri 6 Mar 09:00  | 17 Mar          | 12     | 2 (5 days)              |
    | C    | 10 Mar 09:00     | 10 Mar 09:00     | (running)       | –      | 0                       |
    | S    | Team Söder: home 3 Mar, ended 9 Mar — not Norr's                                   |
    plus a referral declined on 12 March ("Inget behov"). Lead times 1, 5 and 0 days: median 1.
    """
    day = dt.date
    a = home(world, day(2026, 3, 2), ready=at_(day(2026, 3, 1)))
    b = home(world, day(2026, 3, 6), ready=at_(day(2026, 3, 1)))
    home(world, day(2026, 3, 10))
    s = home(world, day(2026, 3, 3), team=world.other_team)
    end(world, a, day(2026, 3, 6))
    end(world, b, day(2026, 3, 17))
    end(world, s, day(2026, 3, 9))
    with time_machine.travel(at_(day(2026, 3, 12), 10), tick=False):
        from .. import factories as f

        declined = f.referred_case(world.officer)
        services.case_decline(actor=world.officer, case=declined, reason="Inget behov")


def figure(response, label):
    for section in response.context["sections"]:
        for one in section.figures:
            if str(one.label) == label:
                return one
    raise AssertionError(f"no figure {label!r}")


def test_it_shows_the_figures_of_a_month_for_one_team(world, login, march):
    response = login(world.manager).get(PAGE, {**MARCH, "team": world.team.pk})
    assert response.status_code == 200
    assert [t.name for t in response.context["choice"].teams] == ["Team Norr"]
    assert (figure(response, "Stöd som började").value, figure(response, "Stöd som avslutades").value) == (3, 2)
    # Lengths 5 and 12: median and mean 8.5 days; 12 is within the usual 12–18: one of two, 50 %.
    assert figure(response, "Medianlängd").display == "8,5"
    assert figure(response, "Medellängd").value == pytest.approx(8.5)
    assert figure(response, "Avslutade inom 12–18 dagar").value == 1
    assert figure(response, "Andel inom 12–18 dagar").value == pytest.approx(50)
    # Lead times 1, 5 and 0 days: median 1.
    assert figure(response, "Ledtid, median").value == pytest.approx(1)
    # LUS: B came home 5 days after utskrivningsklar, 3 free days: 2 days at 7 800 kr = 15 600 kr.
    assert figure(response, "Dagar med betalningsansvar").value == 2
    assert figure(response, "Kostnad för betalningsansvar").display == "15\xa0600"
    page = response.content.decode()
    assert "15\xa0600&nbsp;kr" in page
    assert "8,5&nbsp;dagar" in page
    assert "3 fristdagar" in page and "7\xa0800 kr per dag" in page
    assert "Hemtjänsttimmar före inskrivningen" in page
    # The declined referral: the municipality's, so it counts for the team too.
    assert ("Avslag", "Inget behov", 1) in [(r[0], r[2], r[3]) for r in response.context["tables"]["referrals"].rows]


def test_it_adds_the_teams_the_manager_leads(world, login, march):
    world.manager.led_teams.add(world.other_team)
    response = login(world.manager).get(PAGE, MARCH)
    assert {t.name for t in response.context["choice"].teams} == {"Team Norr", "Team Söder"}
    assert figure(response, "Stöd som började").value == 4  # S of Team Söder too
    only_soder = login(world.manager).get(PAGE, {**MARCH, "team": world.other_team.pk})
    assert figure(only_soder, "Stöd som började").value == 1


def test_it_shows_the_last_full_month_by_default(world, login):
    with time_machine.travel(at_(dt.date(2026, 4, 10)), tick=False):
        response = login(world.manager).get(PAGE)
    choice = response.context["choice"]
    assert (choice.kind, choice.start, choice.end) == ("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert response.context["period_title"] == "mars 2026"


@pytest.mark.parametrize(
    ("params", "start", "end", "title"),
    [
        (
            {"period": "quarter", "year": "2026", "quarter": "1"},
            dt.date(2026, 1, 1),
            dt.date(2026, 3, 31),
            "Kvartal 1 2026",
        ),
        ({"period": "year", "year": "2024"}, dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024"),
        ({"period": "month", "year": "2024", "month": "2"}, dt.date(2024, 2, 1), dt.date(2024, 2, 29), "februari 2024"),
        (
            {"period": "custom", "start": "2026-03-05", "end": "2026-03-05"},
            dt.date(2026, 3, 5),
            dt.date(2026, 3, 5),
            "2026-03-05 – 2026-03-05",
        ),
    ],
)
def test_it_takes_a_quarter_a_year_a_month_or_chosen_dates(world, login, params, start, end, title):
    response = login(world.manager).get(PAGE, params)
    choice = response.context["choice"]
    assert (choice.start, choice.end, response.context["period_title"]) == (start, end, title)


def test_it_links_the_period_before_and_after(world, login):
    response = login(world.manager).get(PAGE, {"period": "quarter", "year": "2026", "quarter": "1"})
    assert response.context["previous"] == "period=quarter&year=2025&quarter=4"
    assert response.context["next"] == "period=quarter&year=2026&quarter=2"
    december = login(world.manager).get(PAGE, {"period": "month", "year": "2025", "month": "12"})
    assert december.context["next"] == "period=month&year=2026&month=1"


def test_it_shows_the_trend_over_twelve_months_when_the_period_is_shorter(world, login, march):
    response = login(world.manager).get(PAGE, {**MARCH, "team": world.team.pk})
    assert response.context["trend_period"] == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    rows = response.context["tables"]["trend"].rows
    assert len(rows) == 12
    assert rows[-1] == ("2026-03", 3, 2, 8.5)
    assert rows[0] == ("2025-04", 0, 0, None)
    two_years = login(world.manager).get(PAGE, {"period": "custom", "start": "2024-01-15", "end": "2025-12-31"})
    assert len(two_years.context["tables"]["trend"].rows) == 24


def test_it_draws_the_charts_with_their_names_and_tables(world, login, march):
    page = login(world.manager).get(PAGE, {**MARCH, "team": world.team.pk}).content.decode()
    assert page.count('role="img"') == 3
    assert 'aria-label="Stöd som började och slutade per månad"' in page
    assert 'aria-label="Avslutade stöd efter längd i dagar; de vanliga 12–18 dagarna markerade"' in page
    assert "<caption>Stödets längd</caption>" in page and "<caption>Månad för månad</caption>" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"period": "custom", "start": "2026-03-10", "end": "2026-03-01"},
            "end",
            "Perioden slutar (2026-03-01) innan den börjar (2026-03-10).",
        ),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"}, "start", "Fyll i ett giltigt datum."),
        ({"period": "custom", "start": "igår", "end": "2026-03-01"}, "start", "Fyll i ett giltigt datum."),
        (
            {"period": "custom", "start": "", "end": "2026-03-01"},
            "start",
            "Fyll i det här fältet för den period du valt.",
        ),
        ({"period": "custom", "start": "2000-01-01", "end": "2026-03-01"}, "end", "En period kan vara högst 10 år."),
        ({"period": "year", "year": "0"}, "year", "Ange ett år från 1900 till 2031."),
        ({"period": "year", "year": "99999"}, "year", "Ange ett år från 1900 till 2031."),
        ({"period": "year", "year": "tjugo"}, "year", "Fyll i ett heltal."),
        (
            {"period": "month", "year": "2026", "month": "13"},
            "month",
            "Välj ett giltigt alternativ. 13 finns inte bland tillgängliga alternativ.",
        ),
        ({"period": "week"}, "period", "Välj ett giltigt alternativ. week finns inte bland tillgängliga alternativ."),
        ({"team": "987654"}, "team", "Välj ett av dina team."),
        ({"team": "Norr"}, "team", "Välj ett av dina team."),
    ],
)
def test_it_explains_bad_input_on_the_form(world, login, params, field, message):
    with time_machine.travel(at_(dt.date(2026, 4, 10)), tick=False):
        response = login(world.manager).get(PAGE, params)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert "choice" not in response.context  # no figures, the form again
    page = response.content.decode()
    assert "Siffrorna kunde inte visas" in page and 'name="period"' in page


def test_the_fields_of_another_kind_of_period_are_ignored(world, login):
    response = login(world.manager).get(
        PAGE, {"period": "custom", "start": "2026-03-01", "end": "2026-03-31", "year": "0"}
    )
    assert response.context["form"].errors == {}
    assert response.context["choice"].end == dt.date(2026, 3, 31)


def test_it_refuses_a_team_that_is_not_the_managers(world, login, march):
    """Another team of the municipality and another municipality's team get the same answer as a team that
    does not exist: the page does not tell which teams there are."""
    from .. import factories as f

    theirs = f.TeamFactory(municipality=world.elsewhere, name="Team Annanstad")
    for team in (world.other_team, theirs):
        response = login(world.manager).get(PAGE, {**MARCH, "team": team.pk})
        assert response.context["form"].errors == {"team": ["Välj ett av dina team."]}
        assert "Team Söder" not in response.content.decode()  # not even among the choices


# (The integration account has no session on the pages: tests/hemgang/test_permission_matrix.py.)
@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator", "admin", "outsider"])
def test_it_is_only_for_unit_managers(world, login, persona):
    http = login(getattr(world, persona))
    assert http.get(PAGE).status_code == 403
    assert http.get(reverse("followup_period_export", args=["figures", "csv"])).status_code == 403


def test_it_logs_no_client_read(world, login, march):
    before = AccessLog.objects.count()
    login(world.manager).get(PAGE, MARCH)
    assert AccessLog.objects.count() == before  # figures only, no client shown


def _page_queries(login, world, django_assert_num_queries, params):
    http = login(world.manager)
    http.get(PAGE)  # the session is read once before counting
    # session, user, the teams the manager leads, the manager's teams; the period's figures (teams, events'
    # counts, measures, meetings, ended referrals); the trend (teams, grouped events); the page's frame:
    # the menu's unread messages and notices, the user's team in the header
    with django_assert_num_queries(14):
        response = http.get(PAGE, params)
    assert response.status_code == 200
    return response


def test_the_page_runs_a_fixed_number_of_queries(world, login, django_assert_num_queries):
    _page_queries(login, world, django_assert_num_queries, MARCH)
    for n in range(3):  # more cases: the same queries
        end(world, home(world, dt.date(2026, 3, 2 + n), ready=at_(dt.date(2026, 3, 1))), dt.date(2026, 3, 20))
    response = _page_queries(login, world, django_assert_num_queries, MARCH)
    assert response.context["figures"].ended == 3
    _page_queries(
        login, world, django_assert_num_queries, {"period": "custom", "start": "2020-01-01", "end": "2026-12-31"}
    )
