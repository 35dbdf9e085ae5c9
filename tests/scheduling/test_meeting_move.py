"""Issue 8, item 4: the day-6 meeting can be moved only sensibly, and hemtjänst is told."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from handover.models import Message
from handover.services import meeting_moved_notice
from hemgang.errors import DomainError
from scheduling import hooks, services

MONDAY = dt.date(2026, 11, 23)  # the support runs 2026-11-23 – 2026-12-02


def _at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def booked(world, start_case):
    meeting = start_case(MONDAY).follow_up_meeting
    with time_machine.travel(_at(MONDAY, 15), tick=False):
        yield meeting


def _move(world, meeting, starts_at, **kwargs):
    return services.meeting_reschedule(
        actor=world.officer, meeting=meeting, starts_at=starts_at, reason="Krock", **kwargs
    )


def test_it_refuses_a_time_before_the_support_starts_or_after_it_ends(world, booked):
    with pytest.raises(DomainError) as err:
        _move(world, booked, _at(MONDAY - dt.timedelta(days=1), 11), move_anyway=True)
    assert str(err.value.message) == "Mötet kan inte flyttas till före stödets start, 2026-11-23."
    with pytest.raises(DomainError) as err:
        _move(world, booked, _at(dt.date(2026, 12, 3), 11), move_anyway=True)
    assert str(err.value.message) == "Mötet kan inte flyttas till efter stödets slut, 2026-12-02."
    # the last day of the support is still inside it
    assert _move(world, booked, _at(dt.date(2026, 12, 2), 11)).meeting.starts_at == _at(dt.date(2026, 12, 2), 11)


def test_it_refuses_a_time_that_has_passed(world, booked):
    with pytest.raises(DomainError) as err:
        _move(world, booked, _at(MONDAY, 14), move_anyway=True)
    assert err.value.field == "starts_at"


def test_it_warns_outside_the_meeting_window_and_moves_when_confirmed(world, booked):
    late = _at(dt.date(2026, 11, 26), 14)  # 14:00–15:00 ends after the window's 14:00
    with pytest.raises(DomainError) as err:
        _move(world, booked, late)
    assert err.value.field == "move_anyway" and err.value.code == "meeting_time_warning"
    assert "utanför teamets mötestid, 10:00–14:00" in str(err.value.message)
    booked.refresh_from_db()
    assert booked.starts_at != late
    assert _move(world, booked, late, move_anyway=True).meeting.starts_at == late
    # the last hour inside the window needs no confirmation
    assert _move(world, booked, _at(dt.date(2026, 11, 26), 13)).meeting.starts_at == _at(dt.date(2026, 11, 26), 13)


def test_moving_clears_hemtjansts_confirmation_only(world, booked):
    hemtjanst = booked.participants.get(role="hemtjanst_day")
    team = booked.participants.get(role="team")
    services.meeting_confirm_participant(actor=world.staff, participant=hemtjanst, representative="Kim, USK")
    services.meeting_confirm_participant(actor=world.staff, participant=team)
    _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    hemtjanst.refresh_from_db()
    team.refresh_from_db()
    assert (hemtjanst.confirmed_at, hemtjanst.representative) == (None, "")
    assert team.confirmed_at is not None
    assert hemtjanst.history.first().history_change_reason == "Krock"


def test_moving_sends_the_receivers_the_new_time_through_the_consent_gate(world, booked):
    moved = _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    message = Message.objects.get(case=booked.case, subject__startswith="Hemgångsteam: uppföljningsmötet flyttat")
    assert message.subject == "Hemgångsteam: uppföljningsmötet flyttat till måndag 30 november 11:00"
    assert message.sent_at is not None and message.consent is not None
    assert message.kind == "meeting_invitation" and message.author == world.officer
    assert {d.recipient for d in message.deliveries.all()} == {world.group, world.coordination}
    assert "Skäl: Krock" in message.body
    assert [(n.text, n.is_warning) for n in moved.notices] == [("Hemtjänsten har fått den nya tiden.", False)]


def test_without_valid_consent_the_move_stands_and_the_message_stays_a_draft(world, booked):
    consent = booked.case.consents.get()
    case_services.consent_withdraw(actor=world.officer, consent=consent, reported_by="Brukaren", reason="Vill inte")
    moved = _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    booked.refresh_from_db()
    assert booked.starts_at == _at(dt.date(2026, 11, 30), 11)
    draft = Message.objects.get(case=booked.case, subject__startswith="Hemgångsteam: uppföljningsmötet flyttat")
    assert draft.sent_at is None and draft.deliveries.count() == 2
    notice = moved.notices[0]
    assert notice.is_warning and notice.text.startswith("Meddelandet till hemtjänsten om den nya tiden sparas som")
    assert "det finns inget giltigt samtycke i dag" in notice.text


def test_handover_registers_its_effect_on_the_scheduling_hook():
    assert meeting_moved_notice in hooks._meeting_moved


def test_the_meeting_page_asks_to_confirm_a_poor_time(world, login, booked):
    http = login(world.officer)
    url = reverse("meeting", args=[booked.case_id])
    assert 'type="checkbox" name="move_anyway"' not in http.get(url).content.decode()  # offered only when warned
    post = {"action": "reschedule", "starts_at": "2026-11-28T10:00", "reason": "Anhörig kan bara lördag"}
    page = http.post(url, post).content.decode()
    assert "2026-11-28 är inte en arbetsdag för teamet och handläggarna" in page and "Flytta ändå" in page
    assert 'type="checkbox" name="move_anyway"' in page
    response = http.post(url, post | {"move_anyway": "on"}, follow=True)
    assert response.redirect_chain
    booked.refresh_from_db()
    assert booked.starts_at == _at(dt.date(2026, 11, 28), 10)
    assert "Hemtjänsten har fått den nya tiden." in response.content.decode()


def test_a_case_without_receivers_warns_the_team_to_choose_them(world, booked):
    from handover.models import CaseRecipient

    CaseRecipient.objects.filter(case=booked.case).delete()
    moved = _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    assert moved.notices[0].is_warning and "inga mottagare hos hemtjänsten" in moved.notices[0].text
    assert not Message.objects.filter(case=booked.case, subject__contains="flyttat").exists()


def test_acknowledging_the_moved_meeting_with_a_representative_confirms_it_again(world, booked):
    hemtjanst = booked.participants.get(role="hemtjanst_day")
    services.meeting_confirm_participant(actor=world.staff, participant=hemtjanst, representative="Kim")
    _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    message = Message.objects.get(case=booked.case, subject__contains="flyttat")
    delivery = message.deliveries.get(recipient=world.coordination)
    from handover.services import message_acknowledge

    message_acknowledge(actor=world.coordinator, delivery=delivery, representative="Alva, samordnare")
    hemtjanst.refresh_from_db()
    assert hemtjanst.confirmed_at is not None and hemtjanst.representative == "Alva, samordnare"


def test_the_case_timeline_shows_the_meeting_booked_and_moved_with_the_reason(world, booked):
    from cases.selectors import case_timeline

    _move(world, booked, _at(dt.date(2026, 11, 30), 11))
    entries = {e.what: e for e in case_timeline(booked.case)}
    assert "Uppföljningsmöte bokat" in entries
    moved = entries["Uppföljningsmötet flyttat"]
    assert moved.detail.startswith("måndag 30 november 11:00 (tidigare: ") and moved.detail.endswith("Krock")
    assert moved.who == world.officer.display_name
