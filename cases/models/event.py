"""The case event log: one row for everything that happened to a case, in the routine's own words.

Written by the services in the same transaction as the change it records (`cases.events.record`), so an
event exists exactly when its change committed. It is what the case timeline shows, what reminders and
the unit manager's follow-up count, and what other apps listen to (`cases.hooks.on_case_event`). The
field-level detail stays in each record's history (simple-history); the event says what the change meant.

Rows are only ever inserted: a trigger in the migration makes PostgreSQL refuse UPDATE and DELETE.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        REFERRED = "referred", _("Referred")
        # A referral through the API for a client whose case is open (cases.models.referral_submission).
        REFERRAL_RECEIVED = "referral_received", _("New referral from the hospital")
        CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
        CONSENT_RENEWED = "consent_renewed", _("Consent renewed")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        DECIDED = "decided", _("Decided")
        DECISION_CHANGED = "decision_changed", _("Decision changed")
        TEAM_ASSIGNED = "team_assigned", _("Team assigned")
        STARTED = "started", _("Started")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        READMITTED = "readmitted", _("Readmitted")
        HANDOVER_SENT = "handover_sent", _("Handover sent")
        CLOSED = "closed", _("Closed")
        MEETING_BOOKED = "meeting_booked", _("Follow-up meeting booked")
        MEETING_MOVED = "meeting_moved", _("Follow-up meeting moved")
        MEETING_HELD = "meeting_held", _("Follow-up meeting held")
        MEETING_CONFIRMED = "meeting_confirmed", _("Follow-up meeting confirmed")
        RECEIVERS_CHANGED = "receivers_changed", _("Receivers changed")
        MESSAGE_SENT = "message_sent", _("Message sent")
        MESSAGE_RECEIVED = "message_received", _("Message received")
        MESSAGE_ACKNOWLEDGED = "message_acknowledged", _("Message acknowledged")
        TAPERING_SET = "tapering_set", _("Tapering to hemtjänst")

    class Means(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        TASK = "task", _("background task")
        SYSTEM = "system", _("system")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="events")
    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, related_name="+")
    # The case's team when it happened (a case changes team before the start; the follow-up counts per team).
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    # None: the system (a sweep, the seed data, a migration).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    means = models.CharField(max_length=10, choices=Means.choices, default=Means.SYSTEM)
    at = models.DateTimeField(default=timezone.now)
    # Small, and never client data beyond what the case file holds: ids, dates, a reason, a kind.
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            # The case timeline: one case in time order.
            models.Index(fields=["case", "at"], name="caseevent_case_at_idx"),
            # Reminders and the follow-up: a team's (or a municipality's) events of a kind over a period.
            models.Index(fields=["team", "kind", "at"], name="caseevent_team_kind_at_idx"),
            models.Index(fields=["municipality", "kind", "at"], name="caseevent_muni_kind_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_state="", to_state="") | ~models.Q(to_state=""),
                name="caseevent_state_change_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} case {self.case_id} {self.kind}"
