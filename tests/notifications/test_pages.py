"""The notification centre, the menu's count, the e-mail choices and the unit manager's reminders: each
page for its owner, another user (404) and a wrong role (403), query counts pinned, the HTMX partials."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog
from notifications import services
from notifications.models import EmailPreference, Notification

from .. import factories as f

NOW = timezone.make_aware(dt.datetime(2026, 11, 23, 15))
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(NOW, tick=False):
        yield


def _notify(user, key, *, kind="new_message", case=None, municipality=None, subject=None):
    """A committed notification whose sending is not run: it waits, pending, as after a lost task."""
    with transaction.atomic():
        (pk,) = services.notify(
            kind=kind,
            key=key,
            recipients=[user],
            subject=subject or f"Hemgång: nytt om {key}",
            body="Något väntar på dig i Hemgång.",
            url_name="case_detail" if case else "inbox",
            url_args=[case.pk] if case else [],
            case=case,
            municipality_id=None if case else (municipality or user.municipality).pk,
        )
    return Notification.objects.get(pk=pk)


def _many(user, n, *, start=0, **fields):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            municipality_id=user.municipality_id,
            kind="new_message",
            key=f"bulk:{start + i}:user:{user.pk}",
            url_name="inbox",
            subject=f"Hemgång: nummer {start + i}",
            body="Något väntar.",
            created_at=NOW - dt.timedelta(minutes=start + i),
            **fields,
        )
        for i in range(n)
    )


def _queries(http, url, method="get", data=None, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(http, method)(url, data or {}, **extra)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


# --- the notification centre ----------------------------------------------------------------------------


def test_it_lists_the_users_own_notices_newest_first_without_the_cancelled_ones(world, login):
    older = _notify(world.staff, "old")
    Notification.objects.filter(pk=older.pk).update(created_at=NOW - dt.timedelta(hours=2))
    newer = _notify(world.staff, "new")
    gone = _notify(world.staff, "gone", subject="Hemgång: borta")
    Notification.objects.filter(pk=gone.pk).update(status=Notification.Status.CANCELLED)
    _notify(world.other_staff, "theirs", subject="Hemgång: någon annans")
    page = login(world.staff).get(reverse("notification_list")).content.decode()
    assert page.index(newer.subject) < page.index(older.subject)
    assert "Hemgång: borta" not in page and "någon annans" not in page
    assert "Något väntar på dig i Hemgång." in page
    assert reverse("notification_open", args=[newer.pk]) in page
    assert "Oläst" in page and "Markera som läst" in page


def test_the_unread_tab_shows_only_unread_ones(world, login):
    read = _notify(world.staff, "read")
    services.notification_mark_read(user=world.staff, notification_ids=[read.pk])
    unread = _notify(world.staff, "unread")
    page = login(world.staff).get(reverse("notification_list"), {"show": "unread"}).content.decode()
    assert unread.subject in page and read.subject not in page
    empty = login(world.other_staff).get(reverse("notification_list"), {"show": "unread"}).content.decode()
    assert "Inga olästa notiser." in empty


def test_it_shows_25_a_page(world, login):
    _many(world.staff, 30)
    http = login(world.staff)
    first = http.get(reverse("notification_list")).content.decode()
    assert "Hemgång: nummer 0<" in first and "Hemgång: nummer 24<" in first and "nummer 25<" not in first
    assert "Sida 1 av 2" in first
    second = http.get(reverse("notification_list"), {"page": 2}).content.decode()
    assert "Hemgång: nummer 29<" in second and "nummer 24<" not in second


def test_the_centre_query_count_does_not_grow_with_the_notices(world, login):
    """session, user, the paginator's count, the page's notifications, the inbox count in the menu, the menu's
    unread notifications, the user's team (the header); no model-permission lookups (only staff accounts
    have model permissions: hemgang.auth_backends.StaffModelBackend); no access-log row (no client data)."""
    _many(world.staff, 3)
    http = login(world.staff)
    small = _queries(http, reverse("notification_list"))
    _many(world.staff, 60, start=3)
    assert _queries(http, reverse("notification_list")) == small
    assert _queries(http, reverse("notification_list") + "?show=unread") == small
    assert small == 7
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "staff", "manager", "coordinator", "admin"])
def test_every_role_but_an_integration_has_the_centre(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("notification_list")).status_code == 200


def test_an_integration_account_has_no_centre(world, login):
    # It has no session on the pages at all: one it got is ended at the first request, to the login.
    for method, name in (
        ("get", "notification_list"),
        ("get", "notification_preferences"),
        ("post", "notification_read_all"),
    ):
        response = getattr(login(world.integration), method)(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- open, mark read -------------------------------------------------------------------------------------


def test_open_marks_it_read_and_goes_to_the_thing(world, login, decided):
    notice = _notify(world.manager, "case", case=decided)
    response = login(world.manager).get(reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[decided.pk])
    notice.refresh_from_db()
    assert notice.read_at == NOW


def test_another_users_or_a_cancelled_notice_is_a_404(world, login):
    theirs = _notify(world.other_staff, "theirs")
    gone = _notify(world.staff, "gone")
    Notification.objects.filter(pk=gone.pk).update(status=Notification.Status.CANCELLED)
    http = login(world.staff)
    for notice in (theirs, gone):
        assert http.get(reverse("notification_open", args=[notice.pk])).status_code == 404
        assert http.post(reverse("notification_read", args=[notice.pk])).status_code == 404
    assert http.get(reverse("notification_open", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_without_htmx_goes_back_to_the_page(world, login):
    notice = _notify(world.staff, "one")
    other = _notify(world.staff, "two")
    response = login(world.staff).post(reverse("notification_read", args=[notice.pk]), {"show": "unread", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list") + "?show=unread&page=2"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at == NOW and other.read_at is None


def test_mark_one_read_with_htmx_answers_with_the_row_and_the_menus_count(world, login):
    notice = _notify(world.staff, "one")
    _notify(world.staff, "two")
    response = login(world.staff).post(reverse("notification_read", args=[notice.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{notice.pk}"' in html and "<html" not in html
    assert "Markera som läst" not in html  # read now: no button
    assert 'id="menu-notification_list" hx-swap-oob="true"' in html and "Notiser (1)" in html


def test_mark_read_is_post_only(world, login):
    notice = _notify(world.staff, "one")
    assert login(world.staff).get(reverse("notification_read", args=[notice.pk])).status_code == 405


def test_mark_all_read_marks_only_the_users_own(world, login):
    _many(world.staff, 3)
    theirs = _notify(world.other_staff, "theirs")
    response = login(world.staff).post(reverse("notification_read_all"), {"show": ""})
    assert response.status_code == 302 and response["Location"] == reverse("notification_list")
    assert not Notification.objects.filter(recipient=world.staff, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_with_htmx_answers_with_the_list(world, login):
    _many(world.staff, 3)
    response = login(world.staff).post(reverse("notification_read_all"), {"show": "unread"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Inga olästa notiser." in html
    assert ">Notiser</a>" in html  # the menu's link, out of band, without a count


# --- the menu's count -------------------------------------------------------------------------------------


def test_the_menu_counts_the_unread_notices(world, login):
    http = login(world.staff)
    assert ">Notiser</a>" in http.get(reverse("home")).content.decode()
    _many(world.staff, 2)
    _many(world.staff, 1, start=10, read_at=NOW)
    _many(world.staff, 1, start=20, status=Notification.Status.CANCELLED)
    assert ">Notiser (2)</a>" in http.get(reverse("home")).content.decode()


def test_the_menu_counts_at_most_a_hundred(world, login):
    _many(world.staff, 99)
    http = login(world.staff)
    assert ">Notiser (99)</a>" in http.get(reverse("home")).content.decode()
    _many(world.staff, 150, start=99)
    with CaptureQueriesContext(connection) as ctx:
        page = http.get(reverse("home")).content.decode()
    assert ">Notiser (99+)</a>" in page
    (count,) = [q["sql"] for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    assert "LIMIT 100" in count and "read_at" in count


# --- e-mail choices ----------------------------------------------------------------------------------------


def test_the_choices_offer_the_kinds_of_the_role(world, login):
    manager = login(world.manager).get(reverse("notification_preferences")).content.decode()
    assert "Nytt meddelande" in manager and "Team över kapacitet" in manager
    assert "Betalningsansvaret (LUS) har inträtt" in manager and "Samtycket går snart ut" not in manager
    officer = login(world.officer).get(reverse("notification_preferences")).content.decode()
    assert "Samtycket går snart ut" in officer and "Nytt meddelande" not in officer
    coordinator = login(world.coordinator).get(reverse("notification_preferences")).content.decode()
    assert "Nytt meddelande" in coordinator and "Betalningsansvaret" not in coordinator
    admin = login(world.admin).get(reverse("notification_preferences")).content.decode()
    assert "Din roll får inga notiser att välja e-post för." in admin


def test_the_page_says_what_e_mail_carries_and_where_it_goes(world, login):
    world.manager.email = "chef@example.org"
    world.manager.save()
    page = login(world.manager).get(reverse("notification_preferences")).content.decode()
    assert "visar alltid alla slag" in page and "aldrig något om klienten" in page
    assert "<strong>chef@example.org</strong>" in page
    world.staff.email = ""
    world.staff.save()
    page = login(world.staff).get(reverse("notification_preferences")).content.decode()
    assert "Ditt konto har ingen e-postadress, så ingenting skickas med e-post." in page


def test_saving_the_choices_keeps_their_history(world, login):
    http = login(world.manager)
    page = http.get(reverse("notification_preferences")).content.decode()
    assert 'name="new_message" id="id_new_message" checked' in page  # no row: by e-mail
    # Everything ticked but new messages.
    response = http.post(reverse("notification_preferences"), {"over_capacity": "on", "payment_started": "on"})
    assert response.status_code == 302
    choices = dict(EmailPreference.objects.filter(user=world.manager).values_list("kind", "send_email"))
    assert choices["new_message"] is False and choices["over_capacity"] is True
    assert services.wants_email(world.manager, "new_message") is False
    page = http.get(reverse("notification_preferences")).content.decode()
    assert 'name="new_message" id="id_new_message">' in page
    http.post(reverse("notification_preferences"), {"new_message": "on"})
    preference = EmailPreference.objects.get(user=world.manager, kind="new_message")
    assert preference.send_email is True and preference.history.count() == 2


def test_a_choice_the_role_cannot_receive_is_not_stored(world, login):
    login(world.coordinator).post(reverse("notification_preferences"), {"new_message": "on", "over_capacity": ""})
    stored = set(EmailPreference.objects.filter(user=world.coordinator).values_list("kind", flat=True))
    assert "new_message" in stored and "over_capacity" not in stored


# --- the unit manager's reminders ---------------------------------------------------------------------------


@pytest.fixture
def team_notices(world, decided):
    """Notices of the team's case (one per status), of another team's case, of the municipality without a
    case, of another municipality, and one older than 30 days."""
    other_case = f.referred_case(world.officer)
    f.consent(world.officer, other_case)
    f.decision(world.officer, other_case, world.other_team, world.types, world.basis)
    Status = Notification.Status
    rows = {}
    for status in (Status.SENT, Status.FAILED, Status.PENDING, Status.NO_EMAIL, Status.CANCELLED):
        rows[status] = _notify(world.manager, f"team:{status}", kind="consent_expired", case=decided)
    Notification.objects.filter(pk=rows[Status.SENT].pk).update(status=Status.SENT, sent_at=NOW, attempts=1)
    Notification.objects.filter(pk=rows[Status.FAILED].pk).update(
        status=Status.FAILED, attempts=5, last_error="SMTPServerDisconnected: Connection unexpectedly closed"
    )
    for status in (Status.NO_EMAIL, Status.CANCELLED):
        Notification.objects.filter(pk=rows[status].pk).update(status=status, attempts=1)
    rows["municipality"] = _notify(world.manager, "over", kind="over_capacity", subject="Hemgång: kommunens")
    rows["other_team"] = _notify(world.other_staff, "other-team", case=other_case, subject="Hemgång: andra teamet")
    rows["elsewhere"] = _notify(world.outsider, "elsewhere", subject="Hemgång: annan kommun")
    rows["old"] = _notify(world.manager, "old", case=decided, subject="Hemgång: gammal")
    Notification.objects.filter(pk=rows["old"].pk).update(created_at=NOW - dt.timedelta(days=31))
    return rows


def test_the_unit_manager_sees_the_teams_notices_of_30_days_with_counts(world, login, decided, team_notices):
    page = login(world.manager).get(reverse("team_reminders")).content.decode()
    assert page.count(f'href="{reverse("case_detail", args=[decided.pk])}"') == 5
    assert decided.reference in page and "Inget ärende" in page  # the municipality's row
    assert "andra teamet" not in page and "annan kommun" not in page and "gammal" not in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    for label, count in (("Skickade", 1), ("Misslyckade", 1), ("Väntande", 2), ("Bara i Hemgång", 1)):
        assert f'{label} <span class="count">{count}</span>' in page
    assert 'Inte längre aktuella <span class="count">1</span>' in page
    assert decided.client.full_name not in page  # case references only
    assert not AccessLog.objects.exists()


def test_the_unit_manager_filters_by_status_and_kind(world, login, team_notices):
    http = login(world.manager)
    failed = http.get(reverse("team_reminders"), {"status": "failed"}).content.decode()
    assert "SMTPServerDisconnected" in failed and "Skickad med e-post</span>" not in failed
    over = http.get(reverse("team_reminders"), {"kind": "over_capacity"}).content.decode()
    assert over.count("<tr>") == 2  # the heading and the municipality's row
    nonsense = http.get(reverse("team_reminders"), {"status": "nonsense", "kind": "x"})
    assert nonsense.status_code == 200 and nonsense.content.decode().count("<tr>") == 7


def test_the_team_reminders_query_count_does_not_grow(world, login, decided, team_notices):
    """session, user, the counts per status, the paginator's count, the page's notifications with case and
    recipient, the inbox count in the menu, the menu's unread notifications, the user's team (the header), the
    teams the unit manager leads (`cases.access.team_ids`); no model-permission lookups (staff accounts only)."""
    http = login(world.manager)
    small = _queries(http, reverse("team_reminders"))
    for i in range(30):
        _notify(world.staff, f"more:{i}", kind="consent_ending", case=decided)
    assert _queries(http, reverse("team_reminders")) == small
    assert _queries(http, reverse("team_reminders"), data={"page": 2}) == small
    assert small == 9


@pytest.mark.parametrize("persona", ["staff", "officer", "coordinator", "admin"])
def test_only_a_unit_manager_sees_the_teams_reminders(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("team_reminders")).status_code == 403
