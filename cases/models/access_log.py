"""Who read which client's data, when, from where (PDL 4 kap., HSLF-FS 2016:40 4 kap. 9 §).

Rows are only ever inserted. A trigger in the migration makes PostgreSQL itself refuse UPDATE and
DELETE, so neither a bug nor a person with the application's credentials can rewrite the log.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessLog(models.Model):
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, related_name="+")
    # Kept without a foreign-key constraint: the log outlives retention of the client record (≥ 5 years).
    client = models.ForeignKey("cases.Client", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    case_id = models.BigIntegerField(null=True, blank=True)
    what = models.CharField(max_length=100)
    unit = models.CharField(max_length=150, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # The unit manager's review: one client's reads, and one user's reads, newest first.
            models.Index(fields=["client", "-at"], name="accesslog_client_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what}"
