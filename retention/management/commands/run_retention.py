"""Run the retention job by hand, or show what it would do (--dry-run). Prints ids, pseudonyms and
dates, never a name or a number."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retention import selectors, services


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise CommandError(f"--today wants a date YYYY-MM-DD, not {value!r}") from err


class Command(BaseCommand):
    help = "Gallring: clear the records the retention rules let go today, or (--dry-run) list them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what is due; change nothing.")
        parser.add_argument("--today", type=_day, default=None, help="Apply the rules as on this day.")

    def handle(self, *args, dry_run=False, today=None, **options):
        if dry_run:
            plan = selectors.retention_plan(today or timezone.localdate())
            self.stdout.write(f"Dry run for {plan.today}: nothing is changed.")
            for person in plan.persons:
                self._person(person, "would clear")
            self.stdout.write(
                f"{len(plan.persons)} persons due; kept: {plan.kept_research_sample} in the research sample, "
                f"{plan.kept_for_hsl} for a health record under ten years."
            )
            self.stdout.write(f"Access log rows older than five years: {plan.access_log_rows}.")
            return
        if today and today > timezone.localdate():
            # Clearing as on a later day would clear records before the law lets them go.
            raise CommandError("--today may be a later day only with --dry-run")
        result = services.retention_run(today=today)
        if result.busy:
            self.stdout.write("Another retention run holds the lock; nothing done.")
            return
        for person in result.persons:
            self._person(person, "cleared")
        for client_id in result.failed:
            self.stderr.write(f"clearing client {client_id} failed (logged); the next run tries again")
        self.stdout.write(
            f"Run for {result.today}: {len(result.persons)} persons cleared, {result.records} records written, "
            f"{result.access_log_rows} access log rows deleted."
        )

    def _person(self, person, verb: str) -> None:
        self.stdout.write(
            f"{verb} client {person.client_id} (person {person.person[:12]}…): last entry {person.last_entry_on}, "
            f"eligible from {person.eligible_from}, due by {person.due_by}"
        )
