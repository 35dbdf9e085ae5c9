"""The reminder sweep on ten years of data: its time and query count, per rule, and that neither grows
with closed cases (issue 10, "Show"). A benchmark, not a test: run it against the `seed_bench` database.

    DATABASE_URL=postgres://…/hemgang_bench python bench/reminder_sweep.py [--more 4000] [--explain]

1. For each registered rule, its candidate query alone (`rule.find(now)`, read to the end, nothing stored):
   queries, wall time, the slowest statement.
2. The whole sweep twice: the first stores what is due and sends it (e-mail to memory, the sending in
   process), the second finds nothing new.
3. `--more` closed cases are added (one more year of history, before the ten) and 1 and the second kind
   of sweep are measured again, side by side with the figures before.
With `--explain`, EXPLAIN ANALYZE of each rule's slowest statement, before and after.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemgang.settings")
# No broker: the sending tasks run in process (eager), so nothing is left queued in a shared Redis.
os.environ.pop("REDIS_URL", None)

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Case  # noqa: E402
from notifications import reminders  # noqa: E402
from notifications.models import Notification  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Counter:
    """Every statement run while it is installed, with its time (a `connection.execute_wrapper`)."""

    def __init__(self):
        self.statements: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - began, sql, params))

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def slowest(self):
        return max(self.statements, key=lambda s: s[0], default=(0.0, "", None))


def measured(work):
    counter = Counter()
    began = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    return result, time.perf_counter() - began, counter


def candidates(now, *, runs: int = 3) -> dict[str, dict]:
    """Each rule's find() alone, the best of `runs` (warm caches): how many due, queries, seconds, the
    slowest statement and its execution time as EXPLAIN ANALYZE measures it in the server."""
    figures = {}
    for rule in reminders.rules():
        best = None
        for _ in range(runs):
            due, seconds, counter = measured(lambda rule=rule: sum(1 for _ in rule.find(now)))
            if best is None or seconds < best[1]:
                best = (due, seconds, counter)
        due, seconds, counter = best
        plan, server_ms = explain(counter.slowest)
        figures[rule.kind] = {
            "due": due,
            "queries": counter.count,
            "seconds": seconds,
            "slowest": counter.slowest,
            "plan": plan,
            "server_ms": server_ms,
        }
    return figures


def sweep(now) -> dict:
    result, seconds, counter = measured(lambda: reminders.sweep(now))
    return {"waiting": sum(result.values()), "queries": counter.count, "seconds": seconds}


def explain(statement) -> tuple[str, float]:
    """EXPLAIN ANALYZE of a statement: the plan, and its execution time in ms."""
    _seconds, sql, params = statement
    if not sql.lstrip().upper().startswith("SELECT"):
        return "(not a SELECT)", 0.0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    server_ms = next(float(line.split()[2]) for line in lines if line.startswith("Execution Time"))
    return "\n".join(f"      {line}" for line in lines), server_ms


def table_size() -> str:
    closed = Case.objects.exclude(state__in=["referred", "decided", "active", "handed_over"]).count()
    open_ = Case.objects.filter(state__in=["referred", "decided", "active", "handed_over"]).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM scheduling_visit), (SELECT count(*) FROM handover_delivery), "
            "(SELECT count(*) FROM cases_caseevent)"
        )
        visits, deliveries, events = cursor.fetchone()
    return f"{closed} closed + {open_} open cases, {visits} visits, {deliveries} deliveries, {events} events"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--more", type=int, default=4000, help="closed cases to add (0: none)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    print(f"database {connection.settings_dict['NAME']}: {table_size()}")
    print(f"rules: {', '.join(rule.kind for rule in reminders.rules())}")

    now = timezone.now()
    before = candidates(now)
    stored_before = Notification.objects.count()
    first = sweep(now)
    stored = Notification.objects.count() - stored_before
    second = sweep(now)
    print(
        f"\nfirst sweep:  {stored} reminders stored and sent, {first['queries']} queries, "
        f"{first['seconds'] * 1000:.0f} ms"
    )
    print(
        f"second sweep: nothing new ({second['waiting']} waiting), {second['queries']} queries, "
        f"{second['seconds'] * 1000:.0f} ms"
    )

    after, again = before, second
    if args.more:
        from demo.bench_data import seed  # the generator of seed_bench, one more year of closed history

        years = max(1, round((now - Case.objects.order_by("created_at").first().created_at).days / 365))
        began = time.perf_counter()
        written = seed.more_history(cases=args.more, years_back=years, seed=args.seed, say=print)
        print(
            f"\nadded {written.get('cases_case', 0)} closed cases ({sum(written.values())} rows) in "
            f"{time.perf_counter() - began:.0f} s: {table_size()}"
        )
        now = timezone.now()
        after = candidates(now)
        again = sweep(now)

    print("\nfind() of each rule, best of 3; slowest statement: its EXPLAIN ANALYZE execution time")
    print(f"{'rule':26} {'due':>9} {'queries':>13} {'wall ms':>15} {'slowest SQL ms':>15}")
    halves = f"{'before':>6} {'after':>6} {'before':>7} {'after':>7} {'before':>7} {'after':>7}"
    print(f"{'':26} {'bef':>4} {'aft':>4} {halves}")
    for kind, b in before.items():
        a = after[kind]
        print(
            f"{kind:26} {b['due']:>4} {a['due']:>4} {b['queries']:>6} {a['queries']:>6} "
            f"{b['seconds'] * 1000:>7.1f} {a['seconds'] * 1000:>7.1f} {b['server_ms']:>7.2f} {a['server_ms']:>7.2f}"
        )
    print(
        f"{'second sweep (all rules)':26} {'':>9} {second['queries']:>6} {again['queries']:>6} "
        f"{second['seconds'] * 1000:>7.1f} {again['seconds'] * 1000:>7.1f}"
    )
    if args.explain:
        for kind, a in after.items():
            print(f"\n{kind}: slowest statement, after\n      {a['slowest'][1][:300]}")
            print(a["plan"])


if __name__ == "__main__":
    main()
