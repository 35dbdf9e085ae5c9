import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import ApiToken, Role, Scope, User

# The scope each integration role uses, when none is given.
ROLE_SCOPES = {Role.INTEGRATION: [Scope.REFERRALS], Role.PROVIDER_INTEGRATION: [Scope.MESSAGES]}


class Command(BaseCommand):
    help = (
        "Create an API token for the integration account USERNAME and print it once (only its hash is stored). "
        "The administrator's page /konton/nycklar/ does the same, and lists and revokes tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Which integration (default: the username).")
        parser.add_argument("--scope", action="append", choices=Scope.values, help="Repeat for more than one.")
        parser.add_argument("--days", type=int, default=365, help="Valid this many days (default 365).")

    def handle(self, *args, username, name, scope, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}")
        scopes = scope or ROLE_SCOPES.get(user.role)
        if not scopes:
            raise CommandError("Give --scope: the account is not an integration account")
        _, raw = ApiToken.issue(
            user, name=name or username, scopes=scopes, expires_at=timezone.now() + dt.timedelta(days=days)
        )
        self.stderr.write(f"Token for {username} (shown once; store it in the integration's secret store):")
        self.stdout.write(raw)
