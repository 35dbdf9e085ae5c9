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


class IdempotencyKey(models.Model):
    """An API request that makes something, claimed once per caller and `Idempotency-Key` header
    (hemgang/idempotency.py): a retry with the same key and body gets the first answer back, stored here.

    Like SubmissionKey a lock and not a record: the body stored is the API's answer (ids and a status,
    never client data), `fingerprint` a hash of the request body. Purged with the submission keys."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_per_user")]
        indexes = [
            # The purge: rows older than the time a client may retry in.
            models.Index(fields=["created_at"], name="idempotencykey_created_idx"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
