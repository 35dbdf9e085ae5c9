"""Who read which client's data, when, from where (PDL 4 kap., HSLF-FS 2016:40 4 kap. 9 §).

Rows are only ever inserted (issue 12, migration 0017). The app's database role may only INSERT and SELECT
it (hemgang/db_roles.py); a trigger refuses UPDATE and DELETE even to the owner, except the owner's
deletion of rows older than five years (retention). On insert the database itself stamps the time (no
back-dated row from the app) and chains the row to the one before: `hash` is SHA-256 over the previous
row's hash and the row's own fields, so `manage.py verify_access_log` finds a changed or a missing row.
A read that was refused — the object exists, the user may not see it — is logged too (`denied`).
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
    # The read was refused (a 404 for an object that exists).
    denied = models.BooleanField(default=False)
    # Set by the database on insert, never by the app.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # The unit manager's review: one client's reads, and one user's reads, newest first.
            models.Index(fields=["client", "-at"], name="accesslog_client_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_idx"),
            # The review's summary: a municipality's reads over a period (audit.selectors).
            models.Index(fields=["municipality", "-at"], name="accesslog_municipality_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what}"
