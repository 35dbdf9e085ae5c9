from django.core.management.base import BaseCommand, CommandError

from cases.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}")
        _, raw = ApiToken.issue(user)
        self.stderr.write(f"Token for {username} (shown once; store it in the integration's secret store):")
        self.stdout.write(raw)
