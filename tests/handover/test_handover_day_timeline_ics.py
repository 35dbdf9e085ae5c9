"""Issue 8, item 9 (handover parts): the timeline names who acknowledged what; a receiving coordinator
fetches the meeting's .ics from their message page; "send the handover" only from the team's follow-up
day; the handover preview is not rendered anew on every GET."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from handover import services
from handover.models import Message
from hemgang.errors import DomainError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)
DAY_6 = MONDAY + dt.timedelta(days=5)


def _at(day, hour=15):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


@pytest.fixture(autouse=True)
def on_monday():
    with _at(MONDAY):
        yield


def _send_all(world, case):
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        services.message_send(actor=world.staff, message=message)


def test_the_timeline_names_who_acknowledged_what_and_for_which_unit(world, login, start_case):
    world.coordinator.first_name, world.coordinator.last_name = "Kim", "Koordinator"
    world.coordinator.save()
    case = start_case(MONDAY)
    _send_all(world, case)
    start = Message.objects.get(case=case, kind="start_notice")
    login(world.coordinator).post(reverse("message_detail", args=[start.pk]), {"representative": ""})
    page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Kvitterat: startbesked" in page
    assert "Kim Koordinator (Koordinator Omsorg)" in page and "Kim Koordinator (Hemtjänst Centrum)" in page


def test_a_receiving_coordinator_fetches_the_meeting_ics_from_the_invitation(world, login, start_case):
    case = start_case(MONDAY)
    _send_all(world, case)
    invitation = Message.objects.get(case=case, kind="meeting_invitation")
    http = login(world.coordinator)
    ics_url = reverse("meeting_calendar", args=[case.pk])
    assert ics_url in http.get(reverse("message_detail", args=[invitation.pk])).content.decode()
    response = http.get(ics_url)
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
    assert case.client.last_name.encode() not in response.content
    assert login(world.other_coordinator).get(ics_url).status_code == 404
    assert login(world.other_staff).get(ics_url).status_code == 404


def test_send_the_handover_appears_and_works_only_from_the_follow_up_day(world, login, start_case):
    case = start_case(MONDAY)
    services.handover_save(actor=world.staff, case=case, working_methods="Duschar själv.")
    http = login(world.staff)
    url = reverse("case_messages", args=[case.pk])
    page = http.get(url).content.decode()
    assert 'value="handover"' not in page and "kan skickas från dag 6 av insatsen" in page
    response = http.post(url, {"action": "handover"}, follow=True)
    assert "från dag 6" in response.content.decode()
    assert not Message.objects.filter(case=case, kind="final_handover").exists()
    with _at(DAY_6 - dt.timedelta(days=1)), pytest.raises(DomainError) as err:
        services.handover_draft_message(actor=world.staff, case=case)
    assert err.value.code == "handover_too_early"
    with _at(DAY_6, 9):
        assert 'value="handover"' in login(world.staff).get(url).content.decode()
        draft = services.handover_draft_message(actor=world.staff, case=case)
        services.message_send(actor=world.staff, message=draft)
    case.refresh_from_db()
    assert case.state == "handed_over"


def test_a_drafted_handover_is_still_refused_before_the_day(world, start_case):
    case = start_case(MONDAY)
    services.handover_save(actor=world.staff, case=case, working_methods="Duschar själv.")
    with _at(DAY_6, 9):
        draft = services.handover_draft_message(actor=world.staff, case=case)
    with pytest.raises(DomainError) as err:
        services.message_send(actor=world.staff, message=draft)
    assert err.value.code == "handover_too_early"
    assert Message.objects.get(pk=draft.pk).sent_at is None


def test_the_preview_is_rendered_once_per_saved_version(world, login, start_case):
    case = start_case(MONDAY)
    services.handover_save(actor=world.staff, case=case, working_methods="Duschar själv.")
    http = login(world.staff)
    url = reverse("handover_pdf", args=[case.pk])
    with mock.patch("handover.document.render_handover_pdf", return_value=b"%PDF-1 preview") as render:
        assert http.get(url).content == b"%PDF-1 preview"
        assert http.get(url).content == b"%PDF-1 preview"
        assert render.call_count == 1
        with _at(MONDAY, 16):
            services.handover_save(actor=world.staff, case=case, working_methods="Duschar själv med pall.")
            http.get(url)
        assert render.call_count == 2


def test_a_sent_handover_is_shown_as_sent(world, login, start_case):
    case = start_case(MONDAY)
    f.hand_over(world.staff, case)
    with mock.patch("handover.document.render_handover_pdf") as render:
        response = login(world.staff).get(reverse("handover_pdf", args=[case.pk]))
    assert response.content.startswith(b"%PDF") and render.call_count == 0
