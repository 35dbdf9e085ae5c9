"""Tokens for integrations. Only a hash is stored; the token itself is shown once, when created."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.prefix}… ({self.user_id})"

    @classmethod
    def issue(cls, user) -> tuple["ApiToken", str]:
        raw = "hg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, prefix=raw[:8], key_hash=hash_token(raw))
        return token, raw
