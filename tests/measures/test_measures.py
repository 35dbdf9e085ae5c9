"""Outcome measures: the Katz grade, COPM scores, IBIC changes, the services' refusals and who may record."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases import services as case_services
from cases.models import Role
from hemgang.errors import DomainError, DomainValidationError
from measures import rules, selectors, services
from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating
from measures.rules import KatzGrade, katz_grade

from .. import factories as f

ACTIVITIES = ("bathing", "dressing", "toileting", "transfer", "continence", "feeding")


def _katz(*dependent: str) -> dict[str, bool]:
    """The six answers with the named activities dependent (False) and the rest independent (True)."""
    return {name: name not in dependent for name in ACTIVITIES}


@pytest.fixture
def therapist(world):
    return f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="at", team=world.team)


# --- Katz ADL --------------------------------------------------------------------------------------


def test_it_grades_a_client_independent_in_everything_a():
    assert katz_grade(**_katz()) == KatzGrade.A


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_it_grades_dependence_in_any_one_activity_b(activity):
    assert katz_grade(**_katz(activity)) == KatzGrade.B


@pytest.mark.parametrize("other", ACTIVITIES[1:])
def test_it_grades_bathing_and_one_more_c(other):
    assert katz_grade(**_katz("bathing", other)) == KatzGrade.C


@pytest.mark.parametrize("other", ACTIVITIES[2:])
def test_it_grades_bathing_dressing_and_one_more_d(other):
    assert katz_grade(**_katz("bathing", "dressing", other)) == KatzGrade.D


@pytest.mark.parametrize("other", ACTIVITIES[3:])
def test_it_grades_bathing_dressing_toileting_and_one_more_e(other):
    assert katz_grade(**_katz("bathing", "dressing", "toileting", other)) == KatzGrade.E


@pytest.mark.parametrize("other", ACTIVITIES[4:])
def test_it_grades_bathing_dressing_toileting_transfer_and_one_more_f(other):
    assert katz_grade(**_katz("bathing", "dressing", "toileting", "transfer", other)) == KatzGrade.F


def test_it_grades_dependence_in_all_six_g():
    assert katz_grade(**_katz(*ACTIVITIES)) == KatzGrade.G


@pytest.mark.parametrize(
    "dependent",
    [
        ("dressing", "feeding"),  # two, but not bathing
        ("toileting", "transfer"),
        ("bathing", "toileting", "transfer"),  # three, but not dressing
        ("dressing", "toileting", "transfer", "continence"),  # four, not bathing
        ("bathing", "dressing", "transfer", "continence"),  # four, not toileting
        ("bathing", "dressing", "toileting", "continence", "feeding"),  # five, not transfer
        ("dressing", "toileting", "transfer", "continence", "feeding"),  # five, independent only in bathing
    ],
)
def test_it_calls_other_patterns_not_classifiable(dependent):
    assert katz_grade(**_katz(*dependent)) == KatzGrade.NOT_CLASSIFIABLE


def test_it_computes_the_grade_of_an_assessment_from_its_answers():
    assessment = KatzAssessment(**_katz("bathing", "dressing"))
    assert assessment.grade == KatzGrade.C
    assert assessment.independent_count == 4


# --- COPM ------------------------------------------------------------------------------------------


def test_it_scores_copm_as_the_mean_over_the_goals():
    assert rules.copm_score([4, 5, 7]) == Fraction(16, 3)
    assert rules.one_decimal(Fraction(16, 3)) == Decimal("5.3")
    assert rules.copm_score([]) is None


@pytest.mark.parametrize(
    ("start", "end", "significant"),
    [(Fraction(4), Fraction(6), True), (Fraction(6), Fraction(4), True), (Fraction(4), Fraction(29, 5), False)],
)
def test_it_calls_a_change_of_two_points_clinically_significant(start, end, significant):
    assert rules.copm_change_is_significant(start, end) is significant


# --- the services ----------------------------------------------------------------------------------


def test_it_records_safety_and_updates_it_when_recorded_again(world, active):
    services.safety_record(actor=world.staff, case=active, phase="start", score=3)
    rating = services.safety_record(actor=world.manager, case=active, phase="start", score=4)
    assert SafetyRating.objects.get(case=active, phase="start") == rating
    assert rating.score == 4
    assert rating.recorded_by == world.manager
    assert [h.score for h in rating.history.order_by("history_date")] == [3, 4]
    assert rating.history.first().history_user == world.manager


@pytest.mark.parametrize("score", [-1, 11, "5", True, None])
def test_it_refuses_safety_out_of_range_and_saves_nothing(world, active, score):
    with pytest.raises(DomainValidationError) as err:
        services.safety_record(actor=world.staff, case=active, phase="start", score=score)
    assert (err.value.code, err.value.field) == ("out_of_range", "score")
    assert not SafetyRating.objects.exists()


def test_it_refuses_an_unknown_point_in_time(world, active):
    with pytest.raises(DomainValidationError):
        services.safety_record(actor=world.staff, case=active, phase="follow_up", score=5)


def test_the_database_refuses_a_safety_rating_out_of_range(world, active):
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyRating.objects.create(case=active, phase="end", score=11, recorded_by=world.staff)


def test_the_database_refuses_a_second_rating_for_the_same_point(world, active):
    SafetyRating.objects.create(case=active, phase="end", score=5, recorded_by=world.staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyRating.objects.create(case=active, phase="end", score=6, recorded_by=world.staff)


def test_it_records_katz_and_computes_the_grade(world, active):
    assessment = services.katz_record(actor=world.staff, case=active, phase="start", **_katz("bathing"))
    assert assessment.grade == KatzGrade.B
    again = services.katz_record(actor=world.staff, case=active, phase="start", **_katz())
    assert again.pk == assessment.pk and again.grade == KatzGrade.A
    assert again.history.count() == 2


@pytest.mark.parametrize("feeding", [None, "yes", 1])
def test_it_refuses_a_katz_answer_that_is_not_independent_or_dependent(world, active, feeding):
    answers = _katz() | {"feeding": feeding}
    with pytest.raises(DomainValidationError) as err:
        services.katz_record(actor=world.staff, case=active, phase="start", **answers)
    assert (err.value.code, err.value.field) == ("out_of_range", "feeding")
    assert not KatzAssessment.objects.exists()


def test_it_numbers_copm_goals_in_order_and_takes_at_most_five(world, active, therapist):
    for n in range(5):
        services.copm_goal_add(
            actor=therapist, case=active, problem=f"Mål {n}", performance_start=3, satisfaction_start=4
        )
    assert list(CopmGoal.objects.filter(case=active).values_list("priority", flat=True)) == [1, 2, 3, 4, 5]
    with pytest.raises(DomainValidationError) as err:
        services.copm_goal_add(actor=therapist, case=active, problem="Mål 6", performance_start=3, satisfaction_start=4)
    assert err.value.code == "copm_full"
    assert CopmGoal.objects.count() == 5


@pytest.mark.parametrize(
    ("performance", "satisfaction", "field"), [(0, 5, "performance_start"), (5, 11, "satisfaction_start")]
)
def test_it_refuses_copm_ratings_out_of_range_and_saves_nothing(
    world, active, therapist, performance, satisfaction, field
):
    with pytest.raises(DomainValidationError) as err:
        services.copm_goal_add(
            actor=therapist,
            case=active,
            problem="Gå till affären",
            performance_start=performance,
            satisfaction_start=satisfaction,
        )
    assert (err.value.code, err.value.field) == ("out_of_range", field)
    assert not CopmGoal.objects.exists()


def test_it_rates_a_copm_goal_at_the_end_and_refuses_half_a_rating(world, active, therapist):
    goal = services.copm_goal_add(
        actor=therapist, case=active, problem="Duscha själv", performance_start=3, satisfaction_start=2
    )
    fields = {"problem": "Duscha själv", "performance_start": 3, "satisfaction_start": 2}
    with pytest.raises(DomainValidationError) as err:
        services.copm_goal_update(actor=therapist, goal=goal, performance_end=7, **fields)
    assert err.value.code == "copm_end_incomplete"
    with pytest.raises(DomainValidationError):
        services.copm_goal_update(actor=therapist, goal=goal, performance_end=7, satisfaction_end=12, **fields)
    goal.refresh_from_db()
    assert goal.performance_end is None
    services.copm_goal_update(actor=therapist, goal=goal, performance_end=7, satisfaction_end=8, **fields)
    goal.refresh_from_db()
    assert (goal.performance_change, goal.satisfaction_change) == (4, 6)


def test_the_database_refuses_a_sixth_copm_priority_and_half_an_end_rating(world, active, therapist):
    base = {"case": active, "problem": "x", "performance_start": 3, "satisfaction_start": 3, "recorded_by": therapist}
    with pytest.raises(IntegrityError), transaction.atomic():
        CopmGoal.objects.create(priority=6, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        CopmGoal.objects.create(priority=1, performance_end=5, **base)


def test_it_records_ibic_needs_and_removes_a_rating_left_empty(world, active):
    services.ibic_record(actor=world.staff, case=active, ratings={("d4", "start"): 3, ("d5", "start"): 2})
    services.ibic_record(
        actor=world.staff, case=active, ratings={("d4", "follow_up"): 1, ("d5", "start"): None, ("d4", "start"): 3}
    )
    levels = selectors.ibic_levels(active)
    assert levels == {("d4", "start"): 3, ("d4", "follow_up"): 1}
    assert IbicRating.history.filter(area="d5", history_type="-").get().history_user == world.staff


@pytest.mark.parametrize("level", [5, 7, -1, 10])
def test_it_refuses_an_ibic_rating_out_of_range_and_saves_none_of_the_ratings(world, active, level):
    with pytest.raises(DomainValidationError) as err:
        services.ibic_record(
            actor=world.staff, case=active, ratings={("d4", "start"): 2, ("d5", "start"): level, ("d6", "start"): 1}
        )
    assert (err.value.code, err.value.field) == ("out_of_range", "d5_start")
    assert not IbicRating.objects.exists()


def test_the_database_refuses_an_ibic_level_out_of_range(world, active):
    with pytest.raises(IntegrityError), transaction.atomic():
        IbicRating.objects.create(case=active, area="d4", phase="start", level=5, recorded_by=world.staff)


def test_it_refuses_measures_on_a_closed_case(world, active):
    case_services.case_withdraw(actor=world.officer, case=active, reason="Brukaren tackar nej")
    with pytest.raises(DomainError) as err:
        services.safety_record(actor=world.staff, case=active, phase="end", score=7)
    assert err.value.code == "case_not_open"
    assert not SafetyRating.objects.exists()


# --- the summary -----------------------------------------------------------------------------------


def test_the_summary_gives_start_end_and_change_of_every_measure(world, active, therapist):
    services.safety_record(actor=world.staff, case=active, phase="start", score=3)
    services.safety_record(actor=world.staff, case=active, phase="end", score=8)
    services.katz_record(actor=world.staff, case=active, phase="start", **_katz("bathing", "dressing", "feeding"))
    services.katz_record(actor=world.staff, case=active, phase="end", **_katz("bathing"))
    for problem, perf, sat in (("Duscha", 2, 3), ("Laga mat", 4, 4)):
        services.copm_goal_add(
            actor=therapist, case=active, problem=problem, performance_start=perf, satisfaction_start=sat
        )
    services.ibic_record(
        actor=world.staff,
        case=active,
        ratings={("d4", "start"): 3, ("d4", "follow_up"): 1, ("d6", "start"): 2, ("d6", "follow_up"): 8},
    )

    summary = selectors.case_measures_summary(active)

    assert (summary["safety"].start.score, summary["safety"].end.score, summary["safety"].change) == (3, 8, 5)
    assert summary["safety"].improved is True
    assert (summary["katz"].start.grade, summary["katz"].end.grade) == (KatzGrade.D, KatzGrade.B)
    assert summary["katz"].change == 2
    assert summary["katz"].start.recorded_by.display_name == world.staff.display_name
    assert [g.priority for g in summary["copm_goals"]] == [1, 2]
    assert summary["copm_performance"].start == Decimal("3.0")
    assert summary["copm_performance"].end is None  # not every goal is rated at the end yet
    ibic = {row.area: row.compared for row in summary["ibic"]}
    assert (ibic["d4"].start.level, ibic["d4"].end.level, ibic["d4"].change) == (3, 1, -2)
    assert ibic["d4"].improved is True  # fewer difficulties
    assert ibic["d6"].change is None  # 8 (not specified) is no degree
    assert ibic["d1"].start is None and ibic["d1"].change is None
    assert not summary["is_empty"]


def test_the_summary_scores_copm_once_every_goal_is_rated_at_the_end(world, active, therapist):
    goals = [
        services.copm_goal_add(actor=therapist, case=active, problem=p, performance_start=3, satisfaction_start=4)
        for p in ("Duscha", "Handla")
    ]
    for goal, (perf, sat) in zip(goals, ((6, 5), (4, 5)), strict=True):
        services.copm_goal_update(
            actor=therapist,
            goal=goal,
            problem=goal.problem,
            performance_start=3,
            satisfaction_start=4,
            performance_end=perf,
            satisfaction_end=sat,
        )
    summary = selectors.case_measures_summary(active)
    performance, satisfaction = summary["copm_performance"], summary["copm_satisfaction"]
    assert (performance.start, performance.end, performance.change) == (Decimal("3.0"), Decimal("5.0"), Decimal("2.0"))
    assert performance.significant is True
    assert (satisfaction.change, satisfaction.significant) == (Decimal("1.0"), False)


def test_the_summary_of_a_case_without_measures_is_empty(world, decided):
    summary = selectors.case_measures_summary(decided)
    assert summary["is_empty"]
    assert summary["safety"].start is None and summary["safety"].change is None
    assert len(summary["ibic"]) == 10


# --- who may record --------------------------------------------------------------------------------


def test_staff_of_the_case_team_may_record_but_only_a_therapist_sets_copm_goals(world, active, therapist):
    assert world.staff.has_perm("measures.record_measures", active)
    assert not world.staff.has_perm("measures.set_copm_goals", active)
    assert therapist.has_perm("measures.set_copm_goals", active)


def test_the_case_officer_can_view_but_not_record_measures(world, login, active):
    assert world.officer.has_perm("measures.view_measures", active)
    assert not world.officer.has_perm("measures.record_measures", active)
    http = login(world.officer)
    assert http.get(reverse("case_measures", args=[active.pk])).status_code == 200
    assert http.get(reverse("measure_safety", args=[active.pk, "start"])).status_code == 404
    assert http.post(reverse("measure_safety", args=[active.pk, "start"]), {"score": "5"}).status_code == 404
    assert not SafetyRating.objects.exists()


def test_staff_of_the_case_team_record_from_the_page(world, login, active):
    response = login(world.staff).post(reverse("measure_safety", args=[active.pk, "start"]), {"score": "6"})
    assert response.status_code == 302
    assert SafetyRating.objects.get(case=active).recorded_by == world.staff


def test_staff_of_another_team_get_404(world, login, active):
    http = login(world.other_staff)
    for url in (
        reverse("case_measures", args=[active.pk]),
        reverse("measure_safety", args=[active.pk, "start"]),
        reverse("measure_katz", args=[active.pk, "start"]),
        reverse("measure_ibic", args=[active.pk]),
        reverse("copm_goal_new", args=[active.pk]),
    ):
        assert http.get(url).status_code == 404, url
    assert http.post(reverse("measure_safety", args=[active.pk, "start"]), {"score": "6"}).status_code == 404
    assert not SafetyRating.objects.exists()


def test_an_assistant_nurse_cannot_set_copm_goals_but_an_occupational_therapist_can(world, login, active, therapist):
    data = {"problem": "Gå till brevlådan", "performance_start": "3", "satisfaction_start": "2"}
    url = reverse("copm_goal_new", args=[active.pk])
    assert login(world.staff).post(url, data).status_code == 404
    assert not CopmGoal.objects.exists()
    assert login(therapist).post(url, data).status_code == 302
    assert CopmGoal.objects.get().recorded_by == therapist


def test_a_physiotherapist_can_set_copm_goals_too(world, active):
    physio = f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="ft", team=world.team)
    assert physio.has_perm("measures.set_copm_goals", active)


def test_nobody_records_on_a_closed_case_from_the_page(world, login, active):
    case_services.case_withdraw(actor=world.officer, case=active, reason="Åter till sjukhus")
    http = login(world.staff)
    assert http.get(reverse("measure_safety", args=[active.pk, "end"])).status_code == 404
    assert http.get(reverse("case_measures", args=[active.pk])).status_code == 200
