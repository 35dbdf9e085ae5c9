"""Sending a message stores one notification per receiving person (e-mailed after the commit), and a draft
is not sent, nor anyone notified, once the case has ended."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.lifecycle import case_readmit
from cases.models import Role
from handover import services
from handover.models import Message
from hemgang.errors import DomainError
from notifications.models import Notification

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


def at(day, hour=10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


@pytest.fixture
def case(world, start_case):
    return start_case(MONDAY)


def test_a_message_to_hemtjanst_notifies_each_member_of_its_receivers_once(world, case):
    """The coordinator is a member of both the group and the day coordination: one notification."""
    start = Message.objects.get(case=case, kind="start_notice")
    with at(MONDAY):
        services.message_send(actor=world.staff, message=start)
    (row,) = Notification.objects.all()
    assert row.recipient == world.coordinator and row.key == f"message:{start.pk}:user:{world.coordinator.pk}"
    assert (row.kind, row.status, row.case, row.path) == ("new_message", "pending", case, f"/messages/{start.pk}/")
    assert case.reference in row.subject and "(startbesked)" in row.subject
    assert case.client.last_name not in row.subject + row.body


def test_hemtjanst_writing_to_the_team_notifies_its_active_staff_and_managers(world, case):
    f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="ssk", team=world.team, is_active=False)
    with at(MONDAY, 20):
        back = services.message_send_to_team(actor=world.coordinator, case=case, subject="", body="Lugn natt.")
    rows = Notification.objects.filter(key__startswith=f"message:{back.pk}:")
    assert set(rows.values_list("recipient", flat=True)) == {world.staff.pk, world.manager.pk}


def test_a_draft_is_not_sent_after_the_case_ended(world, case):
    draft = services.message_draft(actor=world.staff, case=case, kind="free", subject="Hej", body="Hur gick natten?")
    with at(MONDAY, 12):
        case_readmit(actor=world.officer, case=case, reason="Inlagd på sjukhus igen")
        with pytest.raises(DomainError) as err:
            services.message_send(actor=world.staff, message=draft)
    assert err.value.code == "case_not_running"
    draft.refresh_from_db()
    assert draft.sent_at is None and not Notification.objects.exists()


def test_a_refused_sending_notifies_nobody(world, case):
    start = Message.objects.get(case=case, kind="start_notice")
    with at(MONDAY + dt.timedelta(days=10)), pytest.raises(DomainError) as err:  # the consent has expired
        services.message_send(actor=world.staff, message=start)
    assert err.value.code == "consent_required" and not Notification.objects.exists()
