"""Consent names its receivers (issue 12, part 7): recording consent chooses them from the case's receivers,
and the consent gate lets a message go only to receivers the valid consent names."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases import services as cases_services
from cases.models import Consent
from handover import services
from handover.models import Message, Recipient
from hemgang.errors import DomainError, DomainValidationError

from .. import factories as f


def _names(receivers):
    return [r.name for r in receivers]


def test_it_offers_the_case_receivers_and_the_ones_the_start_will_set(world, referred):
    """The client's group (linked), its provider's day coordinator, and the night side (the municipality's
    one night patrol and its provider's night coordinator): not another provider's coordinator."""
    assert _names(selectors.consent_receiver_choices(referred)) == [
        "Koordinator Omsorg",
        "Nattkoordinator",
        "Hemtjänst Centrum",
        "Nattpatrullen",
    ]


def test_the_form_offers_only_the_case_receivers_ticked(world, login, referred):
    page = login(world.officer).get(reverse("consent_new", args=[referred.pk])).content.decode()
    assert "Mottagare som samtycket omfattar" in page
    assert f'value="{world.group.pk}"' in page and "Hemtjänst Centrum – hemtjänstgrupp" in page
    assert "Koordinator Annat" not in page
    assert page.count('name="receivers"') == 4 and page.count("checked") >= 4


def _consent_post(**extra):
    return {
        "given_on": timezone.localdate().isoformat(),
        "given_by": "client",
        "form": "written",
        "scope": "Informationsöverföring",
    } | extra


def test_the_form_records_the_receivers_ticked(world, login, referred):
    response = login(world.officer).post(
        reverse("consent_new", args=[referred.pk]), _consent_post(receivers=[world.group.pk])
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=referred)
    assert _names(consent.receivers.all()) == ["Hemtjänst Centrum"]
    assert not consent.covers_case_receivers


def test_the_form_refuses_a_receiver_not_on_the_case(world, login, referred):
    stranger = Recipient.objects.get(name="Koordinator Annat")
    response = login(world.officer).post(
        reverse("consent_new", args=[referred.pk]), _consent_post(receivers=[world.group.pk, stranger.pk])
    )
    assert response.status_code == 200
    assert not Consent.objects.filter(case=referred).exists()


def test_the_service_refuses_a_receiver_not_on_the_case_and_none_at_all(world, referred):
    stranger = Recipient.objects.get(name="Koordinator Annat")
    with pytest.raises(DomainValidationError) as refused:
        f.consent(world.officer, referred, receivers=[world.group, stranger])
    assert refused.value.code == "receiver_not_on_case"
    assert "Koordinator Annat är inte en av ärendets mottagare" in str(refused.value.message)
    with pytest.raises(DomainValidationError) as refused:
        f.consent(world.officer, referred, receivers=[])
    assert refused.value.code == "receivers_required"
    assert not Consent.objects.filter(case=referred).exists()


@pytest.fixture
def started_under(world):
    """A running case whose consent names `receivers` only (its receivers: the group and its coordinator)."""

    def _start(receivers):
        case = f.referred_case(world.officer)
        f.consent(world.officer, case, receivers=receivers)
        f.decision(world.officer, case, world.team, world.types, world.basis)
        return cases_services.case_start(actor=world.staff, case=case)

    return _start


def _start_notice(case):
    return Message.objects.get(case=case, kind=Message.Kind.START_NOTICE)


def test_a_message_to_receivers_the_consent_names_is_sent(world, started_under):
    case = started_under([world.group, world.coordination])
    message = services.message_send(actor=world.staff, message=_start_notice(case))
    assert message.sent_at is not None
    assert message.consent == Consent.objects.get(case=case)


def test_a_message_to_a_receiver_the_consent_does_not_name_is_refused_by_name(world, started_under):
    case = started_under([world.group])
    with pytest.raises(DomainError) as refused:
        services.message_send(actor=world.staff, message=_start_notice(case))
    assert refused.value.code == "receiver_not_covered"
    assert "Samtycket omfattar inte Koordinator Omsorg" in str(refused.value.message)
    assert _start_notice(case).sent_at is None  # nothing sent, to anyone


def test_the_team_may_leave_out_the_receiver_not_covered(world, started_under):
    case = started_under([world.group])
    message = services.message_draft_and_send(
        actor=world.staff, case=case, kind="free", subject="Hemgångsteam: info", body="Hej", recipients=[world.group]
    )
    assert [d.recipient for d in message.deliveries.all()] == [world.group]


def test_hemtjanst_writes_to_the_team_only_from_a_unit_the_consent_names(world, started_under):
    case = started_under([world.coordination])
    night = f.UserFactory(municipality=world.town, role="coordinator", shift="day", username="group_only")
    world.group.members.add(night)
    with pytest.raises(DomainError) as refused:
        services.message_send_to_team(actor=night, case=case, subject="", body="Dagens sammanfattning")
    assert "Samtycket omfattar inte Hemtjänst Centrum" in str(refused.value.message)
    sent = services.message_send_to_team(actor=world.coordinator, case=case, subject="", body="Dagens sammanfattning")
    assert sent.sender_recipient == world.coordination


def test_a_consent_recorded_before_receivers_were_named_covers_every_receiver_on_the_case(world, started_under):
    """The migration marks the consents it finds so (covers_case_receivers): see its docstring."""
    case = started_under([world.group])
    Consent.objects.filter(case=case).update(covers_case_receivers=True)
    assert services.message_send(actor=world.staff, message=_start_notice(case)).sent_at is not None


def test_the_case_page_and_the_messages_page_show_whom_the_consent_covers(world, login, started_under):
    case = started_under([world.group])
    page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Omfattar: Hemtjänst Centrum" in page
    page = login(world.staff).get(reverse("case_messages", args=[case.pk])).content.decode()
    assert "Samtycket omfattar: Hemtjänst Centrum" in page
    assert "Samtycket omfattar inte dessa mottagare på ärendet" in page and "Koordinator Omsorg" in page
    page = login(world.staff).get(reverse("message_edit", args=[_start_notice(case).pk])).content.decode()
    assert "Samtycket omfattar: Hemtjänst Centrum" in page
