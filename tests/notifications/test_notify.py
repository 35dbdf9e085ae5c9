"""notify: one stored row per person and thing, the sending queued only once the change has committed."""

import pytest
from django.db import IntegrityError, transaction

from notifications import services
from notifications.models import Notification


class Rollback(Exception):
    pass


def test_it_stores_one_row_per_person_keyed_by_the_person(world, notify_manager):
    ids = notify_manager(key="message:7", recipients=[world.manager, world.staff, world.manager])
    rows = list(Notification.objects.filter(pk__in=ids))
    assert sorted(r.key for r in rows) == sorted(
        [f"message:7:user:{world.manager.pk}", f"message:7:user:{world.staff.pk}"]
    )
    assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
    assert rows[0].path == "/cases/41/" and rows[0].read_at is None


def test_two_notify_calls_for_the_same_key_make_one_row(world, notify_manager):
    first = notify_manager(key="message:7")
    again = notify_manager(key="message:7")
    assert first == again
    assert Notification.objects.filter(key=f"message:7:user:{world.manager.pk}").count() == 1


def test_a_key_already_sent_is_neither_stored_nor_queued_again(world, notify_manager, mailoutbox):
    (pk,) = notify_manager(key="message:7")
    assert services.notification_send(pk) == services.SENT
    assert notify_manager(key="message:7") == []
    assert Notification.objects.count() == 1 and len(mailoutbox) == 1


def test_the_database_refuses_a_second_row_with_the_same_key(world, notify_manager):
    (pk,) = notify_manager()
    row = Notification.objects.get(pk=pk)
    row.pk = None
    with pytest.raises(IntegrityError) as err, transaction.atomic():
        row.save()
    assert "notification_key_unique" in str(err.value)


def test_nothing_is_stored_or_queued_when_the_transaction_rolls_back(
    world, notify_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(Rollback), transaction.atomic():
        notify_manager()
        raise Rollback
    assert queued == []
    assert mailoutbox == [] and not Notification.objects.exists()


def test_the_sending_is_queued_only_when_the_transaction_commits(
    world, notify_manager, mailoutbox, django_capture_on_commit_callbacks
):
    """Tasks run eagerly in the tests: a sending queued before the commit would be in the outbox here."""
    with django_capture_on_commit_callbacks(execute=True) as queued:
        (pk,) = notify_manager()
        assert mailoutbox == []
        assert Notification.objects.get(pk=pk).status == "pending"
    assert len(queued) == 1
    assert [m.to for m in mailoutbox] == [["chef@example.org"]]
    assert Notification.objects.get(pk=pk).status == "sent"
