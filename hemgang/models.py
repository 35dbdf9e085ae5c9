"""One submission of a rendered form, claimed once (a double click or a resent POST saves once).

Not client data and not a domain record: it holds a random key, who sent it and where the first
submission led. No history (it is a lock, not a record of the case), purged after a day.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmissionKey(models.Model):
    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    # Where the first submission led (its redirect); empty while it runs.
    redirect_to = models.CharField(max_length=2000, blank=True)

    class Meta:
        indexes = [
            # The purge: rows older than a day.
            models.Index(fields=["created_at"], name="submissionkey_created_idx"),
        ]

    def __str__(self):
        return str(self.key)
