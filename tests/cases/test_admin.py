"""The administrator keeps catalogues, teams and users in the admin, with history, and sees no client data."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse


def _administrator(world):
    group = Group.objects.create(name="Administratörer")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases",
            content_type__model__in=["interventiontype", "legalbasis", "team", "user", "municipality"],
        )
    )
    world.admin.groups.add(group)
    return world.admin


def test_the_administrator_edits_the_catalogue_and_its_history_is_kept(world, login):
    http = login(_administrator(world))
    assert http.get(reverse("admin:index")).status_code == 200
    item = world.types[0]
    url = reverse("admin:cases_interventiontype_change", args=[item.pk])
    response = http.post(
        url,
        {
            "municipality": world.town.pk,
            "name": "Personlig omvårdnad, morgon",
            "description": "",
            "active": "on",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "Personlig omvårdnad, morgon"
    assert item.history.first().history_user == world.admin
    assert http.get(reverse("admin:cases_interventiontype_history", args=[item.pk])).status_code == 200


def test_teams_and_users_are_in_the_admin(world, login):
    http = login(_administrator(world))
    assert http.get(reverse("admin:cases_team_change", args=[world.team.pk])).status_code == 200
    assert http.get(reverse("admin:cases_user_changelist")).status_code == 200


def test_no_client_data_in_the_admin(world, login):
    from django.contrib import admin

    registered = {model._meta.model_name for model in admin.site._registry}
    assert not registered & {
        "client",
        "case",
        "referral",
        "consent",
        "decision",
        "journalentry",
        "visit",
        "accesslog",
        "relative",
    }


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


def _basis_post(world, *, needs_assessment: bool):
    data = {"municipality": world.town.pk, "name": world.basis.name, "description": "", "active": "on", "sort_order": 1}
    if needs_assessment:
        data["needs_assessment"] = "on"
    return data


def test_the_kind_of_a_legal_basis_in_use_cannot_change_and_the_admin_says_so_in_swedish(world, login, decided):
    http = login(_administrator(world))
    url = reverse("admin:cases_legalbasis_change", args=[world.basis.pk])
    response = http.post(url, _basis_post(world, needs_assessment=False))
    assert response.status_code == 200
    assert "Det finns redan beslut med denna grund" in response.content.decode()
    world.basis.refresh_from_db()
    assert world.basis.needs_assessment is True


def test_the_kind_of_an_unused_legal_basis_can_change(world, login):
    http = login(_administrator(world))
    url = reverse("admin:cases_legalbasis_change", args=[world.basis.pk])
    assert http.post(url, _basis_post(world, needs_assessment=False)).status_code == 302
    world.basis.refresh_from_db()
    assert world.basis.needs_assessment is False
