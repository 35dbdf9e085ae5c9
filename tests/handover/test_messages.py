"""Messages with receipts, the consent gate, drafts that write themselves, and the closing rule."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from cases.services import InterventionLine
from handover import services
from handover.models import Delivery, Message, Recipient
from hemgang.errors import DomainError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


def at(day, hour=10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


@pytest.fixture
def case(world, start_case):
    return start_case(MONDAY)


def _drafts(case):
    return {m.kind: m for m in Message.objects.filter(case=case)}


def test_the_start_notice_and_the_invitation_draft_themselves_when_the_support_starts(world, case):
    drafts = _drafts(case)
    start = drafts["start_notice"]
    assert start.sent_at is None
    assert start.subject.startswith("Hemgångsteam")
    assert "2026-11-23 – 2026-12-02 (10 dagar)" in start.body
    assert "Trygg hemgång" in start.body and "Personlig omvårdnad" in start.body
    assert "måndag 30 november 10:00" in start.body  # the day-6 meeting
    assert {d.recipient for d in start.deliveries.all()} == {world.group, world.coordination}
    assert "meeting_invitation" in drafts


def test_night_interventions_add_the_night_coordinator_and_patrol(world, start_case):
    case = start_case(MONDAY, lines=[InterventionLine(world.types[2].pk, 1, "day", 20, "night")])
    kinds = set(_drafts(case)["start_notice"].deliveries.values_list("recipient__kind", flat=True))
    assert kinds == {"group", "coordinator_day", "night_patrol", "coordinator_night"}


def test_a_message_is_sent_under_valid_consent_and_records_it(world, case):
    with at(MONDAY):
        message = services.message_send(actor=world.staff, message=_drafts(case)["start_notice"])
    assert message.sent_at and message.consent == case.consents.get()


@pytest.mark.parametrize(
    "day, allowed",
    [(MONDAY + dt.timedelta(days=9), True), (MONDAY + dt.timedelta(days=10), False)],
    ids=["consent-expires-today", "consent-expired-yesterday"],
)
def test_the_consent_gate_at_the_expiry_boundary(world, case, day, allowed):
    draft = _drafts(case)["start_notice"]
    with at(day):
        if allowed:
            assert services.message_send(actor=world.staff, message=draft).sent_at
        else:
            with pytest.raises(DomainError) as err:
                services.message_send(actor=world.staff, message=draft)
            assert err.value.code == "consent_required"
            assert "förnya" in str(err.value.message) or "renewed" in str(err.value.message)
            draft.refresh_from_db()
            assert draft.sent_at is None


def test_withdrawn_consent_stops_sharing_at_once(world, case):
    with at(MONDAY, 9):
        services.message_send(actor=world.staff, message=_drafts(case)["start_notice"])
        case_services.consent_withdraw(
            actor=world.officer,
            consent=case.consents.get(),
            reported_by="USK",
            reason="Brukaren vill inte att hemtjänsten får veta",
        )
        with pytest.raises(DomainError) as err:
            services.message_send(actor=world.staff, message=_drafts(case)["meeting_invitation"])
    assert err.value.code == "consent_required"


def test_a_message_to_a_receiver_not_on_the_case_is_refused(world, case):
    stranger = Recipient.objects.get(name="Koordinator Annat")
    with pytest.raises(DomainError) as err:
        services.message_draft(
            actor=world.staff, case=case, kind="free", subject="Hej", body="Text", recipients=[stranger]
        )
    assert err.value.code == "recipient_not_on_case"


def test_an_empty_body_is_refused(world, case):
    with pytest.raises(DomainError) as err:
        services.message_draft(actor=world.staff, case=case, kind="free", subject="Hej", body="  ")
    assert err.value.field == "body"


def test_only_the_cases_team_writes_to_hemtjanst(world, case):
    with pytest.raises(DomainError):
        services.message_draft(actor=world.other_staff, case=case, kind="free", subject="Hej", body="Text")


@pytest.fixture
def sent(world, case):
    with at(MONDAY):
        return services.message_send(actor=world.staff, message=_drafts(case)["start_notice"])


def test_the_receiver_acknowledges_once_and_the_sender_sees_who_and_when(world, sent):
    delivery = sent.deliveries.get(recipient=world.coordination)
    services.message_acknowledge(actor=world.coordinator, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == world.coordinator and delivery.acknowledged_at
    with pytest.raises(DomainError) as err:
        services.message_acknowledge(actor=world.coordinator, delivery=delivery)
    assert err.value.code == "already_acknowledged"


def test_nobody_acknowledges_someone_elses_message(world, sent):
    delivery = sent.deliveries.get(recipient=world.coordination)
    for user in (world.other_coordinator, world.staff, world.officer):
        with pytest.raises(DomainError) as err:
            services.message_acknowledge(actor=user, delivery=delivery)
        assert err.value.code == "not_receiver"
    assert Delivery.objects.get(pk=delivery.pk).acknowledged_at is None


def test_acknowledging_the_invitation_confirms_the_meeting_with_the_representative(world, case):
    with at(MONDAY):
        invitation = services.message_send(actor=world.staff, message=_drafts(case)["meeting_invitation"])
    delivery = invitation.deliveries.get(recipient=world.coordination)
    services.message_acknowledge(actor=world.coordinator, delivery=delivery, representative="Kim Koordinator")
    participant = case.follow_up_meeting.participants.get(role="hemtjanst_day")
    assert participant.representative == "Kim Koordinator" and participant.confirmed_at


def test_hemtjanst_sends_its_summary_back_to_the_team(world, sent, mailoutbox, django_capture_on_commit_callbacks):
    world.staff.email = "usk@example.org"
    world.staff.save()
    with at(MONDAY, 20), django_capture_on_commit_callbacks(execute=True):
        back = services.message_send_to_team(
            actor=world.coordinator, reply_to=sent, subject="", body="Natten lugn, åt kvällsmat själv."
        )
    assert back.direction == "to_team" and back.sender_recipient in (world.group, world.coordination)
    assert back.deliveries.get().team == world.team
    assert [m.to for m in mailoutbox] == [["usk@example.org"]]
    assert sent.case.client.last_name not in mailoutbox[0].body + mailoutbox[0].subject


def test_a_coordinator_not_on_the_case_cannot_write_about_it(world, sent):
    with pytest.raises(DomainError):
        services.message_send_to_team(actor=world.other_coordinator, reply_to=sent, subject="", body="x")


def test_a_handover_is_refused_unless_the_support_is_active(world, decided):
    with pytest.raises(DomainError) as err:
        services.handover_save(actor=world.staff, case=decided, working_methods="x")
    assert err.value.code == "case_not_active"


def test_the_final_handover_moves_the_case_to_handed_over_with_its_pdf(world, case):
    with at(MONDAY + dt.timedelta(days=9)):
        f.hand_over(world.staff, case)
    case.refresh_from_db()
    assert case.state == "handed_over"
    assert bytes(case.handover_summary.pdf).startswith(b"%PDF")


def test_the_closing_notice_needs_the_handover_first(world, case):
    with pytest.raises(DomainError) as err, at(MONDAY):
        services.message_send(actor=world.staff, message=services.closing_draft_message(actor=world.staff, case=case))
    assert err.value.code == "handover_first"


def test_the_case_closes_only_when_both_handover_and_closing_are_acknowledged(world, case):
    with at(MONDAY + dt.timedelta(days=9)):
        f.hand_over(world.staff, case)
        services.message_send(actor=world.staff, message=services.closing_draft_message(actor=world.staff, case=case))
        pending = list(
            Delivery.objects.filter(message__case=case, message__kind__in=["final_handover", "closing_notice"])
        )
        for delivery in pending[:-1]:
            services.message_acknowledge(actor=world.coordinator, delivery=delivery)
            assert Case.objects.get(pk=case.pk).state == "handed_over"
        services.message_acknowledge(actor=world.coordinator, delivery=pending[-1])
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_a_case_closed_by_the_last_receipt_says_it_closed_by_itself(world, case):
    from cases.selectors import case_timeline

    with at(MONDAY + dt.timedelta(days=9)):
        f.hand_over(world.staff, case)
        services.message_send(actor=world.staff, message=services.closing_draft_message(actor=world.staff, case=case))
        for delivery in Delivery.objects.filter(
            message__case=case, message__kind__in=["final_handover", "closing_notice"]
        ):
            services.message_acknowledge(actor=world.coordinator, delivery=delivery)
    closed = Case.objects.get(pk=case.pk)
    assert closed.state == "closed"
    assert closed.state_reason.startswith("Stängdes automatiskt")
    entry = next(e for e in case_timeline(closed) if e.what == "Läge: Avslutat")
    assert entry.detail.startswith("Stängdes automatiskt") and entry.who == world.coordinator.display_name


def test_the_unit_manager_can_close_with_a_written_reason(world, case):
    with at(MONDAY + dt.timedelta(days=9)):
        f.hand_over(world.staff, case)
    for actor, reason in ((world.officer, "Klart"), (world.manager, " ")):
        with pytest.raises(DomainError):
            case_services.case_transition(case=case, to="closed", actor=actor, reason=reason)
    case_services.case_transition(case=case, to="closed", actor=world.manager, reason="Hemtjänsten svarar inte")
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_handed_over_only_through_the_handover(world, case):
    with pytest.raises(DomainError) as err:
        case_services.case_transition(case=case, to="handed_over", actor=world.staff)
    assert err.value.code == "handover_not_sent"


def test_the_summary_starts_from_the_social_journal_since_the_last_summary(world, case):
    from scheduling import services as scheduling

    with at(MONDAY, 12):
        scheduling.journal_sign(actor=world.staff, case=case, kind="social", text="Åt lunch själv.")
        scheduling.journal_sign(
            actor=world.staff, case=case, kind="health", text="Sårvård delegerad", delegated_task=True
        )
        assert "Åt lunch själv." in services.summary_prefill(case)
        assert "Sårvård" not in services.summary_prefill(case)
        summary = services.message_draft(
            actor=world.staff, case=case, kind="summary", subject="Sammanfattning", body=services.summary_prefill(case)
        )
        services.message_send(actor=world.staff, message=summary)
    with at(MONDAY, 16):
        scheduling.journal_sign(actor=world.staff, case=case, kind="social", text="Promenad till brevlådan.")
        assert services.summary_prefill(case).endswith("Promenad till brevlådan.")
        assert "Åt lunch" not in services.summary_prefill(case)


def test_an_acknowledged_message_is_no_longer_unread_for_whoever_acknowledged_it(world, case):
    from handover.selectors import inbox

    with at(MONDAY):
        message = Message.objects.filter(case=case, kind="start_notice").first()
        services.message_send(actor=world.staff, message=message)
        delivery = message.deliveries.filter(recipient__members=world.coordinator).first()
        assert inbox(world.coordinator, unread=True).filter(pk=message.pk).exists()
        services.message_acknowledge(actor=world.coordinator, delivery=delivery, representative="Kim")
        assert not inbox(world.coordinator, unread=True).filter(pk=message.pk).exists()
