"""Signing in through the real pages, for the login tests."""

from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "test-password-123"


def app_for(user) -> TOTPDevice:
    """A confirmed TOTP app, as enrolment leaves it."""
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    """The code the phone shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"


def password_step(user, password=PASSWORD, http=None, **extra):
    http = http or HttpClient()
    response = http.post(reverse("login"), {"username": user.username, "password": password}, **extra)
    return http, response
