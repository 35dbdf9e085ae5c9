"""The hemgång episode: referral, consent, decision and the case that ties them together.

State changes happen only in `cases.lifecycle.case_transition`; the table of allowed moves is
`ALLOWED_TRANSITIONS` below so that a reader finds the routine in one place.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hemgang.versions import version_field

from .catalogue import InterventionType, LegalBasis
from .client import Client
from .organisation import Municipality, Recipient, Team


class CaseState(models.TextChoices):
    REFERRED = "referred", _("Referred")
    DECIDED = "decided", _("Decided")
    ACTIVE = "active", _("Active")
    HANDED_OVER = "handed_over", _("Handed over")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    READMITTED = "readmitted", _("Readmitted")


OPEN_STATES = (CaseState.REFERRED, CaseState.DECIDED, CaseState.ACTIVE, CaseState.HANDED_OVER)
# The support is being carried out (verkställighet): from the start until the case is closed, also after the
# handover while hemtjänst confirms it. Visits, the journal and messages to hemtjänst belong to these states.
RUNNING_STATES = (CaseState.ACTIVE, CaseState.HANDED_OVER)
# Clients at once (SKL 2017): a decided case holds its place in the team from the decision, an active one
# until it is handed over. The team's load counts these, against its capacity.
LOAD_STATES = (CaseState.DECIDED, CaseState.ACTIVE)
# Ändringsbeslut: while the case is decided or its support runs, not once it has ended.
DECISION_CHANGE_STATES = (CaseState.DECIDED, *RUNNING_STATES)
# The case lists' order: the work at hand first (active, decided, handed over, referred), then the ended
# ones; within each, newest first. An expression, so that `case_list_order_idx` can be built on it.
WORKFLOW_ORDER = models.Case(
    *[
        models.When(state=state, then=models.Value(i))
        for i, state in enumerate([CaseState.ACTIVE, CaseState.DECIDED, CaseState.HANDED_OVER, CaseState.REFERRED])
    ],
    default=models.Value(9),
    output_field=models.IntegerField(),
)

# aktualisering → utredning → beslut → verkställighet → avslut (Socialstyrelsen's process), as states:
# referred → decided → active → handed over → closed; a referral can be declined (no hemgång needed,
# triage green, or an exclusion), the client can say no (withdrawn) or go back to hospital (readmitted).
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.REFERRED: (CaseState.DECIDED, CaseState.DECLINED, CaseState.WITHDRAWN, CaseState.READMITTED),
    CaseState.DECIDED: (CaseState.ACTIVE, CaseState.WITHDRAWN, CaseState.READMITTED),
    CaseState.ACTIVE: (CaseState.HANDED_OVER, CaseState.WITHDRAWN, CaseState.READMITTED),
    CaseState.HANDED_OVER: (CaseState.CLOSED,),
    CaseState.CLOSED: (),
    CaseState.DECLINED: (),
    CaseState.WITHDRAWN: (),
    CaseState.READMITTED: (),
}

# Ending a case early needs a written reason in the case file.
TRANSITIONS_NEEDING_REASON = (CaseState.DECLINED, CaseState.WITHDRAWN, CaseState.READMITTED)


class Case(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client"))
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cases", null=True, blank=True, verbose_name=_("team")
    )
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="officer_cases",
        null=True,
        blank=True,
        verbose_name=_("case officer"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_cases"
    )
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.REFERRED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    state_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the client came home and the team took over (set at the start; empty on cases started before it
    # was asked). No visit is planned before it; the lead time from utskrivningsklar is measured to it.
    homecoming_at = models.DateTimeField(_("homecoming"), null=True, blank=True)
    capacity_override_reason = models.TextField(
        _("reason for assigning a team at capacity"),
        blank=True,
        help_text=_("Kept when a case officer or unit manager accepts a case although the team is full."),
    )
    # Every change of the case counts it up: the team form saved from an older case is refused.
    version = version_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            # At most one open case per client: the database refuses a second one even if two case
            # officers press "save" at the same moment.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="case_one_open_per_client",
            ),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in CaseState]), name="case_state_known"),
            # An ended case has its end time, an open one has none.
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in OPEN_STATES], ended_at__isnull=True)
                | (~Q(state__in=[s.value for s in OPEN_STATES]) & Q(ended_at__isnull=False)),
                name="case_ended_at_matches_state",
            ),
            # Only a referred case can be without a team.
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(state__in=["referred", "declined", "withdrawn", "readmitted"]),
                name="case_team_after_decision",
            ),
        ]
        indexes = [
            # Start pages: a team's open cases, and a municipality's open cases, newest first.
            models.Index(fields=["team", "state"], name="case_team_state_idx"),
            models.Index(fields=["municipality", "state"], name="case_municipality_state_idx"),
            # The reminder sweeps: every open case, whatever the municipality, and none of the closed ones.
            models.Index(fields=["state"], condition=Q(state__in=[s.value for s in OPEN_STATES]), name="case_open_idx"),
            # The API's case list (selectors.case_list with every state), a page at a time in its order without
            # sorting ten years of the municipality's cases (a team's staff read it too, filtering their team).
            models.Index("municipality", WORKFLOW_ORDER, F("created_at").desc(), name="case_list_order_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"HG-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def counts_against_capacity(self) -> bool:
        return self.state in LOAD_STATES

    def allowed_next_states(self) -> tuple[str, ...]:
        return ALLOWED_TRANSITIONS[self.state]

    @property
    def overdue_since(self) -> dt.date | None:
        """The end date of the decision when the support still runs after it (active or handed over, but
        not closed): the case is late and every list shows it, or None. Reads the decision, so lists
        select it with the case."""
        if not self.is_running:
            return None
        decision = getattr(self, "decision", None)
        if decision is None or timezone.localdate() <= decision.end_date:
            return None
        return decision.end_date

    def valid_consent_on(self, day: dt.date):
        """The consent that is valid on `day`, or None (uses prefetched consents when there are)."""
        for consent in self.consents.all():
            if consent.is_valid_on(day):
                return consent
        return None

    def consent_covering(self, receivers, day: dt.date):
        """(the consent valid on `day` that names every one of `receivers`, []) — or (None, those of them the
        newest valid consent does not name; all of them when none is valid). Newest consent first, so a
        renewal is the one recorded on what is sent."""
        valid = [consent for consent in self.consents.all() if consent.is_valid_on(day)]
        for consent in valid:
            if not consent.not_covered(receivers):
                return consent, []
        return None, valid[0].not_covered(receivers) if valid else list(receivers)

    def consent_status(self, day: dt.date | None = None) -> "ConsentStatus | None":
        """Consent ending within two days, or expired, while the case is open (uses prefetched consents)."""
        if not self.is_open:
            return None
        return consent_status(self.consents.all(), day or timezone.localdate())

    def consent_ends_before(self, end_date: dt.date, *, on: dt.date) -> dt.date | None:
        """The last day of the consent valid on `on`, when it comes before `end_date` (the end of the
        decision's period); None when consent covers the period or there is none to speak of."""
        valid = [c.valid_until for c in self.consents.all() if c.is_valid_on(on)]
        if valid and max(valid) < end_date:
            return max(valid)
        return None

    def has_valid_consent(self, day: dt.date | None = None) -> bool:
        """Is consent valid now (or on `day`) for this case? No client information to hemtjänst otherwise."""
        return self.valid_consent_on(day or timezone.localdate()) is not None


class Referral(models.Model):
    """The aktualisering: who sent the client to us, and the triage (SKL 2017, steg 1)."""

    class Source(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital ward (inpatient care)")
        SHORT_TERM = "short_term", _("Short-term care home")
        HEMTJANST = "hemtjanst", _("Home care (worsened need at home)")

    class Triage(models.TextChoices):
        GREEN = "green", _("Green: no hemgång needed")
        YELLOW = "yellow", _("Yellow: needed, low complexity")
        RED = "red", _("Red: needed, high complexity")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_unit = models.CharField(_("ward or unit"), max_length=200, blank=True)
    admitted_on = models.DateField(_("admission date"), null=True, blank=True)
    ready_for_discharge_at = models.DateTimeField(_("ready for discharge (utskrivningsklar)"), null=True, blank=True)
    planned_homecoming_on = models.DateField(_("planned homecoming"), null=True, blank=True)
    reason = models.TextField(_("reason for referral"))
    triage = models.CharField(_("triage"), max_length=10, choices=Triage.choices)
    exclusion_palliative = models.BooleanField(_("palliative care at end of life"), default=False)
    exclusion_psychiatric = models.BooleanField(_("extensive psychiatric diagnosis"), default=False)
    exclusion_substance = models.BooleanField(_("ongoing serious substance abuse"), default=False)
    exclusion_comment = models.TextField(_("case officer's comment on exclusions"), blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_homecoming_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(planned_homecoming_on__gte=models.F("admitted_on")),
                name="referral_homecoming_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(exclusion_palliative=False, exclusion_psychiatric=False, exclusion_substance=False)
                | ~Q(exclusion_comment=""),
                name="referral_exclusion_needs_comment",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.source_unit}"

    @property
    def triage_short(self) -> str:
        return {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}[self.triage]

    @property
    def has_exclusion(self) -> bool:
        return self.exclusion_palliative or self.exclusion_psychiatric or self.exclusion_substance


class Consent(models.Model):
    """Samtycke to information transfer between hemgångsteam and hemtjänst (Botkyrka's routine, 001)."""

    class GivenBy(models.TextChoices):
        CLIENT = "client", _("The client")
        REPRESENTATIVE = "representative", _("Legal representative (god man, förvaltare)")

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written (consent form)")
        ORAL = "oral", _("Oral")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"))
    given_by = models.CharField(_("given by"), max_length=20, choices=GivenBy.choices)
    given_by_name = models.CharField(_("name of representative"), max_length=150, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    scope = models.TextField(_("scope"))
    # Whom the consent covers (DOMAIN step 3: "its scope and recipients"): units of the hemtjänst directory,
    # chosen from the case's receivers; nothing about the client goes to a unit it does not name.
    receivers = models.ManyToManyField(
        Recipient, related_name="consents", blank=True, verbose_name=_("receivers the consent covers")
    )
    # Consents recorded before they named their receivers (migration consent_names_its_receivers) cover
    # every receiver on the case, as they were understood when given.
    covers_case_receivers = models.BooleanField(
        _("covers every receiver on the case"),
        default=False,
        help_text=_("Recorded before consent named its receivers."),
    )
    recipients = models.TextField(_("other receivers, not in the directory"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_reported_by = models.CharField(_("reported by"), max_length=150, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Set when this consent was recorded while an earlier one was still valid or had just expired: the
    # timeline shows it as a renewal (see `Consent.RENEWAL_GRACE_DAYS`).
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="renewals", null=True, blank=True, verbose_name=_("renews")
    )
    history = HistoricalRecords(m2m_fields=[receivers])

    # Consent recorded at most this many days after the earlier one ran out still counts as its renewal
    # (a weekend between the last valid day and the case officer's call).
    RENEWAL_GRACE_DAYS = 3

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("given_on")), name="consent_valid_range"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_recorded_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_recorded_by__isnull=False),
                name="consent_withdrawal_complete",
            ),
            models.CheckConstraint(
                condition=~Q(given_by="representative") | ~Q(given_by_name=""),
                name="consent_representative_named",
            ),
        ]

    def __str__(self):
        return f"{self.given_on} – {self.valid_until}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_valid_on(self, day: dt.date) -> bool:
        """Given, not expired and not withdrawn on `day`.

        A consent withdrawn during a day is treated as withdrawn for that whole day: once the client has
        said no, nothing more may be shared, whatever the hour.
        """
        if not (self.given_on <= day <= self.valid_until):
            return False
        return self.withdrawn_at is None or day < timezone.localdate(self.withdrawn_at)

    @property
    def has_expired(self) -> bool:
        """Past its last valid day (today in Stockholm). An expired consent cannot be withdrawn any more."""
        return self.valid_until < timezone.localdate()

    def not_covered(self, receivers) -> list:
        """Those of `receivers` (units of the directory) this consent does not name: nothing about the client
        may be shared with them under it (uses prefetched receivers when there are)."""
        if self.covers_case_receivers:
            return []
        named = {r.pk for r in self.receivers.all()}
        return [r for r in receivers if r.pk not in named]


# The case officer is warned about consent that ends within this many days after today (today, tomorrow,
# the day after), so that it can be renewed before information transfer to hemtjänst must stop.
CONSENT_ENDING_DAYS = 2


@dataclass(frozen=True)
class ConsentStatus:
    """What the case officer must know about a case's consent: 'ending' (valid, last day within
    CONSENT_ENDING_DAYS) or 'expired' (the latest consent ran out; none valid now), with the day."""

    kind: str
    until: dt.date

    @property
    def is_ending(self) -> bool:
        return self.kind == "ending"

    @property
    def is_expired(self) -> bool:
        return self.kind == "expired"


def consent_status(consents, day: dt.date, *, ending_days: int = CONSENT_ENDING_DAYS) -> ConsentStatus | None:
    """The consent alert for a case on `day`, from its consents; None when there is nothing to warn about.
    `ending_days`: how many days ahead an ending consent is told (a municipality's reminder setting).

    Withdrawn consents are left out: a withdrawal is shown as such, not as an expiry.
    """
    current = [c for c in consents if not c.is_withdrawn]
    valid = [c.valid_until for c in current if c.is_valid_on(day)]
    if valid:
        until = max(valid)
        return ConsentStatus("ending", until) if until <= day + dt.timedelta(days=ending_days) else None
    expired = [c.valid_until for c in current if c.valid_until < day]
    return ConsentStatus("expired", max(expired)) if expired else None


class Decision(models.Model):
    """The beslut om insatser (SoL 2025:400; earlier a biståndsbeslut under SoL 4 kap. 1 §)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, verbose_name=_("legal basis"))
    needs_assessed = models.BooleanField(
        _("after an individual needs assessment"),
        default=True,
        help_text=_("Untick when the support is given without an individual needs assessment (SoL 2025:400)."),
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    purpose = models.TextField(_("purpose"))
    goals = models.TextField(_("goals"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Counted up by every ändringsbeslut: one made from an older decision is refused with what changed.
    version = version_field()
    # An ändringsbeslut keeps its written reason as the history's change reason, so it may be long.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="decision_end_after_start"),
            models.CheckConstraint(
                condition=Q(end_date__lte=models.F("start_date") + dt.timedelta(days=89)),
                name="decision_at_most_90_days",
            ),
        ]
        # Also, in migration decision_changes_legal_basis_kind_consent_renewal: FOREIGN KEY
        # (legal_basis_id, needs_assessed) REFERENCES cases_legalbasis (id, needs_assessment): a basis
        # without individual needs assessment cannot carry a decision flagged as needs-assessed, nor the
        # other way round (Django has no composite foreign keys).

    def __str__(self):
        return f"{self.start_date} – {self.end_date}"

    @property
    def length_days(self) -> int:
        """Counting both the first and the last day, as the routine counts 'ten days'."""
        return (self.end_date - self.start_date).days + 1


class CurrentInterventionManager(models.Manager):
    """The interventions in force: those an ändringsbeslut has removed are left out.

    It is the default manager, so `decision.interventions.all()` (planning, the start notice, the
    handover, the API) means the decision as it stands. A removed row is kept, not deleted: logged visits
    and the handover refer to it, and its history shows the change. Links to it (a visit's interventions)
    go through the base manager and still find it; `Intervention.all_objects` reads every row.
    """

    def get_queryset(self):
        return super().get_queryset().filter(ended_on__isnull=True)


class Intervention(models.Model):
    """A timed insats in the decision: what, how often, how long, when in the day."""

    class Per(models.TextChoices):
        DAY = "day", _("per day")
        WEEK = "week", _("per week")

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("Morning")
        DAY = "day", _("Day")
        EVENING = "evening", _("Evening")
        NIGHT = "night", _("Night")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="interventions")
    intervention_type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, verbose_name=_("intervention"))
    times = models.PositiveSmallIntegerField(_("times"))
    per = models.CharField(_("per"), max_length=10, choices=Per.choices, default=Per.DAY)
    minutes = models.PositiveSmallIntegerField(_("planned minutes each time"))
    part_of_day = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Tapering (001: "från dag 6 anpassar teamet successivt sitt arbete till hur hemtjänsten kommer att
    # utföra insatserna"): from this date hemtjänst carries the intervention out and the team no longer
    # plans it. Set through scheduling.services.tapering_set.
    hemtjanst_from = models.DateField(_("hemtjänst carries it out from"), null=True, blank=True)
    ended_on = models.DateField(
        _("removed on"), null=True, blank=True, help_text=_("The day an ändringsbeslut removed the intervention.")
    )
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    all_objects = models.Manager()
    objects = CurrentInterventionManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(times__gte=1) & Q(times__lte=24), name="intervention_times_range"),
            models.CheckConstraint(
                condition=Q(minutes__gte=5) & Q(minutes__lte=480), name="intervention_minutes_range"
            ),
        ]

    def __str__(self):
        return f"{self.intervention_type} {self.times} {self.get_per_display()}, {self.minutes} min"
