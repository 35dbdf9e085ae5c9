"""The services that record the outcome measures (SKL 2017, "Steg 2"): experienced safety, Katz ADL, COPM
goals, IBIC needs.

Every service locks the case row first, so two people recording the same measure at once are serialised;
it refuses a value out of range before anything is written, and the database constraints are the last word.
Re-recording the same point of the support updates the row; simple-history keeps the earlier value and who
recorded it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as

from .models import CopmGoal, IbicPhase, IbicRating, IcfLevel, KatzAssessment, LifeArea, MeasurePhase, SafetyRating
from .rules import COPM_MAX, COPM_MAX_GOALS, COPM_MIN, KATZ_ACTIVITIES, SAFETY_MAX, SAFETY_MIN


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
