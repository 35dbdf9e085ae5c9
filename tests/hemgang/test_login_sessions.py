"""A session ends after 30 minutes without a request and 12 hours after the sign-in; logging out ends it,
and so does deactivating the account or changing its password (every session of that user)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from .login_steps import app_for, code_of, password_step

MORNING = timezone.make_aware(dt.datetime(2026, 11, 23, 8, 0))


@pytest.fixture(autouse=True)
def _real_limits(settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60


def _signed_in(user):
    device = app_for(user)
    http, _ = password_step(user)
    assert http.post(reverse("login_verify"), {"code": code_of(device)}).status_code == 302
    return http


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_it_signs_out_after_thirty_idle_minutes(world):
    with at(MORNING):
        http = _signed_in(world.officer)
    with at(MORNING + dt.timedelta(minutes=29, seconds=59)):
        assert http.get(reverse("home")).status_code == 200
    with at(MORNING + dt.timedelta(minutes=59, seconds=58)):  # 29:59 after the last request
        assert http.get(reverse("home")).status_code == 200
    with at(MORNING + dt.timedelta(minutes=89, seconds=58)):
        response = http.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        page = http.get(response["Location"]).content.decode()
        assert "Du loggades ut efter 30 minuter utan aktivitet" in page
        assert http.get(reverse("home")).status_code == 302  # signed out for good, the code does not help


def test_a_request_renews_the_idle_time_writing_the_session_at_most_once_a_minute(world):
    with at(MORNING):
        http = _signed_in(world.officer)

    def last_seen():
        return Session.objects.get(session_key=http.session.session_key).get_decoded()["last_seen"]

    first = last_seen()
    with at(MORNING + dt.timedelta(seconds=59)):
        http.get(reverse("home"))
    assert last_seen() == first
    with at(MORNING + dt.timedelta(seconds=60)):
        http.get(reverse("home"))
    assert last_seen() == first + 60


def test_it_signs_out_twelve_hours_after_the_sign_in_whatever_happens(world):
    with at(MORNING):
        http = _signed_in(world.officer)
    for minutes in range(20, 12 * 60, 20):
        with at(MORNING + dt.timedelta(minutes=minutes)):
            assert http.get(reverse("home")).status_code == 200
    with at(MORNING + dt.timedelta(hours=12)):
        response = http.get(reverse("home"))
        assert response["Location"].startswith(reverse("login"))
        assert "en inloggning varar högst 12 timmar" in http.get(response["Location"]).content.decode()


def test_an_htmx_request_of_an_ended_session_is_sent_to_login_as_a_whole_page(world):
    with at(MORNING):
        http = _signed_in(world.officer)
    with at(MORNING + dt.timedelta(hours=1)):
        response = http.get(reverse("home"), HTTP_HX_REQUEST="true")
        assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_logging_out_ends_the_session(world):
    http = _signed_in(world.officer)
    key = http.session.session_key
    assert http.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert http.get(reverse("home")).status_code == 302


def test_deactivating_an_account_ends_all_its_sessions_at_once(world):
    Session.objects.all().delete()
    desk, phone = _signed_in(world.officer), HttpClient()
    phone.force_login(world.officer)
    colleague = _signed_in(world.officer2)
    assert Session.objects.count() == 3
    world.officer.is_active = False
    world.officer.save()
    assert Session.objects.count() == 1
    assert desk.get(reverse("home")).status_code == 302
    assert colleague.get(reverse("home")).status_code == 200


def test_removing_a_lost_phones_app_ends_the_sessions_and_the_next_sign_in_enrols(world):
    from io import StringIO

    from django.core.management import call_command

    http = _signed_in(world.officer)
    call_command("reset_second_factor", world.officer.username, stdout=StringIO())
    assert http.get(reverse("home")).status_code == 302
    again, _ = password_step(world.officer)
    assert again.get(reverse("login_verify"))["Location"].startswith(reverse("login_enrol"))


def test_a_changed_password_ends_the_other_sessions(world):
    http = _signed_in(world.officer)
    world.officer.set_password("a-new-password-456")
    world.officer.save()
    assert http.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_sessions_are_kept_in_the_database(settings):
    # end_sessions_of reads the session rows: it needs Django's database session backend
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_an_integration_accounts_session_is_ended_on_any_page(world, login):
    """The hospital's system has its API token and no sign-in; a session it got anyway (a forced login, a
    role changed to integration) opens no page and is ended at its first request."""
    http = login(world.integration)
    response = http.get(reverse("client_new"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in http.session
