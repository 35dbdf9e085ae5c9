"""An API request that makes something is carried out once per `Idempotency-Key` (issue 12: a hospital
system that retries after a timeout must not make a second referral).

The key is claimed in the same transaction as the work: `INSERT … ON CONFLICT (user, key) DO NOTHING`. A
second request with the key waits in PostgreSQL on the unique index until the first commits (then it reads
the stored answer) or rolls back (then it claims the key and does the work itself). Only a success is kept:
a request refused (400, 409…) leaves nothing, so the caller may correct it and send it again with the same
key. The same key with another body is 422 `idempotency_key_reused`: a client bug that must not pass for a
retry. Keys are kept a day (KEEP, as the web forms' submission keys) and purged with them.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from .errors import DomainError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 200
KEEP = dt.timedelta(days=1)


class IdempotencyKeyRequired(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST


class IdempotencyKeyReused(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def key_from(request) -> str:
    """The request's key: 1 to 200 printable characters (a UUID is usual); 400 without one."""
    key = request.headers.get(HEADER, "").strip()
    if not key or len(key) > MAX_LENGTH or not key.isprintable():
        raise IdempotencyKeyRequired(
            _("Send an Idempotency-Key header (1–200 characters, e.g. a UUID), the same one when you retry."),
            code="idempotency_key_required",
        )
    return key


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def once(*, user, key: str, path: str, data, run: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """(status, body) of the first request with `key` from `user`: `run()` for the first, the stored answer
    for a retry with the same `data`. `run` does its writes inside this transaction."""
    mark = fingerprint(data)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {IdempotencyKey._meta.db_table} "  # noqa: S608
                "(user_id, key, path, fingerprint, created_at, response_status, response_body) "
                "VALUES (%s, %s, %s, %s, %s, 0, 'null') ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
                [user.pk, key, path[:300], mark, timezone.now()],
            )
            claimed = cursor.fetchone()
        if claimed is not None:
            code, body = run()
            IdempotencyKey.objects.filter(pk=claimed[0]).update(response_status=code, response_body=body)
            return code, body
        first = IdempotencyKey.objects.get(user=user, key=key)
    if first.fingerprint != mark or first.path != path[:300]:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was used for another request. Use a new key for a new request."),
            code="idempotency_key_reused",
        )
    return first.response_status, first.response_body


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
