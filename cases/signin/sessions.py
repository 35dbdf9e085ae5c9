"""What a session records about its sign-in, read by the middleware on every request without a query.

- `SIGNED_IN_AT`: when the password (or the identity provider) was accepted; the session ends
  `SESSION_ABSOLUTE_SECONDS` later whatever happens.
- `LAST_SEEN`: the last request, renewed at most once a minute (a write on every request would cost an
  UPDATE of the session row on every page); the session ends `SESSION_IDLE_SECONDS` after it.
- `SECOND_FACTOR`: how the second factor was given ("totp", "recovery", "oidc"); without it only the
  sign-in pages open. django-otp's own key (`otp_device_id`) names the device that was used.
"""

import time

import django_otp
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
SECOND_FACTOR = "second_factor"
RENEW_AFTER_SECONDS = 60


def now() -> int:
    return int(time.time())


def started(request) -> None:
    """A new sign-in: the clocks start, and any second factor of an earlier sign-in in this browser is
    forgotten (a password alone never inherits one)."""
    session = request.session
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now()
    session.pop(SECOND_FACTOR, None)
    session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)


def second_factor_given(request, how: str, device=None) -> None:
    """The second factor was accepted: recorded in the session, under a new session key (whoever knew the
    key of the half-signed-in session does not inherit the whole one)."""
    request.session.cycle_key()
    if device is not None:
        django_otp.login(request, device)
    request.session[SECOND_FACTOR] = how


def has_second_factor(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(SECOND_FACTOR))


def expired(request) -> str:
    """ "idle" or "absolute" when the session has outlived its limits, else "". A recorded time in the
    future (a clock set back) counts as now."""
    session = request.session
    moment = now()
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        return "absolute"  # a session from before these limits: sign in again
    if moment - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if moment - last_seen >= settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


def seen(request) -> None:
    """Renew the idle clock, writing the session at most once a minute."""
    if now() - request.session.get(LAST_SEEN, 0) >= RENEW_AFTER_SECONDS:
        request.session[LAST_SEEN] = now()


def end_sessions_of(user_id: int) -> int:
    """Delete every live session of the user (the database session backend: settings.SESSION_ENGINE is
    Django's default). Sessions are signed blobs, so the live ones are read; there are at most as many as
    sign-ins within the last SESSION_ABSOLUTE_SECONDS. In the caller's transaction: the change that ends
    them and the ending stand or fall together. Returns how many ended."""
    wanted = str(user_id)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == wanted
    ]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
