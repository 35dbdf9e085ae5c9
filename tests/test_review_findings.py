"""Regressions for what a second read of the change found (each test names the rule it keeps)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import Client
from cases.services import InterventionLine
from handover.models import Message
from scheduling.models import FollowUpMeeting, Visit

from . import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9))), tick=False):
        yield


def test_an_administrator_cannot_make_themselves_a_case_officer(world, login):
    group = Group.objects.create(name="Admins")
    group.permissions.set(Permission.objects.filter(content_type__model__in=["user", "team"]))
    world.admin.groups.add(group)
    http = login(world.admin)
    url = reverse("admin:cases_user_change", args=[world.admin.pk])
    page = http.get(url).content.decode()
    assert 'name="role"' not in page  # read-only on one's own account
    http.post(url, {"username": "admin", "role": "case_officer", "municipality": world.town.pk})
    world.admin.refresh_from_db()
    assert world.admin.role == "administrator"
    listing = http.get(reverse("admin:cases_user_changelist")).content.decode()
    assert "outsider" not in listing  # another municipality's user


def test_the_visits_api_hides_a_protected_address_from_the_case_officer(world, start_case):
    case = start_case(MONDAY)
    Client.objects.filter(pk=case.client_id).update(protected_identity=True)
    api = APIClient()
    api.force_authenticate(world.officer2)
    visits = api.get(reverse("api-case-visits", args=[case.pk])).json()
    assert visits and all(v["address"] == "" for v in visits)
    api.force_authenticate(world.staff)
    assert "Provgatan 1" in api.get(reverse("api-case-visits", args=[case.pk])).json()[0]["address"]


def test_the_client_edit_form_does_not_show_a_protected_address(world, login):
    client = f.client(world.officer, protected_identity=True, street_address="Hemliga vägen 7", door_code="1234")
    http = login(world.officer)
    url = reverse("client_edit", args=[client.pk])
    page = http.get(url).content.decode()
    assert "Hemliga vägen 7" not in page and "1234" not in page
    base = {
        "client-first_name": "Greta",
        "client-last_name": "Testberg",
        "client-protected_identity": "on",
        "relatives-TOTAL_FORMS": "0",
        "relatives-INITIAL_FORMS": "0",
        "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "10",
    }
    http.post(url, base)
    client.refresh_from_db()
    assert client.street_address == "Hemliga vägen 7"  # left empty: kept
    http.post(url, base | {"client-street_address": "Nya vägen 1"})
    client.refresh_from_db()
    assert client.street_address == "Nya vägen 1"  # typed: replaced


def test_starting_from_the_transition_page_plans_books_and_drafts(world, login, decided):
    response = login(world.staff).post(reverse("case_transition", args=[decided.pk, "active"]), {"reason": ""})
    assert response.status_code == 302
    assert Visit.objects.filter(case=decided).exists()
    assert FollowUpMeeting.objects.filter(case=decided).exists()
    assert Message.objects.filter(case=decided, kind="start_notice").exists()


def test_the_case_officer_sees_the_withdraw_link(world, login, referred):
    consent = f.consent(world.officer, referred)
    page = login(world.officer).get(reverse("case_detail", args=[referred.pk])).content.decode()
    assert reverse("consent_withdraw", args=[referred.pk, consent.pk]) in page


def test_an_ended_case_leaves_no_visits_or_meeting_behind(world, login, start_case, on_monday):
    case = start_case(MONDAY)
    case_services.case_readmit(actor=world.staff, case=case, reason="Inlagd igen")
    assert not Visit.objects.filter(case=case, status="planned", planned_start__gte=timezone.now()).exists()
    assert FollowUpMeeting.objects.get(case=case).status == "cancelled"
    assert case.client.full_name not in login(world.staff).get(reverse("day_board")).content.decode()


def test_planned_visits_end_within_the_teams_hours(world, start_case):
    team = world.other_team
    team.working_days, team.day_starts_at, team.day_ends_at, team.capacity = "weekdays", dt.time(8), dt.time(16), 20
    team.save()
    for _ in range(6):
        start_case(MONDAY, team=team, lines=[InterventionLine(world.types[1].pk, 2, "day", 60, "day")])
    for visit in Visit.objects.filter(team=team):
        assert timezone.localtime(visit.planned_end).time() <= dt.time(16), visit


def test_the_coordinators_reply_ends_on_a_page_they_may_see(world, login, start_case):
    case = start_case(MONDAY)
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        from handover import services

        services.message_send(actor=world.staff, message=message)
    start = Message.objects.get(case=case, kind="start_notice")
    response = login(world.coordinator).post(
        reverse("message_reply", args=[start.pk]), {"subject": "", "body": "Lugn natt."}, follow=True
    )
    assert response.status_code == 200


def test_a_refused_send_leaves_no_draft_behind(world, login, start_case):
    case = start_case(MONDAY)
    case_services.consent_withdraw(actor=world.officer, consent=case.consents.get(), reported_by="USK", reason="Nej")
    before = Message.objects.filter(case=case).count()
    data = {"action": "new", "kind": "free", "subject": "Hej", "body": "Text", "recipients": [world.group.pk]}
    login(world.staff).post(reverse("case_messages", args=[case.pk]), data)
    assert Message.objects.filter(case=case).count() == before
