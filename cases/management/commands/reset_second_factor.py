from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import User


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator app and recovery codes (a lost phone): their sessions end, and the "
        "next sign-in enrols a new app. For the operator, after checking who asks."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        self.stdout.write(f"{username}: {apps} app(s) and the recovery codes removed; sign-in enrols a new app.")
