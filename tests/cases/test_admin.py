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


# --- notifications: delivery failures and the reminders' lead times ---------------------------------------


def _notifications_administrator(world):
    world.admin.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["cases", "notifications"]))
    return world.admin


def _notice(user, key, **fields):
    from django.db import transaction

    from notifications import services
    from notifications.models import Notification

    with transaction.atomic():
        (pk,) = services.notify(
            kind="new_message",
            key=key,
            recipients=[user],
            subject=f"Hemgång: {key}",
            body="Något väntar.",
            url_name="inbox",
            municipality_id=user.municipality_id,
        )
    Notification.objects.filter(pk=pk).update(**fields)
    return Notification.objects.get(pk=pk)


def test_the_administrator_sees_the_delivery_failures_of_their_municipality_read_only(world, login):
    failed = _notice(world.staff, "failed", status="failed", attempts=5, last_error="SMTPRecipientsRefused: x")
    retrying = _notice(world.manager, "retrying", status="pending", attempts=2, last_error="TimeoutError: slow")
    _notice(world.officer, "sent-fine", status="sent", attempts=1, sent_at=failed.created_at)
    _notice(world.outsider, "elsewhere", status="failed", attempts=5, last_error="SMTPRecipientsRefused: y")
    http = login(_notifications_administrator(world))
    url = reverse("admin:notifications_notification_changelist")
    listing = http.get(url).content.decode()
    assert "På leveransfel" in listing and "Misslyckades slutgiltigt" in listing
    assert "SMTPRecipientsRefused: x" in listing and "SMTPRecipientsRefused: y" not in listing
    only_failed = http.get(url, {"delivery": "failed"}).content.decode()
    assert "SMTPRecipientsRefused: x" in only_failed and "TimeoutError" not in only_failed
    to_retry = http.get(url, {"delivery": "retrying"}).content.decode()
    assert "TimeoutError: slow" in to_retry and "SMTPRecipientsRefused" not in to_retry
    change = reverse("admin:notifications_notification_change", args=[failed.pk])
    page = http.get(change).content.decode()
    assert 'name="_save"' not in page
    assert http.post(change, {"status": "pending"}).status_code == 403
    assert http.post(reverse("admin:notifications_notification_delete", args=[retrying.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_the_administrator_sets_a_lead_time_for_a_team_of_their_municipality(world, login):
    from cases.models import Team
    from notifications.models import ReminderSetting
    from notifications.reminders import lead

    foreign_team = Team.objects.create(municipality=world.elsewhere, name="Team Borta")
    http = login(_notifications_administrator(world))
    add = reverse("admin:notifications_remindersetting_add")
    form = http.get(add).content.decode()
    assert world.team.name in form and foreign_team.name not in form and world.elsewhere.name not in form
    response = http.post(
        add, {"municipality": world.town.pk, "team": world.team.pk, "name": "decision_end_days", "value": 5}
    )
    assert response.status_code == 302
    setting = ReminderSetting.objects.get(team=world.team)
    assert setting.history.first().history_user == world.admin
    assert lead("decision_end_days", municipality_id=world.town.pk, team_id=world.team.pk) == 5
    assert lead("decision_end_days", municipality_id=world.town.pk, team_id=world.other_team.pk) == 3
    refused = http.post(
        add, {"municipality": world.town.pk, "team": foreign_team.pk, "name": "consent_days", "value": 1}
    )
    assert refused.status_code == 200 and not ReminderSetting.objects.filter(team=foreign_team).exists()


def test_the_same_lead_time_twice_is_refused_in_swedish(world, login):
    from notifications.models import ReminderSetting

    ReminderSetting.objects.create(municipality=world.town, name="consent_days", value=3)
    http = login(_notifications_administrator(world))
    response = http.post(
        reverse("admin:notifications_remindersetting_add"),
        {"municipality": world.town.pk, "team": "", "name": "consent_days", "value": 4},
    )
    assert response.status_code == 200
    assert ReminderSetting.objects.filter(municipality=world.town).count() == 1


def test_the_municipality_shows_its_payment_responsibility_settings(world, login):
    http = login(_administrator(world))
    listing = http.get(reverse("admin:cases_municipality_changelist")).content.decode()
    assert "7800" in listing or "7 800" in listing
    page = http.get(reverse("admin:cases_municipality_change", args=[world.town.pk])).content.decode()
    assert 'name="payment_free_days"' in page and 'name="payment_daily_cost"' in page
