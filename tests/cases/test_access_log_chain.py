"""A log nobody can change (issue 12): the app's role may only add to and read the access log; the
database stamps the time and chains the rows; `verify_access_log` finds a changed or a missing row; the
owner may delete only what retention allows; refused reads are logged too."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog

from .. import factories as f

two_roles = settings.DATABASES["default"]["USER"] != settings.DATABASES["owner"]["USER"]
if not two_roles and os.environ.get("CI") == "true":
    pytest.fail("CI runs as two database roles (.ci/run): DATABASE_OWNER_URL is missing", pytrace=False)
needs_two_roles = pytest.mark.skipif(not two_roles, reason="one database role (no DATABASE_OWNER_URL)")
as_both = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def _as_app(statement, params=()):
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute(statement, params)


def _as_owner(statement, params=()):
    with connections["owner"].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def _read(world, login, case, times=1):
    http = login(world.officer)
    for _ in range(times):
        assert http.get(reverse("case_detail", args=[case.pk])).status_code == 200
    return AccessLog.objects.filter(case_id=case.pk).order_by("id")


@needs_two_roles
@as_both
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE cases_accesslog",
        "UPDATE cases_accesslog SET what = 'nothing'",
        "DELETE FROM cases_accesslog",
        "ALTER TABLE cases_accesslog DISABLE TRIGGER cases_accesslog_append_only",
        "ALTER TABLE cases_accesslog DISABLE TRIGGER ALL",
        "DROP TRIGGER cases_accesslog_chain ON cases_accesslog",
        "DROP TABLE cases_accesslog",
        "SET session_replication_role = replica",
        "TRUNCATE cases_caseevent",
        "UPDATE cases_caseevent SET from_state = ''",
    ],
)
def test_it_refuses_the_app_role_anything_but_adding_to_the_logs(world, login, referred, statement):
    _read(world, login, referred)
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        _as_app(statement)
    assert AccessLog.objects.filter(case_id=referred.pk, what="case.detail").count() == 1


@needs_two_roles
@as_both
def test_the_app_role_owns_nothing_and_is_no_superuser(world):
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone() == (0,)


@needs_two_roles
@as_both
def test_the_database_stamps_the_time_of_a_back_dated_row(world, referred):
    before = timezone.now()
    old = timezone.now() - dt.timedelta(days=400)
    entry = AccessLog.objects.create(
        user=world.officer, municipality=world.town, client_id=referred.client_id, what="x", at=old
    )
    entry.refresh_from_db()
    assert entry.at >= before - dt.timedelta(seconds=1)


@as_both
def test_each_row_is_chained_to_the_one_before(world, login, referred):
    first, second = _read(world, login, referred, times=2)
    assert len(first.hash) == len(second.hash) == 64
    assert second.prev_hash == first.hash
    assert second.id > first.id


@needs_two_roles
@as_both
def test_the_verification_finds_a_changed_row(world, login, referred, capsys):
    rows = list(_read(world, login, referred, times=3))
    call_command("verify_access_log")
    assert "The chain is whole." in capsys.readouterr().out
    _as_owner("ALTER TABLE cases_accesslog DISABLE TRIGGER cases_accesslog_append_only")
    _as_owner("UPDATE cases_accesslog SET ip_address = '10.9.9.9' WHERE id = %s", [rows[1].pk])
    _as_owner("ALTER TABLE cases_accesslog ENABLE TRIGGER cases_accesslog_append_only")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_access_log")
    assert f"changed: 1 rows (ids {rows[1].pk})" in capsys.readouterr().err


@needs_two_roles
@as_both
def test_the_verification_finds_a_missing_row(world, login, referred, capsys):
    rows = list(_read(world, login, referred, times=3))
    _as_owner("ALTER TABLE cases_accesslog DISABLE TRIGGER cases_accesslog_append_only")
    _as_owner("DELETE FROM cases_accesslog WHERE id = %s", [rows[1].pk])
    _as_owner("ALTER TABLE cases_accesslog ENABLE TRIGGER cases_accesslog_append_only")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_access_log")
    assert f"link broken before: 1 rows (ids {rows[2].pk})" in capsys.readouterr().err


@needs_two_roles
@as_both
def test_the_owner_may_delete_only_rows_older_than_five_years(world, referred):
    def row(days_ago):
        at = timezone.now() - dt.timedelta(days=days_ago)
        return _as_owner(
            "INSERT INTO cases_accesslog (at, user_id, municipality_id, client_id, what, unit, path, denied, "
            "prev_hash, hash) VALUES (%s, %s, %s, %s, 'old', '', '', false, '', '') RETURNING id",
            [at, world.officer.pk, world.town.pk, referred.client_id],
        )[0][0]

    old, recent = row(5 * 366 + 2), row(5 * 365 - 2)
    _as_owner("DELETE FROM cases_accesslog WHERE id = %s", [old])
    with pytest.raises(DatabaseError, match="append-only"):
        _as_owner("DELETE FROM cases_accesslog WHERE id = %s", [recent])
    assert set(AccessLog.objects.filter(what="old").values_list("id", flat=True)) == {recent}


def test_a_refused_read_of_a_case_that_exists_is_logged_as_denied(world, login, referred):
    other = f.UserFactory(municipality=world.elsewhere, role="case_officer", username="elsewhere")
    assert login(other).get(reverse("case_detail", args=[referred.pk])).status_code == 404
    entry = AccessLog.objects.get(user=other)
    assert (entry.denied, entry.client_id, entry.case_id, entry.municipality_id) == (
        True,
        referred.client_id,
        referred.pk,
        world.town.pk,
    )


def test_a_case_that_does_not_exist_leaves_no_entry(world, login):
    assert login(world.officer).get(reverse("case_detail", args=[999_999])).status_code == 404
    assert not AccessLog.objects.filter(user=world.officer).exists()
