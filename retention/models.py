"""What the retention job did: one run a call, one record for every record it anonymised or deleted.

Both are append-only (PostgreSQL refuses UPDATE and DELETE, migration 0002): the proof that a person's
records were cleared must outlive the records. No simple-history on them for the same reason the access
log has none: a row is never changed, so there is no history to keep. A record names the person by a
keyed pseudonym (retention.rules.person_pseudonym), never by the personnummer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    # The day the rules were applied for (the job's today; `run_retention --today` may name another).
    day = models.DateField(_("day"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.day} {self.started_at:%H:%M}"


class RetentionRecord(models.Model):
    class Action(models.TextChoices):
        ANONYMISED = "anonymised", _("Anonymised")
        DELETED = "deleted", _("Deleted")

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records")
    # The person's municipality (its unit managers see the record); none for the access log's rows.
    municipality = models.ForeignKey(
        "cases.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The model's label, e.g. "cases.client", "scheduling.journalentry", "cases.accesslog".
    kind = models.CharField(_("kind"), max_length=60)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    record_id = models.BigIntegerField(_("record id"))
    # Rows this record stands for: 1, or the access log's rows up to `record_id` deleted at once.
    count = models.PositiveIntegerField(_("rows"), default=1)
    # HMAC of the personal number; blank for the access log's rows.
    person = models.CharField(_("person (pseudonym)"), max_length=64, blank=True)
    last_entry_on = models.DateField(_("last entry"), null=True, blank=True)
    due_by = models.DateField(_("due by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), default=timezone.now)

    class Meta:
        verbose_name = _("retention record")
        verbose_name_plural = _("retention records")
        ordering = ["-done_at", "-id"]
        constraints = [
            # A record is cleared once: a second run finds it done (the job is idempotent). The index also
            # serves the plan's "clients not yet anonymised" (kind = 'cases.client', record_id = client).
            models.UniqueConstraint(fields=["kind", "record_id"], name="retention_record_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="retention_record_count_positive"),
        ]
        indexes = [
            # The records page: a municipality's records (and the access log's), newest first.
            models.Index(fields=["municipality", "-done_at"], name="retention_record_muni_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.record_id} {self.action}"
