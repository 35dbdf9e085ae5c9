"""The log review's queries (HSLF-FS 2016:40 4 kap. 9 §): a municipality's access-log rows of a period, each
with its flags, computed in the database.

The flags of a read (`FLAGS`), defined so that a reviewer can check them by hand:

- `outside`: the reader had no case of theirs with the client. Team staff and unit managers: no case of the
  client registered by the time of the read on a team they belong to or lead (their teams today). Case
  officers: the client is of another municipality. Others (hemtjänst, integration) read only what their
  rules hand them, and are not flagged.
- `burst`: the reader had read more than LOG_REVIEW_BURST_CLIENTS distinct clients in the
  LOG_REVIEW_BURST_MINUTES up to and including this read.
- `protected`: the client has protected personal data (Client.protected_identity).
- `after_close`: the client had a case that had ended before the read, and no case open at the time of it
  (registered by then and not ended before it).
- `denied`: the read was refused (a 404 for a client that exists).

The review's own reads (`what` beginning with "audit.") are listed, but raise only `protected` and `denied`:
the unit manager reads every client there as their duty, not by their teams or cases.

Every query starts from an index: the municipality's rows of the period (accesslog_municipality_idx), one
user's (accesslog_user_idx) or one client's (accesslog_client_idx); the flags are EXISTS and counts over the
same indexes and the case's client index, never the whole log in Python.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

FLAGS = ("outside", "burst", "protected", "after_close", "denied")
PAGE_SIZE = 50
# An export or an extract is of one user or one client over at most a year: bounded, but not paged.
EXPORT_LIMIT = 20_000
SUMMARY_LIMIT = 100

_FLAGGED = """
WITH base AS (
    SELECT l.id, l.at, l.user_id, l.client_id, l.case_id, l.what, l.unit, l.path, l.ip_address, l.denied
    FROM cases_accesslog l
    WHERE l.municipality_id = %(municipality)s AND l.at >= %(start)s AND l.at < %(end)s {only}
), flagged AS (
    SELECT b.*,
        u.first_name AS user_first_name, u.last_name AS user_last_name, u.email AS user_email,
        u.role AS user_role, u.profession AS user_profession,
        c.first_name AS client_first_name, c.last_name AS client_last_name, c.personal_number,
        (NOT b.denied AND b.what NOT LIKE 'audit.%%' AND CASE
            WHEN u.role = 'case_officer' THEN c.municipality_id IS DISTINCT FROM u.municipality_id
            WHEN u.role IN ('team_staff', 'unit_manager') THEN NOT EXISTS (
                SELECT 1 FROM cases_case k
                WHERE k.client_id = b.client_id AND k.created_at <= b.at
                  AND (k.team_id = u.team_id
                       OR k.team_id IN (SELECT lt.team_id FROM cases_user_led_teams lt WHERE lt.user_id = u.id)))
            ELSE false END) AS outside,
        (b.what NOT LIKE 'audit.%%'
            AND (SELECT count(*) FROM cases_accesslog w
                 WHERE w.user_id = b.user_id AND w.at > b.at - %(window)s AND w.at <= b.at
                   AND w.what NOT LIKE 'audit.%%') > %(burst)s
            AND (SELECT count(DISTINCT w.client_id) FROM cases_accesslog w
                 WHERE w.user_id = b.user_id AND w.at > b.at - %(window)s AND w.at <= b.at
                   AND w.what NOT LIKE 'audit.%%') > %(burst)s) AS burst,
        coalesce(c.protected_identity, false) AS protected,
        (NOT b.denied AND b.what NOT LIKE 'audit.%%'
            AND EXISTS (SELECT 1 FROM cases_case k WHERE k.client_id = b.client_id AND k.ended_at < b.at)
            AND NOT EXISTS (
                SELECT 1 FROM cases_case k
                WHERE k.client_id = b.client_id AND k.created_at <= b.at
                  AND (k.ended_at IS NULL OR k.ended_at >= b.at))) AS after_close
    FROM base b
    JOIN cases_user u ON u.id = b.user_id
    LEFT JOIN cases_client c ON c.id = b.client_id
)
"""

_ANY_FLAG = "(outside OR burst OR protected OR after_close OR denied)"


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last` (dates in Stockholm)."""

    first: dt.date
    last: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min))
        return start, end


@dataclass(frozen=True)
class Read:
    id: int
    at: dt.datetime
    user_id: int
    client_id: int
    case_id: int | None
    what: str
    unit: str
    path: str
    ip_address: str | None
    denied: bool
    user_first_name: str
    user_last_name: str
    user_email: str
    user_role: str
    user_profession: str
    client_first_name: str | None
    client_last_name: str | None
    personal_number: str | None
    outside: bool
    burst: bool
    protected: bool
    after_close: bool

    @property
    def flags(self) -> list[str]:
        return [flag for flag in FLAGS if getattr(self, flag)]

    @property
    def user_name(self) -> str:
        return f"{self.user_first_name} {self.user_last_name}".strip() or self.user_email

    @property
    def client_name(self) -> str:
        return f"{self.client_first_name or ''} {self.client_last_name or ''}".strip()


def _params(municipality_id: int, period: Period, **extra) -> dict:
    start, end = period.bounds()
    return {
        "municipality": municipality_id,
        "start": start,
        "end": end,
        "window": dt.timedelta(minutes=settings.LOG_REVIEW_BURST_MINUTES),
        "burst": settings.LOG_REVIEW_BURST_CLIENTS,
        **extra,
    }


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_READ_COLUMNS = ", ".join(Read.__dataclass_fields__)


def reads(
    municipality_id: int,
    period: Period,
    *,
    user_id: int | None = None,
    client_id: int | None = None,
    flagged_only: bool = False,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> tuple[list[Read], int]:
    """One user's or one client's reads of the period, newest first, a page at a time, and how many there
    are in all (one query)."""
    only = "AND l.user_id = %(user)s" if user_id is not None else "AND l.client_id = %(client)s"
    sql = (
        _FLAGGED.format(only=only)  # noqa: S608 - the filter is one of two constants
        + f"SELECT {_READ_COLUMNS}, count(*) OVER () FROM flagged"  # noqa: S608 - constant column names
        + (f" WHERE {_ANY_FLAG}" if flagged_only else "")
        + " ORDER BY at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s"
    )
    rows = _fetch(
        sql,
        _params(
            municipality_id,
            period,
            user=user_id,
            client=client_id,
            limit=per_page,
            offset=(max(page, 1) - 1) * per_page,
        ),
    )
    return [Read(*row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


@dataclass(frozen=True)
class Summary:
    """One user's or one client's reads of the period: how many, of how many clients (or by how many users),
    and how many of them carry each flag."""

    kind: str  # "user" or "client"
    id: int
    name: str
    detail: str
    reads: int
    others: int
    outside: int
    burst: int
    protected: int
    after_close: int
    denied: int

    @property
    def flagged(self) -> int:
        return self.outside + self.burst + self.protected + self.after_close + self.denied


def summary(municipality_id: int, period: Period) -> tuple[list[Summary], list[Summary]]:
    """The users and the clients of the period's reads, the flagged first (most flags first), at most
    SUMMARY_LIMIT of each (one query)."""
    counts = ", ".join(f"count(*) FILTER (WHERE {flag})" for flag in FLAGS)
    total_flags = " + ".join(f"count(*) FILTER (WHERE {flag})" for flag in FLAGS)
    sql = (
        _FLAGGED.format(only="")  # noqa: S608 - constant flag names only
        + f"""
, users AS (
    SELECT 'user', user_id, max(user_first_name || ' ' || user_last_name), max(user_role), count(*),
        count(DISTINCT client_id), {counts}
    FROM flagged GROUP BY user_id ORDER BY {total_flags} DESC, count(*) DESC, user_id LIMIT %(limit)s
), clients AS (
    SELECT 'client', client_id, max(coalesce(client_first_name, '') || ' ' || coalesce(client_last_name, '')),
        max(personal_number), count(*), count(DISTINCT user_id), {counts}
    FROM flagged GROUP BY client_id ORDER BY {total_flags} DESC, count(*) DESC, client_id LIMIT %(limit)s
)
SELECT * FROM users UNION ALL SELECT * FROM clients"""  # noqa: S608
    )
    rows = [Summary(*row) for row in _fetch(sql, _params(municipality_id, period, limit=SUMMARY_LIMIT))]
    by_flags = lambda s: (-s.flagged, -s.reads, s.id)  # noqa: E731 — UNION ALL keeps no order
    users = sorted((s for s in rows if s.kind == "user"), key=by_flags)
    clients = sorted((s for s in rows if s.kind == "client"), key=by_flags)
    return users, clients
