"""The access log is kept at least five years (PDL 4 kap., HSLF-FS 2016:40): the run deletes the rows
older than that, through the owner role (the only deletion its trigger allows); the app role still
cannot delete any row, and the chain stays verifiable."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from cases.models import AccessLog
from retention.models import RetentionRecord
from retention.services import retention_run

from ..cases.test_access_log_chain import needs_two_roles

as_both = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def _as_owner(statement, params=()):
    with connections["owner"].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def log_row(world, referred):
    def _row(at):
        return _as_owner(
            "INSERT INTO cases_accesslog (at, user_id, municipality_id, client_id, what, unit, path, denied, "
            "prev_hash, hash) VALUES (%s, %s, %s, %s, 'old', '', '', false, '', '') RETURNING id",
            [at, world.officer.pk, world.town.pk, referred.client_id],
        )[0][0]

    return _row


@needs_two_roles
@as_both
def test_rows_older_than_five_years_are_deleted_through_the_owner(log_row, capsys):
    today = timezone.localdate()
    cutoff = timezone.make_aware(
        dt.datetime.combine(dt.date(today.year - 5, today.month, min(today.day, 28)), dt.time())
    )
    oldest, old = log_row(cutoff - dt.timedelta(days=400)), log_row(cutoff - dt.timedelta(days=2))
    kept = log_row(cutoff + dt.timedelta(days=2))
    result = retention_run(today=today)
    assert result.access_log_rows == 2
    assert set(AccessLog.objects.filter(what="old").values_list("id", flat=True)) == {kept}
    record = RetentionRecord.objects.get(kind="cases.accesslog")
    assert (record.record_id, record.count, record.action) == (old, 2, "deleted")
    assert oldest < old
    call_command("verify_access_log")
    assert "The chain is whole." in capsys.readouterr().out
    # A second run finds nothing more to delete.
    assert retention_run(today=today).access_log_rows == 0


@needs_two_roles
@as_both
def test_the_app_role_still_cannot_delete_from_the_log(log_row):
    old = log_row(timezone.now() - dt.timedelta(days=5 * 366 + 2))
    with pytest.raises(DatabaseError), transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("DELETE FROM cases_accesslog WHERE id = %s", [old])
    assert AccessLog.objects.filter(pk=old).exists()


@needs_two_roles
@as_both
def test_the_dry_run_counts_the_old_rows_and_deletes_none(log_row, capsys):
    old = log_row(timezone.now() - dt.timedelta(days=5 * 366 + 2))
    call_command("run_retention", "--dry-run")
    assert "Access log rows older than five years: 1." in capsys.readouterr().out
    assert AccessLog.objects.filter(pk=old).exists()
