from django.core.management.base import BaseCommand

from hemgang.submissions import submission_keys_purge


class Command(BaseCommand):
    help = "Delete the submission keys of forms sent more than a day ago (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{submission_keys_purge()} submission keys deleted")
