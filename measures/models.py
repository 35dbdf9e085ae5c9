"""Outcome measures of a case (SKL 2017, "Steg 2"): experienced safety, Katz ADL, COPM goals and IBIC needs.

Each row is one rating at one point of the support; re-recording the same point updates the row and the
history keeps the earlier value. The database refuses every value out of range, whatever wrote it.
The rules of the instruments (the Katz grade, COPM scores) are in `measures.rules`.

The models moved here from `cases/` keeping their tables: `db_table` and the history's `table_name` are
the names the tables were created with, so no row was copied or renamed (migrations/0001_initial).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case

from .rules import (
    COPM_MAX,
    COPM_MAX_GOALS,
    COPM_MIN,
    ICF_DEGREES,
    KATZ_ACTIVITIES,
    SAFETY_MAX,
    SAFETY_MIN,
    KatzGrade,
    katz_grade,
)


class MeasurePhase(models.TextChoices):
    """When safety and function are measured: when the support starts and when it ends."""

    START = "start", _("At start")
    END = "end", _("At end")


class IbicPhase(models.TextChoices):
    """IBIC needs are rated at the start and again at the follow-up meeting (day 6 in Botkyrka)."""

    START = "start", _("At start")
    FOLLOW_UP = "follow_up", _("At follow-up")


class LifeArea(models.TextChoices):
    """IBIC's life areas: the ICF activity and participation chapters d1–d9, plus the sense of security."""

    D1 = "d1", _("d1 Learning and applying knowledge")
    D2 = "d2", _("d2 General tasks and demands")
    D3 = "d3", _("d3 Communication")
    D4 = "d4", _("d4 Mobility")
    D5 = "d5", _("d5 Self-care")
    D6 = "d6", _("d6 Domestic life")
    D7 = "d7", _("d7 Interpersonal interactions and relationships")
    D8 = "d8", _("d8 Major life areas")
    D9 = "d9", _("d9 Community, social and civic life")
    SECURITY = "security", _("Sense of security")


class IcfLevel(models.IntegerChoices):
    """The ICF qualifier scale IBIC uses. 8 and 9 are answers, not degrees: they never enter a change."""

    NONE = 0, _("0 No difficulty")
    MILD = 1, _("1 Mild difficulty")
    MODERATE = 2, _("2 Moderate difficulty")
    SEVERE = 3, _("3 Severe difficulty")
    COMPLETE = 4, _("4 Complete difficulty")
    NOT_SPECIFIED = 8, _("8 Not specified")
    NOT_APPLICABLE = 9, _("9 Not applicable")


def _phase_known(name: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(phase__in=choices.values), name=name)


class _Recorded(models.Model):
    """Who recorded the measure and when (SOSFS 2014:5: every entry with its date and author)."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class SafetyRating(_Recorded):
    """Upplevd trygghet: the client's own rating on a 0–10 scale (0 not at all safe, 10 completely safe)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_ratings")
    phase = models.CharField(_("when"), max_length=10, choices=MeasurePhase.choices)
    score = models.PositiveSmallIntegerField(_("experienced safety"))
    history = HistoricalRecords(table_name="cases_historicalsafetyrating")

    class Meta:
        db_table = "cases_safetyrating"
        verbose_name = _("experienced safety")
        verbose_name_plural = _("experienced safety")
        constraints = [
            models.UniqueConstraint(fields=["case", "phase"], name="safety_one_per_case_phase"),
            _phase_known("safety_phase_known", MeasurePhase),
            models.CheckConstraint(
                condition=Q(score__gte=SAFETY_MIN) & Q(score__lte=SAFETY_MAX), name="safety_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_phase_display()}: {self.score}"


class KatzAssessment(_Recorded):
    """Katz ADL index: each of the six activities independent (True) or dependent (False).

    The grade A–G is never stored or typed: it follows from the six answers (`measures.rules.katz_grade`).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="katz_assessments")
    phase = models.CharField(_("when"), max_length=10, choices=MeasurePhase.choices)
    bathing = models.BooleanField(_("bathing"))
    dressing = models.BooleanField(_("dressing"))
    toileting = models.BooleanField(_("toileting"))
    transfer = models.BooleanField(_("transfer"))
    continence = models.BooleanField(_("continence"))
    feeding = models.BooleanField(_("feeding"))
    history = HistoricalRecords(table_name="cases_historicalkatzassessment")

    class Meta:
        db_table = "cases_katzassessment"
        verbose_name = _("Katz ADL assessment")
        verbose_name_plural = _("Katz ADL assessments")
        constraints = [
            models.UniqueConstraint(fields=["case", "phase"], name="katz_one_per_case_phase"),
            _phase_known("katz_phase_known", MeasurePhase),
        ]

    def __str__(self):
        return f"{self.get_phase_display()}: {self.grade}"

    @property
    def answers(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in KATZ_ACTIVITIES}

    @property
    def grade(self) -> str:
        return katz_grade(**self.answers)

    @property
    def grade_label(self) -> str:
        return KatzGrade(self.grade).label

    @property
    def independent_count(self) -> int:
        return sum(self.answers.values())


class CopmGoal(_Recorded):
    """One of the client's prioritised occupational performance problems (COPM), set with the occupational
    therapist or physiotherapist, with performance and satisfaction rated 1–10 at start and at end."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="copm_goals")
    priority = models.PositiveSmallIntegerField(_("priority"))
    problem = models.CharField(_("goal"), max_length=300)
    performance_start = models.PositiveSmallIntegerField(_("performance at start"))
    satisfaction_start = models.PositiveSmallIntegerField(_("satisfaction at start"))
    performance_end = models.PositiveSmallIntegerField(_("performance at end"), null=True, blank=True)
    satisfaction_end = models.PositiveSmallIntegerField(_("satisfaction at end"), null=True, blank=True)
    history = HistoricalRecords(table_name="cases_historicalcopmgoal")

    class Meta:
        db_table = "cases_copmgoal"
        verbose_name = _("COPM goal")
        verbose_name_plural = _("COPM goals")
        ordering = ["priority"]
        constraints = [
            # At most five problems per case: priorities 1–5, each used once.
            models.UniqueConstraint(fields=["case", "priority"], name="copm_priority_unique_per_case"),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=COPM_MAX_GOALS), name="copm_priority_range"
            ),
            models.CheckConstraint(
                condition=Q(performance_start__gte=COPM_MIN)
                & Q(performance_start__lte=COPM_MAX)
                & Q(satisfaction_start__gte=COPM_MIN)
                & Q(satisfaction_start__lte=COPM_MAX),
                name="copm_start_range",
            ),
            models.CheckConstraint(
                condition=Q(performance_end__isnull=True, satisfaction_end__isnull=True)
                | (
                    # NULL compares as unknown, and a CHECK passes on unknown: say "not null" outright.
                    Q(performance_end__isnull=False, satisfaction_end__isnull=False)
                    & Q(performance_end__gte=COPM_MIN)
                    & Q(performance_end__lte=COPM_MAX)
                    & Q(satisfaction_end__gte=COPM_MIN)
                    & Q(satisfaction_end__lte=COPM_MAX)
                ),
                name="copm_end_range_and_complete",
            ),
        ]

    def __str__(self):
        return f"{self.priority}. {self.problem}"

    @property
    def is_rated_at_end(self) -> bool:
        return self.performance_end is not None

    @property
    def performance_change(self) -> int | None:
        return None if self.performance_end is None else self.performance_end - self.performance_start

    @property
    def satisfaction_change(self) -> int | None:
        return None if self.satisfaction_end is None else self.satisfaction_end - self.satisfaction_start


class IbicRating(_Recorded):
    """The need in one IBIC life area, on the ICF scale, at the start or at the follow-up meeting."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ibic_ratings")
    area = models.CharField(_("life area"), max_length=10, choices=LifeArea.choices)
    phase = models.CharField(_("when"), max_length=10, choices=IbicPhase.choices)
    level = models.PositiveSmallIntegerField(_("rating"), choices=IcfLevel.choices)
    history = HistoricalRecords(table_name="cases_historicalibicrating")

    class Meta:
        db_table = "cases_ibicrating"
        verbose_name = _("IBIC rating")
        verbose_name_plural = _("IBIC ratings")
        constraints = [
            models.UniqueConstraint(fields=["case", "area", "phase"], name="ibic_one_per_case_area_phase"),
            _phase_known("ibic_phase_known", IbicPhase),
            models.CheckConstraint(condition=Q(area__in=LifeArea.values), name="ibic_area_known"),
            models.CheckConstraint(condition=Q(level__in=IcfLevel.values), name="ibic_level_range"),
        ]

    def __str__(self):
        return f"{self.area} {self.get_phase_display()}: {self.level}"

    @property
    def is_degree(self) -> bool:
        """0–4 say how large the difficulty is; 8 and 9 do not, so no change is computed from them."""
        return self.level in ICF_DEGREES
