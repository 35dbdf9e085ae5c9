from django.core.management.base import BaseCommand

from hemgang.idempotency import idempotency_keys_purge
from hemgang.submissions import submission_keys_purge


class Command(BaseCommand):
    help = "Delete the submission keys of forms, and the API's idempotency keys, older than a day (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{submission_keys_purge()} submission keys deleted")
        self.stdout.write(f"{idempotency_keys_purge()} idempotency keys deleted")
