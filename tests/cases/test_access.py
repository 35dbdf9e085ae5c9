"""The permission matrix. It reads the URL configuration, so a new page without a declared rule fails."""

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import AccessLog

from .. import walk

EXEMPT_NAMESPACES = {"admin"}  # the admin has its own staff check and holds no client data
EXEMPT_NAMES = {"set_language"}  # Django's language switch: no data


def _patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


_declared_rule = walk.access_rule


def test_every_page_declares_its_access_rule():
    missing = [
        str(pattern.pattern)
        for namespace, pattern in _patterns()
        if namespace not in EXEMPT_NAMESPACES
        and pattern.name not in EXEMPT_NAMES
        and _declared_rule(pattern.callback) is None
    ]
    assert missing == []


def test_only_declared_public_pages_open_without_login(client):
    public = {str(p.pattern) for ns, p in _patterns() if _declared_rule(p.callback) == "public"}
    # The set-password link of an approved account (audit/): the one-time token is its check.
    assert public == {
        "login/",
        "login/oidc/",
        "login/oidc/callback/",
        "logout/",
        "api/schema/",
        "api/docs/",
        "health/",
        "konto/losenord/<str:uidb64>/<str:token>/",
    }
    # After the password, before the second factor: the second step and enrolling an app, nothing else.
    signing_in = {str(p.pattern) for ns, p in _patterns() if _declared_rule(p.callback) == "signing_in"}
    assert signing_in == {"login/verify/", "login/enrol/"}


# persona → expected status for each case page (on a decided case of `world.team`)
CASE_PAGES = ["case_detail", "consent_new", "decision_new", "case_team"]
MATRIX = {
    "officer": {"case_detail": 200, "consent_new": 200, "decision_new": 200, "case_team": 200},
    "staff": {"case_detail": 200, "consent_new": 404, "decision_new": 404, "case_team": 404},
    "manager": {"case_detail": 200, "consent_new": 404, "decision_new": 404, "case_team": 404},
    "other_staff": dict.fromkeys(CASE_PAGES, 404),
    "coordinator": dict.fromkeys(CASE_PAGES, 404),
    "admin": dict.fromkeys(CASE_PAGES, 404),
    # The hospital's account has its token and no session on the pages: one it got is ended (to the login).
    "integration": dict.fromkeys(CASE_PAGES, 302),
    "outsider": dict.fromkeys(CASE_PAGES, 404),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
@pytest.mark.parametrize("page", CASE_PAGES)
def test_the_permission_matrix_for_case_pages(world, login, referred, persona, page):
    # a referred case assigned to the team: every page above has something to show the case officer
    from cases import services

    services.case_assign_team(actor=world.officer, case=referred, team=world.team)
    response = login(getattr(world, persona)).get(reverse(page, args=[referred.pk]))
    assert response.status_code == MATRIX[persona][page]


CLIENT_MATRIX = {
    # persona: (search, new client and referral, the page of a client in Demoköping)
    "officer": (200, 200, 200),
    "staff": (403, 403, 404),
    "manager": (403, 403, 404),
    "coordinator": (403, 403, 404),
    "admin": (403, 403, 404),
    "integration": (302, 302, 302),  # its session is ended: it has the API's token, not the pages
    "outsider": (200, 200, 404),  # a case officer, but of another municipality
}


@pytest.mark.parametrize("persona", sorted(CLIENT_MATRIX))
def test_the_permission_matrix_for_client_pages(world, login, referred, persona):
    http = login(getattr(world, persona))
    statuses = (
        http.get(reverse("client_search")).status_code,
        http.get(reverse("client_new")).status_code,
        http.get(reverse("client_detail", args=[referred.client.pk])).status_code,
    )
    assert statuses == CLIENT_MATRIX[persona]


def test_anonymous_users_are_sent_to_login(client, world, referred):
    response = client.get(reverse("case_detail", args=[referred.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_database_refuses_to_change_or_delete_the_access_log(world, login, referred):
    login(world.officer).get(reverse("case_detail", args=[referred.pk]))
    entry = AccessLog.objects.get(case_id=referred.pk)
    refused = r"append-only|permission denied"  # the trigger, or the app role's missing privilege
    with pytest.raises(Exception, match=refused), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(what="nothing")
    with (
        pytest.raises(Exception, match=refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM cases_accesslog WHERE id = %s", [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk, what="case.detail").exists()


def test_an_access_log_entry_records_who_what_where(world, login, referred):
    login(world.officer).get(reverse("case_detail", args=[referred.pk]), REMOTE_ADDR="10.1.2.3")
    entry = AccessLog.objects.get(case_id=referred.pk)
    assert (entry.user, entry.client_id, entry.what, entry.ip_address) == (
        world.officer,
        referred.client_id,
        "case.detail",
        "10.1.2.3",
    )
    assert entry.municipality == world.town


def test_no_personal_number_in_any_url():
    for _namespace, pattern in _patterns():
        assert "personal_number" not in str(pattern.pattern)


# persona → (the notification centre, the e-mail choices, the team's reminders): each user has their own
# notifications; an integration account has none; the team's reminders are the unit manager's.
NOTIFICATION_MATRIX = {
    "officer": (200, 200, 403),
    "staff": (200, 200, 403),
    "manager": (200, 200, 200),
    "other_staff": (200, 200, 403),
    "coordinator": (200, 200, 403),
    "admin": (200, 200, 403),
    "integration": (302, 302, 302),  # no session on the pages: ended, to the login
    "outsider": (200, 200, 403),
}


@pytest.mark.parametrize("persona", sorted(NOTIFICATION_MATRIX))
def test_the_permission_matrix_for_notification_pages(world, login, persona):
    http = login(getattr(world, persona))
    pages = ("notification_list", "notification_preferences", "team_reminders")
    assert tuple(http.get(reverse(page)).status_code for page in pages) == NOTIFICATION_MATRIX[persona]


def test_another_users_notification_is_a_404_for_every_persona(world, login):
    from django.db import transaction

    from notifications import services

    with transaction.atomic():
        (pk,) = services.notify(
            kind="new_message",
            key="matrix",
            recipients=[world.manager],
            subject="Hemgång: nytt",
            body="Något väntar.",
            url_name="inbox",
            municipality_id=world.town.pk,
        )
    for persona in sorted(NOTIFICATION_MATRIX):
        if persona == "manager":
            continue
        http = login(getattr(world, persona))
        refused = 302 if persona == "integration" else 404  # the integration's session is ended
        assert http.get(reverse("notification_open", args=[pk])).status_code == refused, persona
        assert http.post(reverse("notification_read", args=[pk])).status_code == refused, persona
    assert login(world.manager).get(reverse("notification_open", args=[pk])).status_code == 302
