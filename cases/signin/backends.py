"""Who may sign in to the web pages, and how.

An integration account (the hospital's system, a hemtjänst provider's) uses its API token only: it is refused
here exactly as a wrong password is, so the answer tells nobody which accounts exist or what they are.
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from hemgang.auth_backends import StaffModelBackend

from ..models import Role

log = logging.getLogger(__name__)


# Machines' accounts: the hospital's system and a hemtjänst provider's. Their tokens are their only way in.
INTEGRATION_ROLES = (Role.INTEGRATION, Role.PROVIDER_INTEGRATION)


def may_sign_in_to_pages(user) -> bool:
    return user.is_active and user.role not in INTEGRATION_ROLES


class StaffPasswordBackend(StaffModelBackend):
    """The local password (development, and the break-glass account when the identity provider is used).
    The password is checked first in every case, so a refused integration account costs the same time."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not may_sign_in_to_pages(user):
            return None
        return user


class IdentityProviderBackend(OIDCAuthenticationBackend):
    """Sign-in through the municipality's identity provider (mozilla-django-oidc does the code flow,
    the token's signature against the provider's JWKS, its expiry and the nonce).

    Added here: the token names this provider as issuer and this client as audience, its `acr` is one of
    settings.OIDC_REQUIRED_ACR (e.g. SITHS eID or Freja eID at the level the municipality requires), and it
    maps to exactly one existing active staff account by settings.OIDC_USER_CLAIM → OIDC_USER_FIELD;
    an account is never created. Why a sign-in was refused is left on the request for the login page.
    """

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's added when the provider has one (the ID
        token's win: they are the signed ones)."""
        claims = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        claims.update(payload)
        return claims

    def verify_claims(self, claims):
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("iss") != settings.OIDC_OP_ISSUER or self.OIDC_RP_CLIENT_ID not in audiences:
            return self._refuse("issuer", claims)
        if claims.get("acr") not in settings.OIDC_REQUIRED_ACR:
            return self._refuse("acr", claims)
        return True

    def filter_users_by_claims(self, claims):
        value = claims.get(settings.OIDC_USER_CLAIM)
        if not value:
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(
            **{f"{settings.OIDC_USER_FIELD}__iexact": str(value)}, is_active=True
        ).exclude(role__in=[*INTEGRATION_ROLES, ""])
        if not users.exists():
            self._refuse("unknown", claims)
        return users

    def get_user(self, user_id):
        """As the password backend: an account made inactive loses its session (mozilla's own get_user does
        not check)."""
        return ModelBackend.get_user(self, user_id)

    def _refuse(self, why: str, claims) -> bool:
        log.warning("OIDC sign-in refused (%s) for sub=%s acr=%s", why, claims.get("sub"), claims.get("acr"))
        if getattr(self, "request", None) is not None:
            self.request.oidc_refusal = why
        return False
