"""The team sends the start notice; the hemtjänst coordinator reads and acknowledges it on a phone, naming
the meeting representative; the team sees the receipt."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from handover.models import Delivery, Message

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monday_morning():
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 23, 9)), tick=True):
        yield


def test_start_notice_sent_read_and_acknowledged(world, monday_morning, page_for, start_case, live_server):
    case = start_case(dt.date(2026, 11, 23))
    world.coordinator.set_password("test-password-123")
    world.coordinator.save()

    team = page_for(world.staff)
    team.goto(f"{live_server.url}/cases/{case.pk}/messages/")
    team.get_by_role("link", name=re.compile("start av insats")).click()
    assert_accessible(team)
    team.get_by_role("button", name="Skicka", exact=True).click()
    team.get_by_text("Meddelandet är skickat.").wait_for()

    phone = page_for(world.coordinator, viewport=(390, 844))
    phone.get_by_role("link", name=re.compile("Inkorg")).first.click()
    phone.get_by_role("link", name=re.compile("start av insats")).click()
    phone.get_by_text("Hemgångsteamet (Team Norr) startar i dag").wait_for()
    assert_accessible(phone)
    phone.get_by_label("Vår representant på mötet").fill("Kim, samordnare")
    phone.get_by_role("button", name="Kvittera mottaget").click()
    phone.get_by_text("Meddelandet är kvitterat.").wait_for()

    message = Message.objects.get(case=case, kind="start_notice")
    assert not Delivery.objects.filter(message=message, acknowledged_at__isnull=True).exists()
    participant = case.follow_up_meeting.participants.get(role="hemtjanst_day")
    assert participant.representative == "Kim, samordnare"
    team.goto(f"{live_server.url}/cases/{case.pk}/messages/")
    assert team.get_by_text(re.compile("kvitterat .* av")).count() >= 2
