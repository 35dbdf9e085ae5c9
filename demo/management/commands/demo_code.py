"""The code a demo user's authenticator app shows now (seed_demo's published DEMO_TOTP_SECRET), for a
tester without a phone at hand. It reads no account: on a real installation no app has this key."""

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from .seed_demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current sign-in code of the demo users' authenticator app."

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(DEMO_TOTP_KEY))
        self.stdout.write(f"{code:06d}")
        self.stderr.write(
            f"Demo key {DEMO_TOTP_SECRET}; the code changes every 30 seconds. "
            "otpauth://totp/Hemg%C3%A5ng:demo?secret=" + DEMO_TOTP_SECRET + "&issuer=Hemg%C3%A5ng"
        )
