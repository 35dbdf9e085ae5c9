"""E-mail links are absolute (SITE_URL), and people are named by name, never by their login name."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from cases import events
from cases.models import Role, User
from handover import services
from handover.models import Message
from hemgang.env import env_url

MONDAY = dt.date(2026, 11, 23)


def test_the_over_capacity_mail_links_to_the_case_under_site_url(
    world, referred, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://hemgang.example.se"
    world.manager.email = "chef@example.org"
    world.manager.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        payload = {"team_id": world.team.pk, "over_capacity": True}
        events.record(referred, events.Kind.TEAM_ASSIGNED, world.officer, payload=payload)
    assert f"https://hemgang.example.se/cases/{referred.pk}/" in mailoutbox[0].body


def test_the_new_message_mail_links_to_the_message_under_site_url(
    world, start_case, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://hemgang.example.se"
    world.coordinator.email = "koord@example.org"
    world.coordinator.save()
    case = start_case(MONDAY)
    start = Message.objects.get(case=case, kind="start_notice")
    at_ten = time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(10))), tick=False)
    with at_ten, django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=world.staff, message=start)
    assert f"https://hemgang.example.se/messages/{start.pk}/" in mailoutbox[-1].body


@pytest.mark.parametrize("raw", ["hemgang.example.se", "ftp://x", "https://", "https://host/path"])
def test_a_site_url_that_is_not_an_address_is_an_error(monkeypatch, raw):
    monkeypatch.setenv("SITE_URL_X", raw)
    with pytest.raises(ImproperlyConfigured):
        env_url("SITE_URL_X", "http://127.0.0.1:8000")


def test_a_site_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("SITE_URL_X", "https://hemgang.example.se/")
    assert env_url("SITE_URL_X", "http://127.0.0.1:8000") == "https://hemgang.example.se"


@pytest.mark.parametrize(
    "fields, shown",
    [
        ({"first_name": "Anna", "last_name": "Ek", "email": "a@example.org"}, "Anna Ek"),
        ({"first_name": "", "last_name": "", "email": "a@example.org"}, "a@example.org"),
        ({"first_name": "", "last_name": "", "email": "", "role": Role.INTEGRATION}, "Integration (sjukhusets system)"),
    ],
)
def test_a_person_is_named_by_name_never_by_username(db, fields, shown):
    user = User(username="usk.norr", **fields)
    assert user.display_name == shown
    assert str(user) == shown
    assert "usk.norr" not in str(user)


def test_the_api_names_the_person_a_visit_is_assigned_to(world, start_case, login):
    from scheduling.models import Visit

    case = start_case(MONDAY)
    Visit.objects.filter(case=case).update(assigned_to=world.staff)
    answer = login(world.staff).get(f"/api/v1/cases/{case.pk}/visits/").json()
    assert answer[0]["assigned_to"] == world.staff.display_name != world.staff.username
