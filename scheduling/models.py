"""The team's daily work: planned and logged visits, the journal, and the day-6 follow-up meeting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Intervention, Team


class CarePlan(models.Model):
    """The team's short genomförandeplan: what everyone visiting should know and watch for."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="care_plan")
    watch_for = models.TextField(_("what to watch for"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self):
        return str(self.case)


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Performed")
        NOT_DONE = "not_done", _("Not performed")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="visits")
    planned_start = models.DateTimeField(_("planned start"))
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    interventions = models.ManyToManyField(Intervention, through="VisitIntervention", related_name="visits")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # The log, filled in at the visit; planned and performed time are both kept.
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    not_done_reason = models.CharField(_("why not performed"), max_length=300, blank=True)
    client_condition = models.TextField(_("how the client is"), blank=True)
    experienced_safety = models.PositiveSmallIntegerField(_("experienced safety (0–10)"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_start"]
        indexes = [
            # The day board: a team's visits of a day, in time order.
            models.Index(fields=["team", "planned_start"], name="visit_team_start_idx"),
            # "My visits": one staff member's visits of a day.
            models.Index(fields=["assigned_to", "planned_start"], name="visit_staff_start_idx"),
            # The undocumented-visit reminders: planned visits of the last days, not every visit ever made.
            models.Index(fields=["planned_start"], condition=Q(status="planned"), name="visit_planned_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=5) & Q(planned_minutes__lte=480), name="visit_minutes_range"
            ),
            models.CheckConstraint(
                condition=Q(experienced_safety__isnull=True)
                | (Q(experienced_safety__gte=0) & Q(experienced_safety__lte=10)),
                name="visit_safety_range",
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gt=models.F("actual_start")),
                name="visit_end_after_start",
            ),
            # A performed visit has its times; a visit not performed has its reason; a cancelled one too.
            models.CheckConstraint(
                condition=~Q(status="done") | Q(actual_start__isnull=False, actual_end__isnull=False),
                name="visit_done_has_times",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(not_done_reason=""), name="visit_not_done_reason"
            ),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="visit_cancel_reason"),
        ]

    def __str__(self):
        return f"{self.case} {timezone.localtime(self.planned_start):%Y-%m-%d %H:%M}"

    @property
    def planned_end(self):
        return self.planned_start + timezone.timedelta(minutes=self.planned_minutes)

    @property
    def is_undocumented(self) -> bool:
        """A planned visit whose time has passed and that nobody logged: *Ej dokumenterat*. Not a stored
        state — the team can still log it, and then it is what was logged (001: "allt ska dokumenteras")."""
        return self.status == self.Status.PLANNED and self.planned_end <= timezone.now()

    @property
    def performed_minutes(self) -> int | None:
        if self.actual_start and self.actual_end:
            return int((self.actual_end - self.actual_start).total_seconds() // 60)
        return None


class VisitIntervention(models.Model):
    """An intervention planned for a visit, and how it went: done together with the client (the
    rehabilitating way, "hands behind the back"), done for the client, or not done."""

    class Outcome(models.TextChoices):
        TOGETHER = "together", _("Done together with the client")
        FOR_CLIENT = "for_client", _("Done for the client")
        NOT_DONE = "not_done", _("Not done")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_interventions")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("how"), max_length=10, choices=Outcome.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["visit", "intervention"], name="visit_intervention_once")]

    def __str__(self):
        return f"{self.visit_id}: {self.intervention_id}"


class JournalEntry(models.Model):
    """A signed entry in the client's record. Never edited in place (SOSFS 2014:5: a correction keeps the
    original readable): a correction is a new entry that points to the one it corrects."""

    class Kind(models.TextChoices):
        SOCIAL = "social", _("Social documentation (SoL)")
        HEALTH = "health", _("Health care record (HSL)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_profession = models.CharField(_("profession"), max_length=10, blank=True)
    delegated_task = models.BooleanField(_("delegated health care task"), default=False)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="journal_entries", null=True, blank=True)
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, related_name="correction", null=True, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_at"]
        indexes = [
            # The journal page: one case's entries of one kind, newest first.
            models.Index(fields=["case", "kind", "-signed_at"], name="journal_case_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="journal_text_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=["social", "health"]), name="journal_kind_known"),
        ]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()} {self.signed_at:%Y-%m-%d}"


class JournalDraft(models.Model):
    """What an author has typed but not yet signed, saved as they type so that nothing is lost.
    One draft per author, case, kind and purpose (a new entry, a correction of an entry, a visit log)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=JournalEntry.Kind.choices)
    corrects = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    delegated_task = models.BooleanField(default=False)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "author", "kind", "corrects", "visit"],
                name="journal_draft_one_per_purpose",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"draft {self.case_id} {self.author_id}"


class FollowUpMeeting(models.Model):
    """The uppföljningsmöte on day 6 (Botkyrka's routine, 001), chaired by the case officer."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class FurtherSupport(models.TextChoices):
        NONE = "none", _("No further support needed")
        HEMTJANST = "hemtjanst", _("Home care (hemtjänst) takes over")
        EXTENDED = "extended", _("Hemgång support extended")
        OTHER = "other", _("Other decision")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up_meeting")
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    location = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    reschedule_reason = models.TextField(_("reason for moving"), blank=True)
    continued_needs = models.TextField(_("continued needs"), blank=True)
    further_support = models.CharField(
        _("decision on further support"), max_length=10, choices=FurtherSupport.choices, blank=True
    )
    outcome_note = models.TextField(_("note on the decision"), blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # Finding a free hour for the chairing case officer on the meeting day.
            models.Index(fields=["chair", "starts_at"], name="meeting_chair_start_idx"),
            # The meeting reminders: booked meetings around today.
            models.Index(fields=["starts_at"], condition=Q(status="booked"), name="meeting_booked_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | ~Q(further_support=""), name="meeting_held_has_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.case} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.minutes)


class MeetingParticipant(models.Model):
    class Role(models.TextChoices):
        CLIENT = "client", _("Client")
        RELATIVE = "relative", _("Relative")
        TEAM = "team", _("Hemgångsteam")
        HEMTJANST_DAY = "hemtjanst_day", _("Home care, day")
        HEMTJANST_NIGHT = "hemtjanst_night", _("Home care, night")
        CASE_OFFICER = "case_officer", _("Case officer (chair)")

    meeting = models.ForeignKey(FollowUpMeeting, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"
