"""Tokens for integrations. Only a hash is stored; the token itself is shown once, when created.

A token belongs to one integration account (`user`, whose role and units decide what it may see, as for a
person) and names the integration (`name`). Its `scopes` say which part of the API it may call at all
(cases.access.RulePermission): `referrals` for the hospital's system, `messages` for a hemtjänst provider's.
It stops working when it expires or is revoked; the revoke page is the administrator's (/konton/nycklar/).
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEFAULT_LIFETIME = dt.timedelta(days=365)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_expiry() -> dt.datetime:
    return timezone.now() + DEFAULT_LIFETIME


class Scope(models.TextChoices):
    REFERRALS = "referrals", _("Referrals: create them and read their status")
    MESSAGES = "messages", _("Messages to a home-care provider's units")


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("integration"), max_length=200, help_text=_("E.g. the hospital's record system."))
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices), verbose_name=_("scopes"))
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # None: made outside the pages (the command, the demo data).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A token that reads client data (`messages`) works only once a unit manager other than its issuer has
    # approved it (issue 12: an administrator alone gives no one access to client data); None: waiting.
    # Tokens that read none (`referrals`), and those made outside the pages, are approved when made.
    approved_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The hash is no secret, but it has no business in a second table; last_used_at changes by UPDATE only.
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__len__gt=0) & Q(scopes__contained_by=Scope.values),
                name="apitoken_scopes_known",
                violation_error_message=_("Choose at least one scope, of the known ones."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="apitoken_revoked_by_whom",
                violation_error_message=_("A revoked token names who revoked it."),
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(approved_at__isnull=False),
                name="apitoken_approved_when",
                violation_error_message=_("An approved token says when it was approved."),
            ),
        ]

    def __str__(self):
        return f"{self.name or self.prefix} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        """Neither revoked nor expired (the authentication asks the database the same)."""
        return self.approved_at is not None and self.revoked_at is None and self.expires_at > (now or timezone.now())

    @classmethod
    def issue(
        cls, user, *, scopes, name: str = "", created_by=None, expires_at: dt.datetime | None = None
    ) -> tuple["ApiToken", str]:
        """A new token for `user`; the raw token is returned once and never stored. Use
        cases.services.api_token_issue from pages (it checks who may and records the account event)."""
        raw = "hg_" + secrets.token_urlsafe(32)
        token = cls(
            user=user,
            name=name,
            scopes=list(dict.fromkeys(scopes)),
            prefix=raw[:8],
            key_hash=hash_token(raw),
            created_by=created_by,
            expires_at=expires_at or default_expiry(),
        )
        token._history_user = created_by  # hemgang.history.save_as, which models cannot import
        token.save()
        return token, raw
