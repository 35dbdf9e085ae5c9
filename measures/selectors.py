"""What the case page, the measures page, the handover document and the API read of the outcome measures:
`case_measures_summary` (start → end with the change, in one query) and the readers of one measure for its
form.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from cases.models import Case, User

from .models import CopmGoal, IbicPhase, IbicRating, KatzAssessment, LifeArea, MeasurePhase, SafetyRating
from .rules import COPM_MAX_GOALS, copm_change_is_significant, copm_score, one_decimal


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
