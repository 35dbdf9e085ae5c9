"""The administrator issues a token for a hemtjänst provider's system; it reads client data, so it waits
until a unit manager approves it on the account changes page; at desktop and on a phone, with the axe check."""

import pytest

from cases.models import ApiToken, Role

from .. import factories as f
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_providers_token_is_issued_then_approved(world, page_for, viewport):
    provider = f.UserFactory(municipality=world.town, role=Role.PROVIDER_INTEGRATION, username="omsorg-system")
    world.group.members.add(provider)
    page = page_for(world.admin, viewport=viewport)
    page.goto(page.url.rstrip("/") + "/konton/nycklar/")
    page.get_by_role("heading", name="API-nycklar", exact=True).wait_for()
    page.get_by_label("Integrationskonto").select_option(label=str(provider))
    page.locator("#id_name").fill("Omsorgs verksamhetssystem")
    page.get_by_label("Aktualiseringar: skicka och läsa deras status").uncheck()
    page.get_by_label("Meddelanden till en hemtjänstutförares enheter").check()
    page.get_by_role("button", name="Utfärda nyckel").click()
    page.get_by_text("Den fungerar när en enhetschef har godkänt den").wait_for()
    assert page.locator("#issued-token").inner_text().startswith("hg_")
    assert_accessible(page)

    page = page_for(world.manager, viewport=viewport, lands_on="/followup/")
    page.goto(page.url.split("/followup/")[0] + "/konton/andringar/")
    page.get_by_role("heading", name="API-nycklar som väntar på godkännande").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn nyckeln").click()
    page.get_by_text("Godkänd: Omsorgs verksamhetssystem").wait_for()
    assert ApiToken.objects.get(user=provider).approved_by == world.manager
