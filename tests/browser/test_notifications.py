"""A member of the team opens the notification centre from the menu's count, follows a notice to its case,
and marks another read without leaving the page (HTMX); at desktop and on a phone, with the axe check."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from notifications import services
from notifications.models import Notification

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monday_afternoon():
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 23, 15)), tick=True):
        yield


def _notices(world, case):
    for key, subject in (("first", f"Hemgång: samtycket för {case.reference} går ut"), ("second", "Hemgång: nytt")):
        with transaction.atomic():
            services.notify(
                kind="consent_ending" if key == "first" else "new_message",
                key=f"browser:{key}",
                recipients=[world.staff],
                subject=subject,
                body="Något väntar på dig i Hemgång.",
                url_name="case_detail",
                url_args=[case.pk],
                case=case,
            )


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_centre_from_the_menu_to_the_case(world, monday_afternoon, page_for, start_case, live_server, viewport):
    case = start_case(dt.date(2026, 11, 23))
    _notices(world, case)
    page = page_for(world.staff, viewport=viewport)
    page.get_by_role("link", name="Notiser (2)").click()
    page.get_by_role("heading", name="Notiser", exact=True).wait_for()
    assert_accessible(page)

    # The buttons and links name their notice for a screen reader ("Markera som läst: <subject>").
    page.get_by_role("button", name=re.compile(r"^Markera som läst\s*: Hemgång: nytt$")).click()
    page.get_by_role("link", name="Notiser (1)").wait_for()  # the menu's count, swapped with the row
    # htmx settles the swapped row's classes a moment after the swap: wait for it, as a person would see it.
    expect(page.locator(".notices li.unread")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(rf"^Öppna\s*: Hemgång: samtycket för {case.reference}")).click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Notiser", exact=True).wait_for()
    assert not Notification.objects.filter(recipient=world.staff, read_at__isnull=True).exists()
