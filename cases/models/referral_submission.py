"""What an integration sent to POST /api/v1/referrals/: one row per referral received, whatever became of it.

The API answers with this row's id, never a case's, and its status endpoint reads this row: a referral for a
person who already has an open case is received exactly as a new one, and the hospital learns nothing it did
not send (issue 12: a 409 told it whether a person had an open case). The case officer finds a referral to an
open case as "Ny aktualisering från sjukhuset" on that case's timeline (CaseEvent REFERRAL_RECEIVED), with
what was sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReferralSubmission(models.Model):
    class Outcome(models.TextChoices):
        NEW_CASE = "new_case", _("Opened a case")
        OPEN_CASE = "open_case", _("Added to the client's open case")

    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referral_submissions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    received_at = models.DateTimeField(default=timezone.now)
    # The referral's fields as sent (the case file's, without the personnummer): for the case officer.
    sent = models.JSONField(default=dict)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral received")
        verbose_name_plural = _("referrals received")
        indexes = [
            # The status endpoint: one submission of the integration's own.
            models.Index(fields=["submitted_by", "received_at"], name="refsubmission_by_received_idx"),
        ]

    def __str__(self):
        return f"{self.pk} ({self.get_outcome_display()})"

    @property
    def status(self) -> str:
        """What the integration may know of its referral. One added to a case already open is "received"
        for good: the open case's state is not the hospital's to learn."""
        if self.outcome == self.Outcome.OPEN_CASE:
            return ReferralStatus.RECEIVED
        return STATUS_OF_STATE[self.case.state]


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted (decided)")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Support under way")
    ENDED = "ended", _("Ended")


STATUS_OF_STATE = {
    "referred": ReferralStatus.RECEIVED,
    "decided": ReferralStatus.ACCEPTED,
    "declined": ReferralStatus.DECLINED,
    "active": ReferralStatus.ACTIVE,
    "handed_over": ReferralStatus.ACTIVE,
    "closed": ReferralStatus.ENDED,
    "withdrawn": ReferralStatus.ENDED,
    "readmitted": ReferralStatus.ENDED,
}
