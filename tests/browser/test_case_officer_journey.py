"""The case officer's first journey in Chromium: from a search that finds nobody to a decided case the
team sees on its start page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cases.models import Case

from .. import factories as f
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_officer_takes_a_client_from_referral_to_decision(world, page_for, live_server):
    today = timezone.localdate()
    number = f.personal_number(dt.date(1938, 4, 2))
    page = page_for(world.officer)
    assert_accessible(page)

    # 1. Search: nobody with this number yet; the form opens with it filled in.
    page.get_by_role("link", name="Sök brukare").first.click()
    page.get_by_label("Personnummer eller namn").fill(number)
    page.get_by_role("button", name="Sök").click()
    page.get_by_text("Ingen brukare hittades").wait_for()
    assert number not in page.url
    page.get_by_role("button", name="Registrera ny brukare och aktualisering").click()
    assert page.get_by_label("Personnummer").input_value() == number

    # 2. Client, a relative and the referral in one form; a validation error keeps what was typed.
    page.get_by_label("Förnamn").fill("Svea")
    page.get_by_label("Efternamn").fill("Provén")
    page.get_by_label("Gatuadress").fill("Exempelvägen 3")
    page.get_by_role("button", name="Lägg till närstående").click()
    page.locator("#id_relatives-0-name").fill("Olle Provén")
    page.locator("#id_relatives-0-relation").fill("Son")
    page.get_by_label("Sjukhusavdelning (slutenvård)").check()
    page.get_by_label("Avdelning eller enhet").fill("Avd 12 geriatrik")
    page.get_by_label("Anledning till aktualisering").fill("Höftfraktur, bor ensam")
    page.get_by_label("Röd: behov, hög komplexitet").check()
    page.get_by_role("button", name="Registrera brukare och aktualisering").click()
    page.get_by_text("Ange inskrivningsdatum").wait_for()  # hospital referral without admission date
    assert page.get_by_label("Förnamn").input_value() == "Svea"
    assert page.locator("#id_relatives-0-name").input_value() == "Olle Provén"
    assert_accessible(page)
    page.get_by_label("Inskrivningsdatum").fill((today - dt.timedelta(days=4)).isoformat())
    page.get_by_label("Planerad hemgång").fill(today.isoformat())
    page.get_by_role("button", name="Registrera brukare och aktualisering").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    page.get_by_text("Brukaren och aktualiseringen är registrerade.").wait_for()
    assert_accessible(page)

    # 3. Consent.
    page.get_by_role("link", name="Registrera samtycke").click()
    page.get_by_label("Brukaren", exact=True).check()
    page.get_by_label("Skriftligt (samtyckesblankett)").check()
    page.get_by_role("button", name="Registrera samtycke").click()
    valid_until = (today + dt.timedelta(days=9)).isoformat()
    page.get_by_text(f"Gäller till och med {valid_until}").wait_for()

    # 4. The decision, with lines added and removed in the page.
    page.get_by_role("link", name="Registrera beslut").click()
    page.locator("#id_team").select_option(label=world.team.name)
    page.get_by_label("Lagrum").select_option(index=1)
    page.get_by_label("Slutdatum").fill((today + dt.timedelta(days=9)).isoformat())
    page.get_by_label("Syfte").fill("Trygg hemgång efter höftfraktur")
    page.locator("#id_lines-0-intervention_type").select_option(label="Personlig omvårdnad")
    page.locator("#id_lines-0-times").fill("2")
    page.locator("#id_lines-0-minutes").fill("30")
    page.locator("#id_lines-0-part_of_day").select_option("morning")
    page.get_by_role("button", name="Lägg till insats").click()
    page.locator("#id_lines-1-intervention_type").select_option(label="Tillsyn natt")
    page.get_by_role("button", name="Lägg till insats").click()
    page.locator("#id_lines-2-intervention_type").select_option(label="Gångträning")
    page.locator("#id_lines-2-times").fill("1")
    page.locator("#id_lines-2-minutes").fill("45")
    page.locator("#id_lines-2-part_of_day").select_option("day")
    page.locator("[data-formset-row]").nth(1).get_by_role("button", name="Ta bort insats").click()
    assert_accessible(page)
    page.get_by_role("button", name="Registrera beslut").click()
    page.get_by_text("Beslutet är registrerat och beställningen skickad till teamet.").wait_for()

    case = Case.objects.get(client__personal_number=number)
    assert case.state == "decided"
    assert sorted(case.decision.interventions.values_list("intervention_type__name", flat=True)) == [
        "Gångträning",
        "Personlig omvårdnad",
    ]
    assert page.get_by_text("Beslut registrerat").count() == 1
    assert case.client.relatives.get().name == "Olle Provén"

    # 5. The team sees the new case on its start page, on a phone.
    staff_page = page_for(world.staff, viewport=(390, 844))
    staff_page.get_by_role("link", name="Svea Provén").wait_for()
    assert_accessible(staff_page)
