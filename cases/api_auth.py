from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken
from .models.api_token import hash_token

# Bad tokens are counted by django-axes, as failed passwords are: one store in the database (shared by every
# worker, unlike a per-process cache), one cool-off setting, shown and reset in the admin's access attempts.
# They are counted per address under this name, which no account can have (usernames take no parentheses).
TOKEN_CREDENTIALS = {"username": "(api-token)"}


def failure_limit(request, credentials) -> int:
    """settings.AXES_FAILURE_LIMIT: failed tokens have their own limit (a system retrying is not a person
    mistyping)."""
    if (credentials or {}).get("username") == TOKEN_CREDENTIALS["username"]:
        return settings.API_TOKEN_FAILURE_LIMIT
    return settings.LOGIN_FAILURE_LIMIT


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token hg_…` for integrations. Tokens are stored hashed (SHA-256), never in clear.

    An address that sent settings.API_TOKEN_FAILURE_LIMIT bad tokens is refused with 429 for
    settings.AXES_COOLOFF_TIME, good token or not (a guesser must not learn when it hit one)."""

    def authenticate(self, request):
        self._request = request._request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        request = self._request
        if AxesProxyHandler.is_locked(request, TOKEN_CREDENTIALS):
            raise exceptions.Throttled(detail=_("Too many invalid tokens from this address. Try again later."))
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(key), approved_at__isnull=False, revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        # An expired token is refused as a revoked one is, and counted as a bad one (nobody should still send it);
        # so is one still waiting for a unit manager's approval.
        if token is None or not token.user.is_active:
            user_login_failed.send(sender=__name__, credentials=TOKEN_CREDENTIALS, request=request)
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
