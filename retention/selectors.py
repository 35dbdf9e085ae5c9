"""What the retention job would clear today: a pure read (`run_retention --dry-run` prints it)."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import DateTimeField, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from cases.models import OPEN_STATES, Case, CaseEvent, Client, Consent
from handover.models import HandoverSummary, Message
from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating
from scheduling.models import JournalEntry, Visit

from . import rules
from .models import RetentionRecord

CLIENT_KIND = "cases.client"
ACCESS_LOG_KIND = "cases.accesslog"


@dataclass(frozen=True)
class DuePerson:
    client_id: int
    person: str  # the pseudonym, never the number
    last_entry_on: dt.date
    eligible_from: dt.date
    due_by: dt.date


@dataclass(frozen=True)
class Plan:
    today: dt.date
    persons: tuple[DuePerson, ...]
    kept_research_sample: int
    kept_for_hsl: int
    access_log_rows: int
    access_log_last_id: int | None

    @property
    def is_empty(self) -> bool:
        return not self.persons and not self.access_log_rows


def _latest(model, client_path: str, field: str, **filters):
    """The newest `field` of the client's rows of `model`: one correlated subquery."""
    rows = model.objects.filter(**{client_path: OuterRef("pk")}, **filters).order_by()
    return Subquery(rows.values(client_path).annotate(latest=Max(field)).values("latest")[:1])


def _sol_last_entry():
    """The person's last SoL entry: anything written in the case file of any of their cases — the case
    itself, its events (every state change, consent, message, receipt and meeting leaves one), the SoL
    journal, the visits' log, the handover, the measures. The client row's own creation counts too."""
    return Greatest(
        "created_at",
        _latest(Case, "client", "created_at"),
        _latest(Case, "client", "state_changed_at"),
        _latest(Case, "client", "ended_at"),
        _latest(CaseEvent, "case__client", "at"),
        _latest(Consent, "case__client", "recorded_at"),
        _latest(JournalEntry, "case__client", "signed_at", kind=JournalEntry.Kind.SOCIAL),
        _latest(Visit, "case__client", "logged_at"),
        _latest(Message, "case__client", "created_at"),
        _latest(HandoverSummary, "case__client", "updated_at"),
        *(
            _latest(model, "case__client", "recorded_at")
            for model in (SafetyRating, KatzAssessment, CopmGoal, IbicRating)
        ),
        output_field=DateTimeField(),
    )


def persons_due(today: dt.date, *, client_ids=None) -> tuple[list[DuePerson], int, int]:
    """The people whose records may all go on `today`, and how many were kept for the research sample and
    for a HSL record under ten years. People with an open case, and people already cleared, are not read.

    The database narrows by a day or two too many (29 February); the dates are then decided here, by the
    rules' own functions, on Stockholm's days."""
    open_case = Case.objects.filter(client=OuterRef("pk"), state__in=OPEN_STATES)
    cleared = RetentionRecord.objects.filter(kind=CLIENT_KIND, record_id=OuterRef("pk"))
    loose = rules.years_after(today, -rules.SOL_YEARS) + dt.timedelta(days=2)
    rows = (
        Client.objects.filter(~Exists(open_case), ~Exists(cleared))
        .annotate(
            sol_last=_sol_last_entry(),
            hsl_last=_latest(JournalEntry, "case__client", "signed_at", kind=JournalEntry.Kind.HEALTH),
        )
        .filter(sol_last__lt=timezone.make_aware(dt.datetime.combine(loose, dt.time())))
        .order_by("pk")
    )
    if client_ids is not None:
        rows = rows.filter(pk__in=client_ids)
    due, research, hsl_kept = [], 0, 0
    for pk, number, sol_last, hsl_last in rows.values_list("pk", "personal_number", "sol_last", "hsl_last"):
        sol_day = timezone.localdate(sol_last)
        eligible = rules.sol_eligible_from(sol_day)
        if eligible > today:
            continue
        last = sol_day
        if hsl_last is not None:
            hsl_day = timezone.localdate(hsl_last)
            last = max(last, hsl_day)
            if rules.hsl_kept_until(hsl_day) > today:
                hsl_kept += 1
                continue
            eligible = max(eligible, rules.hsl_kept_until(hsl_day))
        if rules.in_research_sample(number):
            research += 1
            continue
        due.append(
            DuePerson(
                client_id=pk,
                person=rules.person_pseudonym(number),
                last_entry_on=last,
                eligible_from=eligible,
                due_by=dt.date(eligible.year + 1, 12, 31),
            )
        )
    return due, research, hsl_kept


# Rows older than the cutoff — by the job's day and by the database's own clock, which the trigger of
# cases/migrations/0017 checks — and only the chain's oldest rows: deleting from its start leaves the
# rest verifiable (verify_access_log checks every link but the first row's).
ACCESS_LOG_OLD = """
FROM cases_accesslog
WHERE at < least(%(cutoff)s, now() - interval '5 years')
  AND id < coalesce(
      (SELECT min(id) FROM cases_accesslog WHERE at >= least(%(cutoff)s, now() - interval '5 years')),
      (SELECT max(id) + 1 FROM cases_accesslog))
"""


def access_log_cutoff(today: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(rules.access_log_cutoff(today), dt.time()))


def access_log_due(today: dt.date) -> tuple[int, int | None]:
    """How many access log rows may go, and the last of them (the app role may read the log)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) " + ACCESS_LOG_OLD, {"cutoff": access_log_cutoff(today)})
        count, last = cursor.fetchone()
    return count, last


def retention_plan(today: dt.date) -> Plan:
    """What is due on `today`. Reads only."""
    persons, research, hsl_kept = persons_due(today)
    rows, last = access_log_due(today)
    return Plan(
        today=today,
        persons=tuple(persons),
        kept_research_sample=research,
        kept_for_hsl=hsl_kept,
        access_log_rows=rows,
        access_log_last_id=last,
    )


# The records page shows the newest this many.
RECORDS_SHOWN = 500


@dataclass(frozen=True)
class RecordRow:
    record: RetentionRecord
    kind_label: str


def records_for(user) -> tuple[list[RecordRow], int]:
    """The records of the user's municipality and the access log's, newest first (at most RECORDS_SHOWN),
    and how many there are. Two queries."""
    rows = RetentionRecord.objects.filter(Q(municipality_id=user.municipality_id) | Q(municipality__isnull=True))
    total = rows.count()
    shown = list(rows.order_by("-done_at", "-id")[:RECORDS_SHOWN])
    return [RecordRow(record, _kind_label(record.kind)) for record in shown], total


def _kind_label(kind: str) -> str:
    try:
        return str(apps.get_model(kind)._meta.verbose_name)
    except LookupError:
        return kind
