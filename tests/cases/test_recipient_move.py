"""The hemtjänst directory moved from handover/ to cases/ (issue 8) without losing a row: a database
migrated on the old migrations, with units, members, history and clients' free-text providers, keeps them
all after the new migrations, and the free text that names a unit exactly becomes a link."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("cases", "0004_outcome_measures"), ("handover", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def old_apps(as_owner):
    """The migration state before the move; the database is always brought back to the newest after."""
    try:
        yield _migrate(BEFORE).loader.project_state(BEFORE).apps
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()


def test_it_keeps_the_directory_its_members_and_history_and_links_exact_names(old_apps):
    old = old_apps
    town = old.get_model("cases", "Municipality").objects.create(name="Gammelby", code="9990")
    coordinator = old.get_model("cases", "User").objects.create(username="koord", role="coordinator", municipality=town)
    OldRecipient = old.get_model("handover", "Recipient")
    group = OldRecipient.objects.create(municipality=town, kind="group", name="Hemtjänst Centrum", provider="AB")
    patrol = OldRecipient.objects.create(municipality=town, kind="night_patrol", name="Nattpatrullen", provider="N")
    group.members.add(coordinator)
    history = old.get_model("handover", "HistoricalRecipient").objects.create(
        id=group.pk,
        kind="group",
        name="Hemtjänst Centrum",
        provider="AB",
        active=True,
        municipality_id=town.pk,
        history_date=timezone.now(),
        history_type="+",
        history_user=coordinator,
    )
    old.get_model("handover", "HistoricalRecipient_members").objects.create(
        id=1, history=history, user_id=coordinator.pk, recipient_id=group.pk
    )
    OldClient = old.get_model("cases", "Client")
    common = {"municipality": town, "id_kind": "personnummer", "first_name": "A", "last_name": "B"}
    exact = OldClient.objects.create(
        personal_number="194001019999", hemtjanst_group="Hemtjänst Centrum", night_service="Nattpatrullen", **common
    )
    misspelt = OldClient.objects.create(personal_number="194001029998", hemtjanst_group="Hemtjänst centrum", **common)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    from cases.models import Client, Recipient

    moved = Recipient.objects.get(pk=group.pk)
    assert (moved.name, moved.provider, moved.municipality_id) == ("Hemtjänst Centrum", "AB", town.pk)
    assert list(moved.members.values_list("pk", flat=True)) == [coordinator.pk]
    assert Recipient.objects.filter(pk=patrol.pk, kind="night_patrol").exists()
    record = moved.history.get()
    assert record.history_user_id == coordinator.pk
    assert [m.user_id for m in record.members.all()] == [coordinator.pk]
    linked = Client.objects.get(pk=exact.pk)
    assert (linked.hemtjanst_group_unit_id, linked.hemtjanst_group) == (group.pk, "")
    assert (linked.night_service_unit_id, linked.night_service) == (patrol.pk, "")
    left = Client.objects.get(pk=misspelt.pk)
    assert (left.hemtjanst_group_unit_id, left.hemtjanst_group) == (None, "Hemtjänst centrum")
    # handover's foreign keys point at the moved table, and the admin permissions moved with the model.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = 'handover_caserecipient'::regclass AND contype = 'f'"
        )
        assert "cases_recipient" in {row[0] for row in cursor.fetchall()}
    assert ContentType.objects.get_for_model(Recipient).app_label == "cases"
    assert not ContentType.objects.filter(app_label="handover", model="recipient").exists()
