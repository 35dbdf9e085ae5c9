"""Seeding runs: the two municipalities, and one more year of closed history for the sweep benchmark."""

import datetime as dt
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from handover.services import unread_rows_write

from . import organisation
from .cases import MODELS, Generator
from .tables import Writer

LARGE = {"name": "Storköping", "code": "9901", "prefix": "stor", "teams": organisation.LARGE_TEAMS}
SMALL = {"name": "Lillköping", "code": "9902", "prefix": "lill", "teams": organisation.SMALL_TEAMS}
# Flushed (and committed) every so many cases: a failure half-way leaves whole cases behind.
CHUNK = 500
PRESENT_DAYS = 35


def draw(org, *, cases: int, first: dt.date, last: dt.date, present_days: int, rng, now, say) -> Writer:
    """Draw `cases` cases (closed, in `first`–`last`) plus the present of the last `present_days`."""
    writer = Writer(MODELS)
    generator = Generator(org, writer, rng=rng, now=now)
    began = time.monotonic()
    arrivals = generator.arrivals(cases=cases, first=first, last=last, present_days=present_days)
    for done, (received, team) in enumerate(arrivals, start=1):
        generator.case(received, team)
        if done % CHUNK == 0:
            with transaction.atomic():
                writer.flush()
            if done % (CHUNK * 10) == 0:
                rows = sum(writer.written.values())
                say(f"  {org.municipality.name}: {done} cases, {rows} rows, {time.monotonic() - began:.0f} s")
    with transaction.atomic():
        writer.finish()
    return writer


def seed(*, cases: int, years: int, seed: int, say) -> dict[str, int]:
    """The large municipality with `cases` cases over `years` years ending today, and a small one with an
    eighth as many: every case closed except those of the last weeks. Returns the rows written per table."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=365 * years)
    last = today - dt.timedelta(days=PRESENT_DAYS + 5)
    written = {}
    for spec, count, salt in ((LARGE, cases, 0), (SMALL, max(1, cases // 8), 1)):
        with transaction.atomic():
            org = organisation.create(**spec)
        rng = random.Random(seed * 10 + salt)  # noqa: S311 - repeatable bench data, not a secret
        writer = draw(org, cases=count, first=first, last=last, present_days=PRESENT_DAYS, rng=rng, now=now, say=say)
        for table, rows in writer.written.items():
            written[table] = written.get(table, 0) + rows
    written["handover_unreadmessage"] = unread_rows()
    analyze()
    return written


def more_history(*, cases: int, years_back: int, seed: int, say) -> dict[str, int]:
    """`cases` more closed cases for the large municipality, in the year before its `years_back` years."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=365 * (years_back + 1))
    last = today - dt.timedelta(days=365 * years_back)
    org = organisation.load(LARGE["code"])
    rng = random.Random(seed * 10 + 7)  # noqa: S311 - repeatable bench data, not a secret
    writer = draw(org, cases=cases, first=first, last=last, present_days=-1, rng=rng, now=now, say=say)
    written = dict(writer.written)
    written["handover_unreadmessage"] = unread_rows()
    analyze()
    return written


def unread_rows() -> int:
    """The unread rows the services write when a message is sent, for the messages written here in bulk:
    each receiver who is not among its readers."""
    with transaction.atomic():
        return unread_rows_write()


def history(org, *, cases: int, years: int, seed: int, say) -> dict[str, int]:
    """`cases` closed cases for `org` over the `years` years before the last weeks (the demo's past, so that
    the unit manager's follow-up has months to show; its present is seeded through the services)."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=365 * years)
    last = today - dt.timedelta(days=PRESENT_DAYS + 5)
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not a secret
    writer = draw(org, cases=cases, first=first, last=last, present_days=-1, rng=rng, now=now, say=say)
    return dict(writer.written)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them on a database that grew over the years."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
