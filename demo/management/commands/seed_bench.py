"""Ten years of a large municipality and a small one, for the benchmarks (issues 10 and 11).

    DATABASE_URL=postgres://…/hemgang_bench manage.py migrate
    DATABASE_URL=postgres://…/hemgang_bench manage.py seed_bench [--cases 40000] [--years 10] [--seed 2026]

Bulk inserts (COPY), not the services: see `demo.bench_data`. The old records have no simple-history
rows; the case event log and the access log are complete. Refuses a database that already has cases
unless `--force`.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case, Municipality

from ...bench_data import seed as bench


class Command(BaseCommand):
    help = "Generate ten years of cases (Storköping and Lillköping) for the benchmarks. Not for production."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=40000, help="Cases of the large municipality.")
        parser.add_argument("--years", type=int, default=10, help="Years of history, ending today.")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed gives the same data.")
        parser.add_argument("--force", action="store_true", help="Run although the database has cases.")

    def handle(self, *args, cases, years, seed, force, **options):
        if Case.objects.exists() and not force:
            raise CommandError("The database already has cases. Seed an empty database, or pass --force.")
        if Municipality.objects.filter(code__in=[bench.LARGE["code"], bench.SMALL["code"]]).exists():
            raise CommandError("The bench municipalities already exist in this database.")
        if cases < 1 or years < 1:
            raise CommandError("--cases and --years must be at least 1.")
        began = time.monotonic()
        written = bench.seed(cases=cases, years=years, seed=seed, say=self.stdout.write)
        for table, rows in sorted(written.items()):
            self.stdout.write(f"{table:40} {rows:>10}")
        self.stdout.write(f"{'rows':40} {sum(written.values()):>10}")
        self.stdout.write(self.style.SUCCESS(f"Bench data generated in {time.monotonic() - began:.0f} s."))
