"""A unit manager signs in, lands on the caseload now, filters it by team, at desktop and at phone size."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def tuesday_morning():
    """The server thread, the test and the services all live on Tuesday 24 November 2026 at 11:00."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 24, 11)), tick=True):
        yield


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)])
def test_a_unit_manager_lands_on_the_caseload_and_filters_it_by_team(
    world, start_case, page_for, tuesday_morning, viewport
):
    world.manager.led_teams.add(world.other_team)
    norr = start_case(MONDAY)
    soder = start_case(MONDAY, team=world.other_team)
    page = page_for(world.manager, viewport=viewport, lands_on="/followup/")
    page.get_by_role("heading", name="Läget nu").wait_for()
    cases = page.get_by_role("table", name="Pågående ärenden")
    assert cases.get_by_text("dag 2 av 10").count() == 2
    assert cases.get_by_role("link", name=norr.client.full_name).count() == 2  # both clients are Greta Testberg
    assert_accessible(page)
    # No table is wider than the phone: the rows become cards.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]

    page.get_by_label("Team").select_option(label="Team Söder")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(f"**/followup/?team={world.other_team.pk}**")
    cases = page.get_by_role("table", name="Pågående ärenden")
    assert cases.get_by_role("row").count() == 2  # the header and Team Söder's one case
    assert cases.get_by_role("link", name=soder.client.full_name).get_attribute("href") == f"/cases/{soder.pk}/"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
