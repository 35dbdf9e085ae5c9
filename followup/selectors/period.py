"""The follow-up of a period (issue 11, SKL 2017 "Steg 2"): how many clients, how long, how soon home, at
what cost, with what result. Every figure is counted by PostgreSQL from the case event log and the records
(conditional aggregation, percentiles, subqueries); nothing loads the cases into Python.

Which team a figure belongs to is the event's team: the case's team when it happened.

Not computed: hemtjänst hours per week before admission and decided at handover. Nothing in the records
holds them — the referral has no field for the hemtjänst the client had before, and the handover carries
the team's interventions and how they are done now, not hemtjänst's own decision (made by the case
officer outside the app). The figure needs those two fields first.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Greatest, TruncDate

from cases.models import Case, CaseEvent, Referral
from measures.models import CopmGoal, KatzAssessment, MeasurePhase, SafetyRating
from measures.rules import COPM_SIGNIFICANT_CHANGE, KATZ_ACTIVITIES
from scheduling import calendar

from .common import (
    REFERRAL_ENDED,
    SUPPORT_ENDED,
    SUPPORT_STARTED,
    Kind,
    check_period,
    period_bounds,
    teams_of,
)
from .sql import DayLookup, DaysBetween, DaysElapsed, Percentile

# Length of support in days, counting the first and the last day (as the routine counts "ten days"):
# the buckets around the usual 12–18 days (SKL 2017; DOMAIN.md "Rules and numbers").
LENGTH_BUCKETS = ((None, 7), (8, 11), (12, 18), (19, 28), (29, None))
LENGTH_TARGET = (12, 18)
# A new referral of the same client within this many days after the end counts as a readmission.
READMISSION_DAYS = 30
# The follow-up day is at most day 28, moved on to the next working day: a meeting in the period may
# belong to a start this long before it. A meeting of an earlier start (moved weeks on) finds no planned
# day and so is not on time — which it is not, being later than any planned day could be.
MEETING_LOOKBACK_DAYS = 45


@dataclass(frozen=True)
class Bucket:
    low: int | None
    high: int | None
    count: int

    @property
    def label(self) -> str:
        if self.low is None:
            return f"≤{self.high}"
        if self.high is None:
            return f">{self.low - 1}"
        return f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Change:
    """A measure at the start and at the end: how many cases have both, how many improved, the mean change."""

    pairs: int
    improved: int
    mean_change: float | None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.pairs if self.pairs else None


@dataclass(frozen=True)
class EndedReferral:
    """Referrals declined or withdrawn before the start, by kind, triage and the written reason."""

    kind: str
    triage: str
    reason: str
    count: int


@dataclass(frozen=True)
class PeriodFigures:
    start: dt.date
    end: dt.date
    started: int
    ended: int
    length_median_days: float | None
    length_mean_days: float | None
    length_buckets: tuple[Bucket, ...]
    length_within_target: int
    lead_time_median_days: float | None
    lead_time_p90_days: float | None
    payment_days: int
    payment_cost: int
    meetings_held: int
    meetings_on_time: int
    safety: Change
    adl: Change
    copm_pairs: int
    copm_performance_improved: int
    copm_satisfaction_improved: int
    readmissions: int
    referrals_ended: tuple[EndedReferral, ...]

    @property
    def length_within_target_share(self) -> float | None:
        measured = sum(bucket.count for bucket in self.length_buckets)
        return self.length_within_target / measured if measured else None

    @property
    def meetings_on_time_share(self) -> float | None:
        return self.meetings_on_time / self.meetings_held if self.meetings_held else None

    @property
    def readmission_share(self) -> float | None:
        return self.readmissions / self.ended if self.ended else None


def support_length():
    """Days of support of an end event's case: from the homecoming's day to the end's day, both counted."""
    return DaysBetween(TruncDate("at"), TruncDate("case__homecoming_at")) + Value(1)


def _in_length(low: int | None, high: int | None) -> Q:
    q = Q(length__isnull=False)
    if low is not None:
        q &= Q(length__gte=low)
    if high is not None:
        q &= Q(length__lte=high)
    return q


def period_figures(*, teams, start: dt.date, end: dt.date) -> PeriodFigures:
    """The follow-up figures of `teams` for the days `start`–`end` (both included). Five queries, whatever
    the data: the teams, the events' counts, the measures of the ended cases, the follow-up meetings, the
    referrals that ended before a start."""
    check_period(start, end)
    chosen = teams_of(teams)
    ids = [team.pk for team in chosen]
    since, until = period_bounds(start, end)
    events = CaseEvent.objects.filter(team_id__in=ids, at__gte=since, at__lt=until)
    counts = _event_counts(events)
    measures = _measures(events)
    meetings = _meetings(chosen, start, end, since, until)
    return PeriodFigures(
        start=start,
        end=end,
        started=counts["started"],
        ended=counts["ended"],
        length_median_days=counts["length_median"],
        length_mean_days=counts["length_mean"],
        length_buckets=tuple(Bucket(low, high, counts[f"length_{low}_{high}"]) for low, high in LENGTH_BUCKETS),
        length_within_target=counts["length_target"],
        lead_time_median_days=counts["lead_median"],
        lead_time_p90_days=counts["lead_p90"],
        payment_days=counts["payment_days"] or 0,
        payment_cost=counts["payment_cost"] or 0,
        meetings_held=meetings["held"],
        meetings_on_time=meetings["on_time"],
        safety=Change(measures["safety_pairs"], measures["safety_improved"], measures["safety_change"]),
        adl=Change(measures["adl_pairs"], measures["adl_improved"], measures["adl_change"]),
        copm_pairs=measures["copm_pairs"],
        copm_performance_improved=measures["copm_performance"],
        copm_satisfaction_improved=measures["copm_satisfaction"],
        readmissions=counts["readmissions"],
        referrals_ended=_referrals_ended(chosen, since, until),
    )


def _event_counts(events) -> dict:
    """One query over the period's events: starts, ends, length, lead time, payment responsibility and
    readmissions, each an aggregate with its own FILTER."""
    ready, home = "case__referral__ready_for_discharge_at", "case__homecoming_at"
    came_home = SUPPORT_STARTED & Q(**{f"{ready}__isnull": False, f"{home}__isnull": False})
    from_hospital = came_home & Q(case__referral__source=Referral.Source.HOSPITAL)
    # A new referral (a new case) of the same client from the end's day up to 30 days after it.
    # Days are Stockholm's days on both sides (never "the end + 30 × 24 hours").
    referred_again = (
        Case.objects.annotate(day=TruncDate("created_at"))
        .filter(
            client_id=OuterRef("case__client_id"),
            created_at__gt=OuterRef("at"),
            day__lte=ExpressionWrapper(OuterRef("end_day") + Value(READMISSION_DAYS), output_field=DateField()),
        )
        .exclude(pk=OuterRef("case_id"))
    )
    # Only the starts and the ends: the period's other events (visits, messages) are most of the rows.
    annotated = (
        events.filter(SUPPORT_STARTED | SUPPORT_ENDED)
        .annotate(end_day=TruncDate("at"))
        .annotate(
            length=support_length(),
            lead=DaysElapsed(home, ready),
            # LUS (lag 2017:612): the municipality pays for each day after its free days from the day the
            # patient is utskrivningsklar until the day they come home; ready 1 March, 3 free days, home on
            # 4 March: nothing; home on 6 March: 2 days.
            lus_days=Greatest(
                DaysBetween(TruncDate(home), TruncDate(ready)) - F("case__municipality__payment_free_days"),
                Value(0),
                output_field=IntegerField(),
            ),
            referred_again=Exists(referred_again),
        )
    )
    aggregates = {
        "started": Count("case_id", filter=SUPPORT_STARTED, distinct=True),
        "ended": Count("case_id", filter=SUPPORT_ENDED, distinct=True),
        "length_median": Percentile("length", 0.5, filter=SUPPORT_ENDED),
        # The capacity planner's "average length" (SKL 2017, figure 6) is this mean.
        "length_mean": Avg("length", filter=SUPPORT_ENDED),
        "length_target": Count("id", filter=SUPPORT_ENDED & _in_length(*LENGTH_TARGET)),
        "lead_median": Percentile("lead", 0.5, filter=came_home),
        "lead_p90": Percentile("lead", 0.9, filter=came_home),
        "payment_days": Sum("lus_days", filter=from_hospital),
        "payment_cost": Sum(F("lus_days") * F("case__municipality__payment_daily_cost"), filter=from_hospital),
        "readmissions": Count(
            "case_id", filter=SUPPORT_ENDED & (Q(kind=Kind.READMITTED) | Q(referred_again=True)), distinct=True
        ),
    }
    for low, high in LENGTH_BUCKETS:
        aggregates[f"length_{low}_{high}"] = Count("id", filter=SUPPORT_ENDED & _in_length(low, high))
    return annotated.aggregate(**aggregates)


def _measure_at(model, phase: str, value: str):
    return Subquery(model.objects.filter(case_id=OuterRef("pk"), phase=phase).values(value)[:1])


def _copm_mean(field: str):
    """The COPM score (the mean over the goals) of the goals rated both at start and at end, so that the
    start and the end are scores of the same goals."""
    goals = CopmGoal.objects.filter(case_id=OuterRef("pk"), performance_end__isnull=False)
    return Subquery(goals.values("case_id").annotate(score=Avg(field)).values("score")[:1])


def _measures(events) -> dict:
    """One query over the cases whose support ended in the period: safety (0–10) and Katz ADL (the number
    of the six activities done independently) at start and end, and the COPM scores."""
    independent = sum((Cast(name, IntegerField()) for name in KATZ_ACTIVITIES), Value(0))
    katz = KatzAssessment.objects.annotate(independent=independent)
    ended = Case.objects.filter(pk__in=events.filter(SUPPORT_ENDED).values("case_id")).annotate(
        safety_start=_measure_at(SafetyRating, MeasurePhase.START, "score"),
        safety_end=_measure_at(SafetyRating, MeasurePhase.END, "score"),
        adl_start=Subquery(katz.filter(case_id=OuterRef("pk"), phase=MeasurePhase.START).values("independent")[:1]),
        adl_end=Subquery(katz.filter(case_id=OuterRef("pk"), phase=MeasurePhase.END).values("independent")[:1]),
        performance_change=_copm_mean("performance_end") - _copm_mean("performance_start"),
        satisfaction_change=_copm_mean("satisfaction_end") - _copm_mean("satisfaction_start"),
    )
    both = {name: Q(**{f"{name}_start__isnull": False, f"{name}_end__isnull": False}) for name in ("safety", "adl")}
    return ended.aggregate(
        safety_pairs=Count("pk", filter=both["safety"]),
        safety_improved=Count("pk", filter=Q(safety_end__gt=F("safety_start"))),
        safety_change=Avg(F("safety_end") - F("safety_start")),
        adl_pairs=Count("pk", filter=both["adl"]),
        adl_improved=Count("pk", filter=Q(adl_end__gt=F("adl_start"))),
        adl_change=Avg(F("adl_end") - F("adl_start")),
        copm_pairs=Count("pk", filter=Q(performance_change__isnull=False)),
        # COPM: a change of two points or more is clinically significant; counted here when it is a gain.
        copm_performance=Count("pk", filter=Q(performance_change__gte=COPM_SIGNIFICANT_CHANGE)),
        copm_satisfaction=Count("pk", filter=Q(satisfaction_change__gte=COPM_SIGNIFICANT_CHANGE)),
    )


def _planned_meeting_days(teams, first: dt.date, last: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """(team, decision start, planned follow-up day) for every start from `first` to `last`: the calendar
    the meeting was booked by (`scheduling.calendar.follow_up_meeting_day`), one row per team and day."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        (team.pk, day, calendar.follow_up_meeting_day(team, team.municipality, day)) for team in teams for day in days
    ]


def _meetings(teams, start: dt.date, end: dt.date, since, until) -> dict:
    """One query: follow-up meetings held on a day of the period, and how many of them on or before their
    planned day (the team's follow-up day from the decision's start, on a day both the team and the case
    officers work). An outcome corrected later is its own event, marked `corrected`: counted once."""
    table = _planned_meeting_days(teams, start - dt.timedelta(days=MEETING_LOOKBACK_DAYS), end)
    held = (
        CaseEvent.objects.filter(team_id__in=[team.pk for team in teams], kind=Kind.MEETING_HELD, at__gte=since)
        .exclude(payload__corrected=True)
        .annotate(
            meeting_day=TruncDate(Cast(KT("payload__starts_at"), DateTimeField())),
            planned=DayLookup(F("team_id"), F("case__decision__start_date"), table=table),
        )
        .filter(meeting_day__gte=start, meeting_day__lte=end)
    )
    return held.aggregate(
        held=Count("case_id", distinct=True),
        on_time=Count("case_id", filter=Q(meeting_day__lte=F("planned")), distinct=True),
    )


def _referrals_ended(teams, since, until) -> tuple[EndedReferral, ...]:
    """One query: referrals declined or withdrawn before the start in the period, counted by kind, triage
    and reason. A referral is often declined before any team is given: those of the teams' municipality
    without a team count here too (they are the intake of every team of the municipality)."""
    ids = [team.pk for team in teams]
    municipalities = {team.municipality_id for team in teams}
    rows = (
        CaseEvent.objects.filter(REFERRAL_ENDED, at__gte=since, at__lt=until)
        .filter(Q(team_id__in=ids) | Q(team__isnull=True, municipality_id__in=municipalities))
        .values("kind", triage=F("case__referral__triage"), reason=KT("payload__reason"))
        .annotate(count=Count("id"))
        .order_by("kind", "-count", "triage", "reason")
    )
    return tuple(EndedReferral(row["kind"], row["triage"], row["reason"] or "", row["count"]) for row in rows)
