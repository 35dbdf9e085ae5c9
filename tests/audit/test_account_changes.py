"""Separation of duties (issue 12): what an administrator can do to accounts in the admin — each attempt
refused or pending with nothing applied — and a unit manager's approval in the app applying it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit import services
from audit.models import AccountChangeRequest, AccountEvent
from cases.models import ApiToken, Role, User

from .. import factories as f


@pytest.fixture
def admin_http(world, login):
    group = Group.objects.create(name="Administratörer")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases",
            content_type__model__in=["interventiontype", "legalbasis", "team", "user", "municipality"],
        )
    )
    world.admin.groups.add(group)
    return login(world.admin)


def _change_post(account: User, **overrides) -> dict:
    """The admin's change form as it comes back with `overrides`."""
    data = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on" if account.is_active else "",
        "is_staff": "on" if account.is_staff else "",
        "groups": [g.pk for g in account.groups.all()],
        "municipality": account.municipality_id or "",
        "role": account.role,
        "profession": account.profession,
        "team": account.team_id or "",
        "led_teams": [t.pk for t in account.led_teams.all()],
        "shift": account.shift,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None and value != ""}


def _post_change(http, account, **overrides):
    return http.post(reverse("admin:cases_user_change", args=[account.pk]), _change_post(account, **overrides))


def _pending(account) -> AccountChangeRequest:
    return AccountChangeRequest.objects.get(account=account, state="pending")


def _approve(login, manager, request):
    return login(manager).post(reverse("account_request_approve", args=[request.pk]))


def test_it_keeps_a_new_case_officer_account_without_access_until_approved(world, admin_http):
    response = admin_http.post(
        reverse("admin:cases_user_add"),
        {
            "username": "ny.handlaggare",
            "usable_password": "true",
            "password1": "Admin-knows-this-1",
            "password2": "Admin-knows-this-1",
            "first_name": "Nora",
            "last_name": "Ny",
            "email": "nora@example.org",
            "municipality": world.town.pk,
            "role": "case_officer",
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="ny.handlaggare")
    # Nothing applied: no role, inactive, and the password the administrator typed does not work.
    assert (account.role, account.is_active, account.has_usable_password()) == ("", False, False)
    assert not account.check_password("Admin-knows-this-1")
    request = _pending(account)
    assert (request.kind, request.requested_by) == ("create", world.admin)
    assert request.changes == {"role": "case_officer", "is_active": True}
    assert AccountEvent.objects.filter(account=account, action="requested", actor=world.admin).count() == 1


def test_a_unit_managers_approval_applies_it_and_the_mailed_link_sets_the_password_once(
    world, admin_http, login, client, mailoutbox, django_capture_on_commit_callbacks
):
    admin_http.post(
        reverse("admin:cases_user_add"),
        {
            "username": "ny.usk",
            "usable_password": "true",
            "password1": "Admin-knows-this-1",
            "password2": "Admin-knows-this-1",
            "email": "ny.usk@example.org",
            "municipality": world.town.pk,
            "role": "team_staff",
            "profession": "usk",
            "team": world.team.pk,
        },
    )
    account = User.objects.get(username="ny.usk")
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(login, world.manager, _pending(account)).status_code == 302
    account.refresh_from_db()
    assert (account.role, account.profession, account.team, account.is_active) == (
        "team_staff",
        "usk",
        world.team,
        True,
    )
    assert not account.has_usable_password()
    request = AccountChangeRequest.objects.get(account=account)
    assert (request.state, request.decided_by) == ("approved", world.manager)
    assert request.history.count() == 2  # asked for, decided
    assert list(AccountEvent.objects.filter(account=account).values_list("action", flat=True).order_by("id")) == [
        "requested",
        "approved",
        "applied",
    ]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ny.usk@example.org"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": "Mitt-eget-losen-7", "new_password2": "Mitt-eget-losen-7"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Mitt-eget-losen-7")
    # Once: the token covered the old password, so the link no longer works.
    assert client.get(path).status_code == 400
    assert client.post(path, {"new_password1": "Annat-losen-8", "new_password2": "Annat-losen-8"}).status_code == 400
    account.refresh_from_db()
    assert account.check_password("Mitt-eget-losen-7")
    assert AccountEvent.objects.filter(account=account, action="password_set", actor=None).exists()


# What an administrator can attempt on a care account in the admin, and what takes effect at once:
# (the form's overrides, the stored fields after the attempt).
ATTEMPTS = {
    "role": ({"role": "case_officer", "profession": "", "team": ""}, {"role": "team_staff", "team": "team"}),
    "team": ({"team": "other_team"}, {"role": "team_staff", "team": "team"}),
    "profession": ({"profession": "ssk"}, {"profession": "usk"}),
    "e-mail": ({"email": "admin@example.org"}, {"email": "staff@example.org"}),
    "municipality": ({"municipality": "elsewhere"}, {"municipality": "town"}),
}


@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
def test_an_administrators_change_of_a_care_account_waits_and_applies_nothing(world, admin_http, attempt):
    world.staff.email = "staff@example.org"
    world.staff.save(update_fields=["email"])
    overrides, kept = ATTEMPTS[attempt]
    values = {
        k: (getattr(world, v).pk if v in ("other_team", "team", "elsewhere", "town") else v)
        for k, v in overrides.items()
    }
    response = _post_change(admin_http, world.staff, **values)
    world.staff.refresh_from_db()
    if attempt == "municipality":
        # Another municipality is not a choice the administrator has at all.
        assert response.status_code == 200 and not AccountChangeRequest.objects.exists()
    else:
        assert response.status_code == 302
        assert _pending(world.staff).kind == "change"
    for field, value in kept.items():
        expected = getattr(world, value) if value in ("team", "town") else value
        assert getattr(world.staff, field) == expected


def test_reactivation_waits_but_deactivation_takes_effect_at_once(world, admin_http, login):
    response = _post_change(admin_http, world.staff, is_active="")
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.is_active is False
    assert not AccountChangeRequest.objects.exists()
    assert AccountEvent.objects.get(account=world.staff).action == "deactivated"
    _post_change(admin_http, world.staff, is_active="on")
    world.staff.refresh_from_db()
    assert world.staff.is_active is False
    assert _pending(world.staff).changes == {"is_active": True}
    _approve(login, world.manager, _pending(world.staff))
    world.staff.refresh_from_db()
    assert world.staff.is_active is True


def test_it_refuses_staff_status_and_superuser_for_care_accounts_and_own_permissions(world, admin_http):
    page = admin_http.get(reverse("admin:cases_user_change", args=[world.officer.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    response = _post_change(admin_http, world.officer, is_staff="on")
    assert response.status_code == 200
    assert "kan inte ha personalstatus" in response.content.decode()
    world.officer.refresh_from_db()
    assert world.officer.is_staff is False
    # Superuser cannot be posted in: the field is read-only for everyone in the admin.
    _post_change(admin_http, world.officer, is_superuser="on")
    world.officer.refresh_from_db()
    assert world.officer.is_superuser is False
    # Their own account: role and permissions are read-only, and a forged post changes nothing.
    own = admin_http.get(reverse("admin:cases_user_change", args=[world.admin.pk])).content.decode()
    assert 'name="role"' not in own and 'name="groups"' not in own
    _post_change(admin_http, world.admin, role="case_officer", groups=[])
    world.admin.refresh_from_db()
    assert world.admin.role == "administrator" and world.admin.groups.count() == 1
    assert not AccountChangeRequest.objects.exists()


def test_giving_an_administrator_a_care_role_waits_too(world, admin_http):
    other_admin = f.UserFactory(municipality=world.town, role=Role.ADMINISTRATOR, username="admin2")
    response = _post_change(admin_http, other_admin, role="case_officer")
    assert response.status_code == 302
    other_admin.refresh_from_db()
    assert other_admin.role == "administrator"
    assert _pending(other_admin).changes == {"role": "case_officer"}


def test_the_administrator_only_asks_for_a_care_accounts_password_reset(
    world, admin_http, login, mailoutbox, django_capture_on_commit_callbacks
):
    world.officer.email = "officer@example.org"
    world.officer.set_password("old-password-1")
    world.officer.save()
    url = reverse("admin:auth_user_password_change", args=[world.officer.pk])
    page = admin_http.get(url).content.decode()
    assert 'name="password1"' not in page
    # A forged post of a new password only asks for a reset.
    admin_http.post(url, {"password1": "Admin-sets-1", "password2": "Admin-sets-1", "usable_password": "true"})
    world.officer.refresh_from_db()
    assert world.officer.check_password("old-password-1")
    request = _pending(world.officer)
    assert request.kind == "password"
    with django_capture_on_commit_callbacks(execute=True):
        _approve(login, world.manager, request)
    world.officer.refresh_from_db()
    assert not world.officer.has_usable_password()  # the old one no longer works
    assert mailoutbox[0].to == ["officer@example.org"] and "Admin-sets-1" not in mailoutbox[0].body


def test_nobody_approves_their_own_request_or_a_change_of_their_own_account(world, login):
    second_manager = f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.team, username="m2")
    # A unit manager who is also the requester (e.g. through the service), and the account's own holder.
    asked = services.account_password_reset_request(actor=world.manager, account=world.officer)
    assert _approve(login, world.manager, asked).status_code == 404
    own = services.account_password_reset_request(actor=world.admin, account=second_manager)
    assert _approve(login, second_manager, own).status_code == 404
    assert AccountChangeRequest.objects.filter(state="pending").count() == 2
    # The database says no as well.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountChangeRequest.objects.filter(pk=asked.pk).update(
            state="approved", decided_by=world.manager, decided_at=asked.requested_at
        )
    # Another unit manager may.
    assert _approve(login, second_manager, asked).status_code == 302
    asked.refresh_from_db()
    assert asked.state == "approved"


def test_a_team_account_is_decided_by_a_manager_of_its_new_team(world, admin_http, login):
    other_manager = f.UserFactory(
        municipality=world.town, role=Role.UNIT_MANAGER, team=world.other_team, username="soder.chef"
    )
    _post_change(admin_http, world.staff, team=world.other_team.pk)
    request = _pending(world.staff)
    assert _approve(login, world.manager, request).status_code == 404  # leads Norr, not Söder
    page = login(world.manager).get(reverse("account_requests")).content.decode()
    assert "Another unit manager decides" in page or "En annan enhetschef" in page
    assert _approve(login, other_manager, request).status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.team == world.other_team


def test_a_rejection_applies_nothing_and_is_logged(world, admin_http, login):
    _post_change(admin_http, world.staff, profession="ssk")
    request = _pending(world.staff)
    response = login(world.manager).post(reverse("account_request_reject", args=[request.pk]), {"reason": "Fel"})
    assert response.status_code == 302
    request.refresh_from_db()
    world.staff.refresh_from_db()
    assert (request.state, request.reason, world.staff.profession) == ("rejected", "Fel", "usk")
    assert AccountEvent.objects.filter(request=request, action="rejected", actor=world.manager).exists()
    # Without a reason: a message, nothing decided.
    _post_change(admin_http, world.staff, profession="ssk")
    again = _pending(world.staff)
    login(world.manager).post(reverse("account_request_reject", args=[again.pk]), {"reason": ""})
    again.refresh_from_db()
    assert again.state == "pending"


def test_the_account_changes_page_reads_a_fixed_number_of_queries(world, admin_http, login, django_assert_num_queries):
    for username in ("a", "b", "c"):
        account = f.UserFactory(municipality=world.town, role=Role.ADMINISTRATOR, username=f"adm.{username}")
        services.account_admin_save(
            actor=world.admin,
            account=account,
            before=services.snapshot(account),
            after={**services.snapshot(account), "role": "team_staff", "profession": "usk", "team": world.team.pk},
            created=False,
        )
    for name in ("Omsorg", "Vård"):  # two API tokens waiting for approval too
        provider = f.UserFactory(municipality=world.town, role=Role.PROVIDER_INTEGRATION)
        token, _raw = ApiToken.issue(provider, scopes=["messages"], name=name, created_by=world.admin)
        ApiToken.objects.filter(pk=token.pk).update(approved_at=None)
    http = login(world.manager)
    # The session and its user; the requests with their accounts, teams and requesters; the teams named;
    # the unit manager's led teams (team_ids, once); the waiting tokens with their accounts and issuers;
    # the menu: the inbox and notification counts, the user's team (as on every page; no model
    # permissions: those are only staff accounts').
    with django_assert_num_queries(9):
        response = http.get(reverse("account_requests"))
    assert response.status_code == 200
    assert response.content.decode().count('action="/konton/andringar/') == 6
    assert response.content.decode().count('action="/konton/nycklar/') == 2
