"""The unit manager opens the log review from the menu, follows a user to their reads and a client to
theirs, with the log extract offered; at desktop and on a phone, with the axe check."""

import pytest
from django.urls import reverse

from cases import services

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_review_from_the_menu_to_a_users_and_a_clients_reads(world, referred, login, page_for, viewport):
    services.case_assign_team(actor=world.officer, case=referred, team=world.team)
    assert login(world.staff).get(reverse("case_detail", args=[referred.pk])).status_code == 200
    assert login(world.other_staff).get(reverse("case_detail", args=[referred.pk])).status_code == 404
    page = page_for(world.manager, viewport=viewport, lands_on="/followup/")
    page.get_by_role("link", name="Loggranskning").click()
    page.get_by_role("heading", name="Loggranskning", exact=True).wait_for()
    assert_accessible(page)
    # The refused read puts the other team's nurse first.
    first_user = page.get_by_role("table").first.get_by_role("link").first
    assert first_user.inner_text() == world.other_staff.get_full_name()
    first_user.click()
    page.get_by_role("heading", name=f"Läsningar gjorda av {world.other_staff.get_full_name()}").wait_for()
    page.get_by_text("nekad").first.wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=referred.client.first_name).first.click()
    page.get_by_role("link", name="Loggutdrag till brukaren (PDF)").wait_for()
    assert_accessible(page)
