"""The outcome measures moved from cases/ to measures/ (issue 9) without losing a row: a database migrated
on the old migrations, with a rating of each measure and its history, keeps them all after the new
migrations and finds them through the new models, in the same tables, with the same constraints."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_CASES = ("cases", "0011_case_events")
BEFORE = [BEFORE_CASES, ("measures", None)]  # measures/ not yet there, cases/ still owning the models

MOVED = ("safetyrating", "katzassessment", "copmgoal", "ibicrating")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _newest():
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.fixture
def old_apps(as_owner):
    """The migration state before the move; the database is always brought back to the newest after."""
    try:
        yield _migrate(BEFORE).loader.project_state([BEFORE_CASES]).apps
    finally:
        _newest()


def _old_world(old):
    town = old.get_model("cases", "Municipality").objects.create(name="Gammelby", code="9990")
    staff = old.get_model("cases", "User").objects.create(username="officer", role="case_officer", municipality=town)
    client = old.get_model("cases", "Client").objects.create(
        municipality=town, id_kind="personnummer", personal_number="194001019999", first_name="A", last_name="B"
    )
    case = old.get_model("cases", "Case").objects.create(municipality=town, client=client, registered_by=staff)
    return staff, case


def _with_history(old, name, row, actor, **values):
    """The row and its creation in the history table, as simple-history writes it."""
    history = old.get_model("cases", f"Historical{name}").objects.create(
        id=row.pk,
        history_date=timezone.now(),
        history_type="+",
        history_user=actor,
        case_id=row.case_id,
        recorded_by_id=row.recorded_by_id,
        recorded_at=row.recorded_at,
        **values,
    )
    return row, history


def test_it_keeps_every_measure_and_its_history_in_the_same_tables(old_apps):
    old = old_apps
    staff, case = _old_world(old)
    who = {"case": case, "recorded_by": staff}
    katz_answers = dict(bathing=False, dressing=True, toileting=True, transfer=True, continence=True, feeding=True)
    copm_values = dict(priority=1, problem="Duscha själv", performance_start=3, satisfaction_start=4)
    safety, safety_history = _with_history(
        old,
        "SafetyRating",
        old.get_model("cases", "SafetyRating").objects.create(phase="start", score=3, **who),
        staff,
        phase="start",
        score=3,
    )
    katz, katz_history = _with_history(
        old,
        "KatzAssessment",
        old.get_model("cases", "KatzAssessment").objects.create(phase="start", **katz_answers, **who),
        staff,
        phase="start",
        **katz_answers,
    )
    goal, goal_history = _with_history(
        old, "CopmGoal", old.get_model("cases", "CopmGoal").objects.create(**copm_values, **who), staff, **copm_values
    )
    ibic, ibic_history = _with_history(
        old,
        "IbicRating",
        old.get_model("cases", "IbicRating").objects.create(area="d4", phase="start", level=3, **who),
        staff,
        area="d4",
        phase="start",
        level=3,
    )
    old_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="cases", model="katzassessment")
    old_permission = old.get_model("auth", "Permission").objects.get(
        content_type=old_type, codename="change_katzassessment"
    )

    _newest()

    from cases.models import Case
    from measures import selectors
    from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating
    from measures.rules import KatzGrade

    moved_katz = KatzAssessment.objects.get(pk=katz.pk)
    assert (moved_katz.case_id, moved_katz.recorded_by_id, moved_katz.grade) == (case.pk, staff.pk, KatzGrade.B)
    assert SafetyRating.objects.get(pk=safety.pk).score == 3
    assert CopmGoal.objects.get(pk=goal.pk).problem == "Duscha själv"
    assert IbicRating.objects.get(pk=ibic.pk).level == 3
    for model, history in (
        (SafetyRating, safety_history),
        (KatzAssessment, katz_history),
        (CopmGoal, goal_history),
        (IbicRating, ibic_history),
    ):
        record = model.history.get()
        assert (record.history_id, record.history_user_id) == (history.history_id, staff.pk)
    summary = selectors.case_measures_summary(Case.objects.get(pk=case.pk))
    assert summary["safety"].start.score == 3 and summary["katz"].start.grade == KatzGrade.B
    # The same tables: nothing was copied or renamed, and no measures_ table was created.
    assert [m._meta.db_table for m in (SafetyRating, KatzAssessment, CopmGoal, IbicRating)] == [
        f"cases_{name}" for name in MOVED
    ]
    assert SafetyRating.history.model._meta.db_table == "cases_historicalsafetyrating"
    assert not {t for t in connection.introspection.table_names() if t.startswith("measures_")}
    # The constraints are the database's own still, under their names.
    with pytest.raises(IntegrityError, match="safety_one_per_case_phase"), transaction.atomic():
        SafetyRating.objects.create(case_id=case.pk, phase="start", score=5, recorded_by_id=staff.pk)
    # The admin permissions moved with the content type: a permission given before is the same row.
    assert ContentType.objects.get_for_model(KatzAssessment).app_label == "measures"
    assert not ContentType.objects.filter(app_label="cases", model__in=MOVED).exists()
    assert Permission.objects.get(codename="change_katzassessment").pk == old_permission.pk
