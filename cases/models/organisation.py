"""The municipality, its hemgångsteam and the people who work in the system."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Municipality(models.Model):
    """A kommun. Every team, user and client belongs to exactly one; client data never crosses."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("municipality code"), max_length=4, unique=True, help_text=_("Four digits, e.g. 0127."))
    case_officers_work_weekends = models.BooleanField(
        _("case officers also work weekends and holidays"),
        default=False,
        help_text=_("By default case officers work helgfria vardagar; the follow-up meeting falls on such a day."),
    )
    consent_validity_days = models.PositiveSmallIntegerField(
        _("consent valid (days)"),
        default=10,
        help_text=_("A local rule (Botkyrka: 10 days). The day consent is given counts as day 1."),
    )
    # Lag (2017:612): the municipality pays the region for each day a patient ready for discharge
    # (utskrivningsklar) stays in hospital after the free days, at the regional agreement's daily cost.
    payment_free_days = models.PositiveSmallIntegerField(
        _("days before payment responsibility"),
        default=3,
        help_text=_(
            "Lag (2017:612): the municipality pays from this many days after the patient is ready for "
            "discharge, unless a local agreement says otherwise."
        ),
    )
    payment_daily_cost = models.PositiveIntegerField(_("cost per day of payment responsibility (kr)"), default=7800)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_validity_days__gte=1) & Q(consent_validity_days__lte=365),
                name="municipality_consent_days_range",
            ),
            models.CheckConstraint(condition=Q(code__regex=r"^\d{4}$"), name="municipality_code_digits"),
            models.CheckConstraint(condition=Q(payment_free_days__lte=30), name="municipality_payment_days_range"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A hemgångsteam with its own hours, capacity and longest support (these differ by municipality)."""

    class WorkingDays(models.TextChoices):
        EVERY_DAY = "every_day", _("Every day")
        WEEKDAYS = "weekdays", _("Weekdays except public holidays (helgfria vardagar)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)
    area = models.CharField(_("area"), max_length=100, blank=True)
    email = models.EmailField(_("functional mailbox"), blank=True)
    working_days = models.CharField(
        _("working days"), max_length=20, choices=WorkingDays.choices, default=WorkingDays.EVERY_DAY
    )
    day_starts_at = models.TimeField(_("day starts"), default=dt.time(7, 0))
    day_ends_at = models.TimeField(_("day ends"), default=dt.time(22, 0))
    capacity = models.PositiveSmallIntegerField(_("capacity (clients at once)"), default=10)
    usual_support_days = models.PositiveSmallIntegerField(_("usual length (days)"), default=10)
    max_support_days = models.PositiveSmallIntegerField(_("longest support (days)"), default=28)
    follow_up_day = models.PositiveSmallIntegerField(
        _("follow-up meeting on day"),
        default=6,
        help_text=_("Day 1 is the first day of support (Botkyrka: day 6; Olofström: within 10 days)."),
    )
    meeting_window_starts_at = models.TimeField(_("meetings from"), default=dt.time(10, 0))
    meeting_window_ends_at = models.TimeField(_("meetings until"), default=dt.time(14, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name"),
            models.CheckConstraint(condition=Q(day_starts_at__lt=models.F("day_ends_at")), name="team_hours_order"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="team_capacity_positive"),
            models.CheckConstraint(
                condition=Q(follow_up_day__gte=2) & Q(follow_up_day__lte=28), name="team_follow_up_day_range"
            ),
            models.CheckConstraint(
                condition=Q(meeting_window_starts_at__lt=models.F("meeting_window_ends_at")),
                name="team_meeting_window_order",
            ),
            models.CheckConstraint(
                condition=Q(max_support_days__gte=1)
                & Q(max_support_days__lte=90)
                & Q(usual_support_days__gte=1)
                & Q(usual_support_days__lte=models.F("max_support_days")),
                name="team_support_days_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def hours_label(self) -> str:
        days = _("every day") if self.working_days == self.WorkingDays.EVERY_DAY else _("weekdays")
        return f"{self.day_starts_at:%H:%M}–{self.day_ends_at:%H:%M}, {days}"


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", _("Case officer")
    TEAM_STAFF = "team_staff", _("Team staff")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    COORDINATOR = "coordinator", _("Home-care coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    INTEGRATION = "integration", _("Integration (hospital system)")
    # A hemtjänst provider's system: a member of its units (Recipient.members) as their coordinators are.
    PROVIDER_INTEGRATION = "provider_integration", _("Integration (home-care provider)")


class Profession(models.TextChoices):
    USK = "usk", _("Assistant nurse (USK)")
    SSK = "ssk", _("Registered nurse (SSK)")
    AT = "at", _("Occupational therapist (AT)")
    FT = "ft", _("Physiotherapist (FT)")
    DIETIST = "dietist", _("Dietitian")


# HSL/PDL 3 kap.: the hälso- och sjukvårdsjournal. Nurses, therapists and dietitians keep it in their own right;
# an assistant nurse (USK) writes in it only for a task delegated to them, and the entry then says so. All of
# them read it for the clients they care for.
HEALTH_PROFESSIONS = (Profession.SSK, Profession.AT, Profession.FT, Profession.DIETIST)
DELEGATED_HEALTH_PROFESSIONS = (Profession.USK,)
HEALTH_RECORD_PROFESSIONS = HEALTH_PROFESSIONS + DELEGATED_HEALTH_PROFESSIONS


class Shift(models.TextChoices):
    DAY = "day", _("Day")
    NIGHT = "night", _("Night")


class User(AbstractUser):
    """A member of staff. The role decides what the menu offers; access.py decides what they may see."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    profession = models.CharField(_("profession"), max_length=10, choices=Profession.choices, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True, verbose_name=_("team")
    )
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices, blank=True)
    # An enhetschef often leads more than one team: their own (`team`, where the day board and the team's
    # inbox are theirs) and these. The case lists, the dashboards and the log review cover them all
    # (cases.access.team_ids); for other roles the field means nothing.
    led_teams = models.ManyToManyField(
        Team,
        related_name="led_by",
        blank=True,
        verbose_name=_("also leads"),
        help_text=_("For a unit manager: the teams they lead besides their own team."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[led_teams])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Team staff have a profession and a team; nobody else has a profession.
            models.CheckConstraint(
                condition=~Q(role="team_staff") | (~Q(profession="") & Q(team__isnull=False)),
                name="user_team_staff_has_profession_and_team",
            ),
            models.CheckConstraint(
                condition=Q(role="team_staff") | Q(profession=""), name="user_profession_only_for_staff"
            ),
            models.CheckConstraint(
                condition=Q(role="") | Q(municipality__isnull=False), name="user_role_needs_municipality"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """How a person is named on pages, in PDFs, the timeline and the API: by name, never by the login
        name (`usk.norr` is an account, not a person). An account without a name is named by its e-mail,
        then by its role."""
        return self.get_full_name() or self.email or self.get_role_display() or str(_("User without a name"))

    @property
    def role_label(self) -> str:
        label = self.get_role_display()
        if self.profession:
            label = f"{label}, {self.get_profession_display()}"
        return label


class Recipient(models.Model):
    """An organisational receiver in hemtjänst (often a private provider): its coordinators, its group,
    the night coordinator, the night patrol, the safety-alarm centre. Its users read and acknowledge on its
    behalf. The directory is organisational data, so it lives beside the municipality and the teams: the
    client's providers link to it (cases/) and the handover sends to it (handover/)."""

    class Kind(models.TextChoices):
        COORDINATOR_DAY = "coordinator_day", _("Home-care coordinator (day)")
        COORDINATOR_NIGHT = "coordinator_night", _("Home-care coordinator (night)")
        GROUP = "group", _("Home-care group")
        NIGHT_PATROL = "night_patrol", _("Night patrol")
        SAFETY_ALARM = "safety_alarm", _("Safety alarm centre (trygghetslarm)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True, help_text=_("E.g. the company."))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="recipients", blank=True, verbose_name=_("members")
    )
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "kind", "name"], name="recipient_unique")]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_night(self) -> bool:
        return self.kind in (self.Kind.COORDINATOR_NIGHT, self.Kind.NIGHT_PATROL)
