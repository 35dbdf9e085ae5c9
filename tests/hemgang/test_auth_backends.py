"""Model permissions are the admin's, for staff accounts only; everyone else's access is the rule set's."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import User


def _fresh(user):
    return User.objects.get(pk=user.pk)  # no permission cache from an earlier check


def test_it_asks_the_database_nothing_for_a_rule_that_does_not_hold_for_a_non_staff_user(world):
    staff = _fresh(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert not staff.has_perm("cases.search_clients")
    assert ctx.captured_queries == []


def test_a_model_permission_given_to_a_non_staff_user_grants_nothing(world):
    group = Group.objects.create(name="Felaktigt tilldelad")
    group.permissions.set(Permission.objects.filter(codename="view_team"))
    world.staff.groups.add(group)
    world.staff.user_permissions.add(Permission.objects.get(codename="change_team"))
    staff = _fresh(world.staff)
    assert not staff.has_perm("cases.view_team") and not staff.has_perm("cases.change_team")


def test_a_staff_account_keeps_its_model_permissions_for_the_admin(world, login):
    group = Group.objects.create(name="Administratörer")
    group.permissions.set(Permission.objects.filter(codename__in=["view_team", "change_team"]))
    world.admin.groups.add(group)
    admin = _fresh(world.admin)
    assert admin.has_perm("cases.view_team") and admin.has_perm("cases.change_team")
    assert login(world.admin).get(reverse("admin:cases_team_changelist")).status_code == 200


def test_signing_in_with_a_password_still_works(world):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    world.staff.set_password("rätt-lösenord-1")
    world.staff.save(update_fields=["password"])
    # Through every backend, as the login form does (django-axes needs the request).
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="staff", password="rätt-lösenord-1") == world.staff
    assert authenticate(request, username="staff", password="fel") is None
