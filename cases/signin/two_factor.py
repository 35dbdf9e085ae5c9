"""The second factor: a TOTP app (RFC 6238, django-otp's TOTPDevice) and ten recovery codes for the day the
phone is lost (django-otp's StaticDevice; a code is deleted when used).

Enrolment happens at the first sign-in of an account without an app: the key is shown as a QR code and in
text, and is confirmed only by a code made from it, so nobody is left with an app that does not work.
"""

import base64

import segno
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_NAME = "Autentiseringsapp"
RECOVERY_NAME = "Reservkoder"


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_app(user) -> TOTPDevice:
    """The app being enrolled: the same key on every visit until it is confirmed (a QR code scanned on the
    first visit still works after a reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_in_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice, label: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image file, no inline style: the CSP allows it)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, svgclass="qr-code", lineclass=None)
    return mark_safe(svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1))  # noqa: S308


@transaction.atomic
def confirm_app(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being enrolled with a code from it; then the user's other apps and old recovery codes
    go, and ten new recovery codes are made. Returns the codes (shown once, stored only as used/unused rows
    of the user's own device), or None for a wrong code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def check_code(user, code: str):
    """(the device that accepts `code`, whether a device refused to check at all). The app is tried first,
    else a recovery code (which is then used up). django-otp throttles each device after a wrong code
    (1 s, 2 s, 4 s, … before the next try) and accepts a TOTP code only once."""
    code = "".join(code.split()).lower()
    throttled = False
    candidates = []
    app = confirmed_app(user)
    if app is not None and code.isdigit():
        candidates.append(app)
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is not None:
        candidates.append(static)
    for device in candidates:
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            if not device.verify_is_allowed()[0]:
                throttled = True
                continue
            if device.verify_token(code):
                return device, False
    return None, throttled


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
