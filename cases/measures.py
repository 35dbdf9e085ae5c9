"""Outcome measures (SKL 2017, "Steg 2"): experienced safety, Katz ADL, COPM goals, IBIC needs.

The rules of each instrument (`katz_grade`, `copm_score`), the services that record a measure and the
selector the case page, the measures page and the API read with (`case_measures_summary`).

Every service locks the case row first, so two people recording the same measure at once are serialised;
it refuses a value out of range before anything is written, and the database constraints are the last word.
Re-recording the same point of the support updates the row; simple-history keeps the earlier value and who
recorded it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models, transaction
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as

from .models import (
    Case,
    CopmGoal,
    IbicPhase,
    IbicRating,
    IcfLevel,
    KatzAssessment,
    LifeArea,
    MeasurePhase,
    SafetyRating,
    User,
)
from .models.measures import (
    COPM_MAX,
    COPM_MAX_GOALS,
    COPM_MIN,
    KATZ_ACTIVITIES,
    SAFETY_MAX,
    SAFETY_MIN,
)

# --- Katz ADL ---------------------------------------------------------------------------------------


class KatzGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"
    NOT_CLASSIFIABLE = "not_classifiable", _("Not classifiable")


def katz_grade(
    *, bathing: bool, dressing: bool, toileting: bool, transfer: bool, continence: bool, feeding: bool
) -> KatzGrade:
    """The Katz ADL index grade from the six activities (True = independent), as in Socialstyrelsen's
    Metodguiden för socialt arbete ("Katz ADL-index"):

    A independent in all six; B dependent in exactly one (any one); C dependent in bathing and exactly one
    more; D in bathing, dressing and one more; E in bathing, dressing, toileting and one more; F in bathing,
    dressing, toileting, transfer and one more; G dependent in all six. Any other pattern (say dependent in
    dressing and feeding but not bathing) is *ej klassificerbar*.

    The index is a hierarchy: function is lost in the order bathing → dressing → toileting → transfer →
    continence → feeding, so C–F mean "dependent in the first k−1 activities of that order plus one more".
    """
    answers = (bathing, dressing, toileting, transfer, continence, feeding)  # in the order of KATZ_ACTIVITIES
    dependent = {name for name, independent in zip(KATZ_ACTIVITIES, answers, strict=True) if not independent}
    count = len(dependent)
    if count == 0:
        return KatzGrade.A
    if count == 1:
        return KatzGrade.B
    if count == len(KATZ_ACTIVITIES):
        return KatzGrade.G
    # 2 → C (bathing + one), 3 → D (bathing, dressing + one), … 5 → F.
    if set(KATZ_ACTIVITIES[: count - 1]) <= dependent:
        return KatzGrade("CDEF"[count - 2])
    return KatzGrade.NOT_CLASSIFIABLE


# --- COPM -------------------------------------------------------------------------------------------

COPM_SIGNIFICANT_CHANGE = 2  # COPM: a change of two points or more is clinically significant


def copm_score(values: Iterable[int]) -> Fraction | None:
    """The COPM score: the mean of the ratings over the client's goals (None when there are none).

    Kept exact, so that "a change of 2 points or more" is decided on the true value, not on a rounded one.
    """
    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


def one_decimal(value: Fraction | None) -> Decimal | None:
    """COPM scores are reported with one decimal."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def copm_change_is_significant(start: Fraction | None, end: Fraction | None) -> bool:
    """Two points or more, either way: a worsening of two points matters as much as a gain."""
    return start is not None and end is not None and abs(end - start) >= COPM_SIGNIFICANT_CHANGE


# --- the services -----------------------------------------------------------------------------------


def _open_case(case_id: int) -> Case:
    """Lock the case: measures of one case are written one at a time. Only an open case takes measures."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if not case.is_open:
        raise DomainError(_("Measures can only be recorded while the case is open."), code="case_not_open")
    return case


def _check_choice(value, choices, field: str) -> None:
    if value not in choices.values:
        raise DomainValidationError(_("Choose one of the given points in time."), code="unknown_phase", field=field)


def _check_range(value, low: int, high: int, *, field: str, message) -> None:
    """Whole numbers only: a bool is an int to Python, but True is no rating."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainValidationError(message % {"min": low, "max": high}, code="out_of_range", field=field)


def _upsert(model, actor, *, lookup: dict, values: dict):
    """Create the row for `lookup`, or update it and keep the earlier value in its history."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return save_as(model(**lookup, **values, recorded_by=actor), actor)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    row.recorded_by, row.recorded_at = actor, timezone.now()
    return save_as(row, actor, update_fields=[*changed, "recorded_by", "recorded_at"])


@transaction.atomic
def safety_record(*, actor, case: Case, phase: str, score: int) -> SafetyRating:
    """Upplevd trygghet at the start or the end of the support, as the client rates it (0–10)."""
    _check_choice(phase, MeasurePhase, "phase")
    _check_range(
        score,
        SAFETY_MIN,
        SAFETY_MAX,
        field="score",
        message=_("Experienced safety is rated from %(min)s to %(max)s."),
    )
    case = _open_case(case.pk)
    return _upsert(SafetyRating, actor, lookup={"case": case, "phase": phase}, values={"score": score})


@transaction.atomic
def katz_record(*, actor, case: Case, phase: str, **activities) -> KatzAssessment:
    """Katz ADL at the start or the end: the six activities, each independent (True) or dependent (False).

    All six must be answered; the grade follows from them and is never typed.
    """
    _check_choice(phase, MeasurePhase, "phase")
    unknown = set(activities) - set(KATZ_ACTIVITIES)
    if unknown:
        raise DomainValidationError(_("Katz ADL has no such activity."), code="unknown_activity")
    for name in KATZ_ACTIVITIES:
        if not isinstance(activities.get(name), bool):
            raise DomainValidationError(
                _("Answer independent or dependent for every activity."), code="out_of_range", field=name
            )
    case = _open_case(case.pk)
    return _upsert(KatzAssessment, actor, lookup={"case": case, "phase": phase}, values=activities)


def _check_copm_pair(performance, satisfaction, *, fields: tuple[str, str]) -> None:
    message = _("COPM performance and satisfaction are rated from %(min)s to %(max)s.")
    _check_range(performance, COPM_MIN, COPM_MAX, field=fields[0], message=message)
    _check_range(satisfaction, COPM_MIN, COPM_MAX, field=fields[1], message=message)


@transaction.atomic
def copm_goal_add(*, actor, case: Case, problem: str, performance_start: int, satisfaction_start: int) -> CopmGoal:
    """A goal the client prioritised with the occupational therapist or physiotherapist, rated at start.

    Goals are numbered in the order the client prioritises them (1 the most important); COPM takes at
    most five.
    """
    if not (problem or "").strip():
        raise DomainValidationError(_("Write the goal."), code="required", field="problem")
    _check_copm_pair(performance_start, satisfaction_start, fields=("performance_start", "satisfaction_start"))
    case = _open_case(case.pk)
    taken = set(CopmGoal.objects.filter(case=case).values_list("priority", flat=True))
    free = [p for p in range(1, COPM_MAX_GOALS + 1) if p not in taken]
    if not free:
        raise DomainValidationError(
            _("COPM takes at most %(max)s goals.") % {"max": COPM_MAX_GOALS}, code="copm_full", field="problem"
        )
    goal = CopmGoal(
        case=case,
        priority=free[0],
        problem=problem.strip(),
        performance_start=performance_start,
        satisfaction_start=satisfaction_start,
        recorded_by=actor,
    )
    return save_as(goal, actor)


@transaction.atomic
def copm_goal_update(
    *,
    actor,
    goal: CopmGoal,
    problem: str,
    performance_start: int,
    satisfaction_start: int,
    performance_end: int | None = None,
    satisfaction_end: int | None = None,
) -> CopmGoal:
    """Correct a goal, or rate it at the end. Both end ratings are given together or not at all: a
    goal rated only for performance would give a COPM score that means nothing."""
    if not (problem or "").strip():
        raise DomainValidationError(_("Write the goal."), code="required", field="problem")
    _check_copm_pair(performance_start, satisfaction_start, fields=("performance_start", "satisfaction_start"))
    if (performance_end is None) != (satisfaction_end is None):
        field = "satisfaction_end" if performance_end is not None else "performance_end"
        raise DomainValidationError(
            _("Rate both performance and satisfaction at the end, or neither."), code="copm_end_incomplete", field=field
        )
    if performance_end is not None:
        _check_copm_pair(performance_end, satisfaction_end, fields=("performance_end", "satisfaction_end"))
    _open_case(goal.case_id)
    return _upsert(
        CopmGoal,
        actor,
        lookup={"pk": goal.pk},
        values={
            "problem": problem.strip(),
            "performance_start": performance_start,
            "satisfaction_start": satisfaction_start,
            "performance_end": performance_end,
            "satisfaction_end": satisfaction_end,
        },
    )


@transaction.atomic
def ibic_record(*, actor, case: Case, ratings: dict[tuple[str, str], int | None]) -> None:
    """The needs per IBIC life area, at the start and at the follow-up meeting, on the ICF scale.

    `ratings` maps (area, phase) to a level, or to None to remove a rating given by mistake (its history
    stays). Every value is checked before the first is written: all or nothing.
    """
    for (area, phase), level in ratings.items():
        if area not in LifeArea.values:
            raise DomainValidationError(_("IBIC has no such life area."), code="unknown_area")
        _check_choice(phase, IbicPhase, f"{area}_{phase}")
        if level is not None and (isinstance(level, bool) or level not in IcfLevel.values):
            raise DomainValidationError(
                _("Rate the need 0–4, or 8 (not specified) or 9 (not applicable)."),
                code="out_of_range",
                field=f"{area}_{phase}",
            )
    case = _open_case(case.pk)
    existing = {(r.area, r.phase): r for r in IbicRating.objects.filter(case=case)}
    for (area, phase), level in ratings.items():
        if level is None:
            row = existing.get((area, phase))
            if row is not None:
                delete_as(row, actor)
            continue
        _upsert(IbicRating, actor, lookup={"case": case, "area": area, "phase": phase}, values={"level": level})


# --- the selector -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartEnd:
    """A measure at two points of the support and the change between them (None unless both exist)."""

    start: object = None
    end: object = None
    change: int | Decimal | None = None
    higher_is_better: bool = True

    @property
    def improved(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == self.higher_is_better


@dataclass(frozen=True)
class CopmScore(StartEnd):
    significant: bool = False


@dataclass(frozen=True)
class IbicRow:
    area: str
    label: str
    compared: StartEnd


def _json_rows(model, *, order_by: tuple[str, ...] = ()) -> ArraySubquery:
    """The case's rows of `model` as an array of JSON objects, each with who recorded it."""
    shape = {f.attname: f.attname for f in model._meta.concrete_fields} | {
        "recorded_by_first_name": "recorded_by__first_name",
        "recorded_by_last_name": "recorded_by__last_name",
        "recorded_by_email": "recorded_by__email",
        "recorded_by_role": "recorded_by__role",
    }
    rows = model.objects.filter(case_id=OuterRef("pk")).order_by(*order_by).values(json=JSONObject(**shape))
    return ArraySubquery(rows)


def _instances(model, case: Case, rows: list[dict] | None) -> list:
    """The JSON rows made into model instances again (`from_db`, as a queryset would), with their case and
    recorder attached: templates and serializers use them without another query."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    instances = []
    for row in rows or []:
        obj = model.from_db(Case.objects.db, names, [f.to_python(row[f.attname]) for f in fields])
        obj.case = case
        obj.recorded_by = User(
            pk=obj.recorded_by_id,
            first_name=row["recorded_by_first_name"],
            last_name=row["recorded_by_last_name"],
            email=row["recorded_by_email"],
            role=row["recorded_by_role"],
        )
        instances.append(obj)
    return instances


def _copm_score(goals: list[CopmGoal], start_field: str, end_field: str) -> CopmScore:
    """Start over all goals; end only once every goal is rated at the end, so both means cover the same
    goals (the COPM reassessment rates the same problems)."""
    start = copm_score(getattr(g, start_field) for g in goals)
    end = copm_score(getattr(g, end_field) for g in goals) if goals and all(g.is_rated_at_end for g in goals) else None
    change = one_decimal(end - start) if start is not None and end is not None else None
    return CopmScore(
        start=one_decimal(start),
        end=one_decimal(end),
        change=change,
        significant=copm_change_is_significant(start, end),
    )


def case_measures_summary(case: Case) -> dict:
    """Everything the case page, the measures page and the API show of the measures: start → end with the
    change.

    One query for all four measures (each as a JSON array in one SELECT): the case page's query budget is
    fixed and must not grow with the number of goals or ratings.
    """
    row = (
        Case.objects.filter(pk=case.pk)
        .values(
            safety=_json_rows(SafetyRating),
            katz=_json_rows(KatzAssessment),
            copm=_json_rows(CopmGoal, order_by=("priority",)),
            ibic=_json_rows(IbicRating),
        )
        .get()
    )
    safety = {r.phase: r for r in _instances(SafetyRating, case, row["safety"])}
    katz = {r.phase: r for r in _instances(KatzAssessment, case, row["katz"])}
    goals = _instances(CopmGoal, case, row["copm"])
    ibic = {(r.area, r.phase): r for r in _instances(IbicRating, case, row["ibic"])}

    safety_start, safety_end = safety.get(MeasurePhase.START), safety.get(MeasurePhase.END)
    katz_start, katz_end = katz.get(MeasurePhase.START), katz.get(MeasurePhase.END)
    ibic_rows = []
    for area in LifeArea:
        start, follow_up = ibic.get((area.value, IbicPhase.START)), ibic.get((area.value, IbicPhase.FOLLOW_UP))
        change = (
            follow_up.level - start.level if start and follow_up and start.is_degree and follow_up.is_degree else None
        )
        ibic_rows.append(IbicRow(area.value, area.label, StartEnd(start, follow_up, change, higher_is_better=False)))

    return {
        "safety": StartEnd(
            safety_start,
            safety_end,
            safety_end.score - safety_start.score if safety_start and safety_end else None,
        ),
        # The change in Katz is counted in activities the client manages independently (more is better).
        "katz": StartEnd(
            katz_start,
            katz_end,
            katz_end.independent_count - katz_start.independent_count if katz_start and katz_end else None,
        ),
        "copm_goals": goals,
        "copm_performance": _copm_score(goals, "performance_start", "performance_end"),
        "copm_satisfaction": _copm_score(goals, "satisfaction_start", "satisfaction_end"),
        "copm_can_add": len(goals) < COPM_MAX_GOALS,
        "ibic": ibic_rows,
        "ibic_rated": [r for r in ibic_rows if r.compared.start or r.compared.end],
        "is_empty": not (safety or katz or goals or ibic),
    }


# --- reading one measure for its form ---------------------------------------------------------------


def safety_rating(case: Case, phase: str) -> SafetyRating | None:
    return SafetyRating.objects.filter(case=case, phase=phase).first()


def katz_assessment(case: Case, phase: str) -> KatzAssessment | None:
    return KatzAssessment.objects.filter(case=case, phase=phase).first()


def copm_goal(case: Case, pk: int) -> CopmGoal | None:
    """A goal of this case only: the case was fetched through access.py, the goal is scoped to it."""
    return CopmGoal.objects.filter(case=case, pk=pk).first()


def ibic_levels(case: Case) -> dict[tuple[str, str], int]:
    return {(r.area, r.phase): r.level for r in IbicRating.objects.filter(case=case)}
