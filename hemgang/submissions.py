"""A form is saved once however often it is sent (issue 8: ten identical POSTs make one entry).

Every POST form carries a key made when the form is rendered (the `{% csrf_token %}` tag writes it, see
hemgang/template_builtins.py). `SubmissionKeyMiddleware` claims the key before the view runs, in
PostgreSQL (`INSERT … ON CONFLICT DO NOTHING`: of two racing requests exactly one wins). The winner runs
the view; when it redirects (the form was saved) the redirect is stored on the key, otherwise (the form
came back with errors) the key is released so the corrected form can be sent. A duplicate waits for the
first to finish and gets the same redirect, with a "redan sparat" message, and never runs the view.
"""

import datetime as dt
import time
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import SubmissionKey

FIELD = "submission_key"
WAIT_SECONDS = 10.0  # how long a duplicate waits for the first submission to finish
KEEP = dt.timedelta(days=1)


def new_key() -> str:
    return str(uuid.uuid4())


def parse_key(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


@dataclass(frozen=True)
class Claim:
    won: bool  # this request runs the view
    redirect_to: str = ""  # a duplicate: where the first submission led ("" if it did not finish in time)


def submission_claim(*, key: uuid.UUID, user, path: str) -> Claim:
    """Claim `key` for this request, or wait for the request that claimed it and report where it led."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SubmissionKey._meta.db_table} (key, user_id, path, created_at, redirect_to) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, '') ON CONFLICT (key) DO NOTHING RETURNING id",
                [key, user.pk, path[:300], timezone.now()],
            )
            if cursor.fetchone() is not None:
                return Claim(won=True)
        row = SubmissionKey.objects.filter(key=key).values_list("user_id", "redirect_to").first()
        if row is None:
            continue  # released meanwhile (the first came back with errors): claim it now
        owner, redirect_to = row
        if owner != user.pk:
            return Claim(won=False)  # another user's key: never theirs to replay
        if redirect_to:
            return Claim(won=False, redirect_to=redirect_to)
        if time.monotonic() >= deadline:
            return Claim(won=False)
        time.sleep(0.1)


def submission_finish(*, key: uuid.UUID, redirect_to: str) -> None:
    """The view saved and redirected: later duplicates go where it led. Otherwise the key is released."""
    if redirect_to:
        SubmissionKey.objects.filter(key=key).update(redirect_to=redirect_to[:2000])
    else:
        SubmissionKey.objects.filter(key=key).delete()


def submission_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Keys older than a day: no browser resends a form that old (run daily, see the management command)."""
    deleted, _ = SubmissionKey.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
