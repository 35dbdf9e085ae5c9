"""A USK logs a visit on a phone (390×844) and the entry appears in the journal."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from scheduling.models import JournalEntry, Visit

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monday_afternoon():
    """The server thread, the test and the services all live on Monday 23 November 2026 at 15:00."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 23, 15)), tick=True):
        yield


def test_a_usk_logs_todays_visit_on_a_phone(world, monday_afternoon, page_for, start_case):
    case = start_case(dt.date(2026, 11, 23))
    page = page_for(world.staff, viewport=(390, 844))
    page.get_by_role("link", name="Dagsplanering").click()
    page.get_by_role("heading", name=re.compile("I dag")).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Dokumentera besök").first.click()
    assert_accessible(page)

    page.get_by_label("Nej").check()
    page.get_by_role("button", name="Signera och spara").click()
    page.get_by_text("Skriv varför besöket inte blev av.").wait_for()  # explained, nothing saved
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Hur mår brukaren?").fill("Pigg, har ätit frukost.")
    page.get_by_label("7", exact=True).check()
    page.get_by_label("Journalanteckning (social dokumentation)").fill("Duschade med stöd, klädde sig själv.")
    page.get_by_text(re.compile("Utkast sparat")).wait_for()  # autosaved while typing
    page.get_by_role("button", name="Signera och spara").click()
    page.get_by_text("Besöket är dokumenterat.").wait_for()

    visit = Visit.objects.filter(case=case).exclude(status="planned").get()
    assert (visit.status, visit.experienced_safety) == ("done", 7)
    assert JournalEntry.objects.get(visit=visit).text == "Duschade med stöd, klädde sig själv."

    page.goto(page.url.split("/board")[0] + f"/cases/{case.pk}/journal/")
    page.get_by_text("Duschade med stöd, klädde sig själv.").wait_for()
    assert_accessible(page)
