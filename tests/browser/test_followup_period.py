"""The unit manager's follow-up in a browser: Eva opens the period page, changes the period and the team,
sees a chart with its table; the capacity planner computes a what-if; at desktop and on a phone, with the
axe check."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from ..followup.test_figures import end, home
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def first_quarter(world):
    """Team Norr: supports of 5 and 12 days in March 2026; Team Söder (which the manager also leads): one
    of 7 days in February."""
    world.manager.led_teams.add(world.other_team)
    end(world, home(world, dt.date(2026, 3, 2)), dt.date(2026, 3, 6))
    end(world, home(world, dt.date(2026, 3, 6)), dt.date(2026, 3, 17))
    end(world, home(world, dt.date(2026, 2, 3), team=world.other_team), dt.date(2026, 2, 9))


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_manager_follows_up_a_period(world, first_quarter, page_for, live_server, viewport):
    page = page_for(world.manager, viewport=viewport, lands_on="/followup/")
    page.goto(f"{live_server.url}/followup/period/?period=month&year=2026&month=3")
    page.get_by_role("heading", name="Uppföljning för en period").wait_for()
    expect(page.get_by_role("heading", name="mars 2026 · Team Norr, Team Söder")).to_be_visible()
    # Only the month's fields show for a month.
    expect(page.get_by_label("Första dagen")).to_be_hidden()
    assert_accessible(page)

    # A quarter, all teams: the quarter's field appears once the kind is chosen.
    page.get_by_role("radio", name="Kvartal").check()
    expect(page.get_by_role("combobox", name="Månad")).to_be_hidden()
    page.get_by_role("combobox", name="Kvartal").select_option("1")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Kvartal 1 2026 · Team Norr, Team Söder")).to_be_visible()
    clients = page.get_by_role("region", name="Brukare")
    expect(clients.get_by_role("row", name="Stöd som började")).to_contain_text("3")

    # One team: Team Norr's two supports.
    page.get_by_label("Team", exact=True).select_option(label="Team Norr")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Kvartal 1 2026 · Team Norr")).to_be_visible()
    expect(clients.get_by_role("row", name="Stöd som avslutades")).to_contain_text("2")
    length = page.get_by_role("region", name="Stödets längd", exact=True).first
    expect(length.get_by_role("row", name="Medianlängd")).to_contain_text("8,5 dagar")

    # The length chart is an image with a name, its numbers in the table beside it.
    chart = page.get_by_role("img", name="Avslutade stöd efter längd i dagar; de vanliga 12–18 dagarna markerade")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= viewport[0] and box["width"] > 300
    lengths = page.get_by_role("table", name="Stödets längd")
    expect(lengths.get_by_role("row", name="12–18 (mål)")).to_contain_text("1")
    page.get_by_text("Siffrorna månad för månad").click()
    expect(page.get_by_role("table", name="Månad för månad").get_by_role("row", name="2026-03")).to_contain_text("8,5")
    assert_accessible(page)

    # A period that ends before it starts: the message on the form, no figures.
    page.get_by_role("radio", name="Valda datum").check()
    page.get_by_label("Första dagen").fill("2026-03-10")
    page.get_by_label("Sista dagen").fill("2026-03-01")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_text("Perioden slutar (2026-03-01) innan den börjar (2026-03-10).")).to_be_visible()
    expect(page.get_by_role("table", name="Stödets längd")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_manager_plans_capacity(world, page_for, live_server, viewport):
    page = page_for(world.manager, viewport=viewport, lands_on="/followup/")
    page.goto(f"{live_server.url}/followup/period/")
    page.get_by_role("link", name="Kapacitetsplanering").click()
    page.get_by_role("heading", name="Kapacitetsplanering").wait_for()
    expect(page.get_by_role("row", name="Teamets kapacitet")).to_contain_text("365")  # 10 × 365 / 10
    page.get_by_label("Brukare samtidigt").fill("12,5")
    page.get_by_label("Genomsnittlig längd (dagar)").fill("14")
    page.get_by_role("button", name="Räkna ut").click()
    expect(page.get_by_role("status")).to_contain_text("326 brukare per år")
    assert_accessible(page)
    page.get_by_label("Genomsnittlig längd (dagar)").fill("0")
    page.get_by_role("button", name="Räkna ut").click()
    expect(page.get_by_text("Den genomsnittliga längden måste vara fler än noll dagar.")).to_be_visible()
    assert_accessible(page)
