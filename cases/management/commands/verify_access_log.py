"""Check the access log's hash chain (issue 12): every row's hash is SHA-256 over the previous row's hash
and its own fields (cases/migrations/0017_accesslog_chain.py). A changed row no longer matches its hash;
a removed or inserted one breaks the link of the row after it. One query, streamed by PostgreSQL.

Prints the rows checked and the chain's head (its last hash): written down elsewhere (the review's
minutes), it also shows later that no row was cut off the end. Exits with status 1 on a break."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

CHECK = """
WITH chain AS (
    SELECT id, hash, prev_hash, cases_accesslog_row_hash(l) AS recomputed,
           lag(hash) OVER (ORDER BY id) AS previous, row_number() OVER (ORDER BY id) AS n
    FROM cases_accesslog l
)
SELECT
    count(*),
    max(id),
    (SELECT hash FROM cases_accesslog ORDER BY id DESC LIMIT 1),
    array_agg(id ORDER BY id) FILTER (WHERE hash IS DISTINCT FROM recomputed),
    array_agg(id ORDER BY id) FILTER (WHERE n > 1 AND prev_hash IS DISTINCT FROM previous)
FROM chain
"""


class Command(BaseCommand):
    help = "Verify the access log's hash chain: a changed, removed or inserted row is reported."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        with connections[database].cursor() as cursor:
            cursor.execute(CHECK)
            count, last_id, head, changed, unlinked = cursor.fetchone()
        self.stdout.write(f"{count} rows checked, last id {last_id or '-'}, head {head or '-'}")
        if changed or unlinked:
            for label, ids in (("changed", changed), ("link broken before", unlinked)):
                if ids:
                    shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
                    self.stderr.write(f"{label}: {len(ids)} rows (ids {shown})")
            raise CommandError("The access log's chain is broken.")
        self.stdout.write("The chain is whole.")
