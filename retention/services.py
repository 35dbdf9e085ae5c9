"""The retention job (gallring): clear what the rules of retention.rules let go, record every clearing.

`retention_run(today)`:
1. takes a PostgreSQL advisory lock for the run (pg_try_advisory_xact_lock, in a transaction of the owner
   connection that lasts the run): a second worker finds it taken and does nothing;
2. reads the plan (retention.selectors.retention_plan); an empty plan writes nothing, so a second run the
   same day does nothing at all;
3. clears each due person in a transaction of their own, after reading them again under the lock of
   their client row (a referral that came in meanwhile keeps them); a person whose clearing fails is
   rolled back whole, logged and left to the next run, and the others go on;
4. deletes the access log's rows older than five years through the owner connection (the app role may
   not delete from the log; the trigger of cases/migrations/0017 allows only this);
5. writes a RetentionRecord for every record anonymised or deleted, in the same transaction as the change.

Clearing a person: the statistics of the follow-up (followup.selectors) count the case rows, their
events, the referral's dates, source and triage, the decision's start and the measures' values, so those
rows stay, anonymised in place — the client's name, number, address, phone, door code and providers, and
every free text of the case file (the referral's reason, the decision's purpose, goals and notes, the
COPM goals' wording) emptied. Everything else of the person's file goes: the journal (SoL and HSL), the
visits, the messages and their receipts, the handover, the care plan, the follow-up meeting, the case's
receivers, the consents, the relatives, drafts and notifications. The simple-history rows of every record
touched are deleted too: they hold the same personal data. The case event log is append-only and holds
ids, dates, kinds and a reason (its `payload`); it stays, as the statistics read it.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, connections, models, transaction
from django.db.models import F, Q, Value
from django.utils import timezone

from cases.models import OPEN_STATES, Case, Client, Consent, Decision, Intervention, Referral, Relative
from handover.models import (
    CaseRecipient,
    Delivery,
    HandoverIntervention,
    HandoverSummary,
    Message,
    MessageRead,
    UnreadMessage,
)
from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating
from notifications.models import Notification
from scheduling.models import (
    CarePlan,
    FollowUpMeeting,
    JournalDraft,
    JournalEntry,
    MeetingParticipant,
    Visit,
    VisitIntervention,
)

from . import selectors
from .models import RetentionRecord, RetentionRun
from .selectors import ACCESS_LOG_KIND, DuePerson

logger = logging.getLogger(__name__)

# The advisory lock of the run (any fixed number no other lock of the app uses).
RUN_LOCK = 7_301_452_812
# The anonymised client: a placeholder name, and a number no person has (century 00) that is unique and
# has the 12 digits the constraints ask for.
ANONYMOUS_FIRST_NAME = "Gallrad"

# Deleted, in this order (children before the rows they point to), with the path from the model to the
# person's cases (or, for the relatives, to the client).
DELETED = (
    (Notification, "case__in"),
    (JournalDraft, "case__in"),
    (JournalEntry, "case__in"),
    (UnreadMessage, "message__case__in"),
    (MessageRead, "message__case__in"),
    (Delivery, "message__case__in"),
    (Message, "case__in"),
    (HandoverIntervention, "summary__case__in"),
    (HandoverSummary, "case__in"),
    (VisitIntervention, "visit__case__in"),
    (Visit, "case__in"),
    (CarePlan, "case__in"),
    (MeetingParticipant, "meeting__case__in"),
    (FollowUpMeeting, "case__in"),
    (CaseRecipient, "case__in"),
    (Consent, "case__in"),
    (Relative, "client__in"),
)
# Kept for the statistics, their personal data emptied: the values set on each.
ANONYMISED = (
    (Case, "client__in", {"state_reason": Value(""), "capacity_override_reason": Value("")}),
    (
        Referral,
        "case__client__in",
        {
            "source_unit": Value(""),
            "reason": Value(""),
            # The constraint asks a marked exclusion for a comment: it keeps a placeholder.
            "exclusion_comment": models.Case(
                models.When(
                    Q(exclusion_palliative=True) | Q(exclusion_psychiatric=True) | Q(exclusion_substance=True),
                    then=Value(ANONYMOUS_FIRST_NAME),
                ),
                default=Value(""),
            ),
        },
    ),
    (Decision, "case__client__in", {"purpose": Value(""), "goals": Value("")}),
    (Intervention, "decision__case__client__in", {"note": Value("")}),
    (CopmGoal, "case__client__in", {"problem": Value("")}),
    (SafetyRating, "case__client__in", {}),
    (KatzAssessment, "case__client__in", {}),
    (IbicRating, "case__client__in", {}),
)


@dataclass
class RunResult:
    today: dt.date
    busy: bool = False
    run_id: int | None = None
    persons: list[DuePerson] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # client ids
    records: int = 0
    access_log_rows: int = 0


def retention_run(*, today: dt.date | None = None, actor=None) -> RunResult:
    """Clear what is due on `today` (default: Stockholm's today). See the module's docstring."""
    today = today or timezone.localdate()
    result = RunResult(today=today)
    with transaction.atomic(using="owner"), connections["owner"].cursor() as owner:
        owner.execute("SELECT pg_try_advisory_xact_lock(%s)", [RUN_LOCK])
        if not owner.fetchone()[0]:
            result.busy = True
            return result
        plan = selectors.retention_plan(today)
        if plan.is_empty:
            return result
        run = RetentionRun.objects.create(day=today, actor=actor)
        result.run_id = run.pk
        for person in plan.persons:
            try:
                with transaction.atomic():
                    records = _person_clear(person, run=run, today=today)
            except DatabaseError:
                # That person's transaction is rolled back whole; the others go on, the next run tries again.
                logger.exception("Retention: clearing client %s failed", person.client_id)
                result.failed.append(person.client_id)
                continue
            if records:
                result.persons.append(person)
                result.records += records
        if plan.access_log_rows:
            result.access_log_rows = _access_log_prune(owner, run=run, today=today)
    return result


def _person_clear(person: DuePerson, *, run: RetentionRun, today: dt.date) -> int:
    """Anonymise and delete one person's records; the number of records written. Nothing when the person
    is no longer due (read again under the client row's lock)."""
    client = Client.objects.select_for_update().get(pk=person.client_id)
    due, _research, _hsl = selectors.persons_due(today, client_ids=[client.pk])
    if not due or Case.objects.filter(client=client, state__in=OPEN_STATES).exists():
        return 0
    cases = list(Case.objects.filter(client=client).values_list("pk", flat=True))
    stamp = {
        "person": person.person,
        "municipality_id": client.municipality_id,
        "last_entry_on": person.last_entry_on,
        "due_by": person.due_by,
    }
    records = []

    # Links inside the deleted rows that would hold their own deletion back (PROTECT to the same table).
    JournalEntry.objects.filter(case__in=cases, corrects__isnull=False).update(corrects=None)
    Consent.objects.filter(case__in=cases, renews__isnull=False).update(renews=None)
    for model, path in DELETED:
        rows = model.objects.filter(**{path: [client.pk] if path == "client__in" else cases})
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        # simple-history records a deletion as a history row of its own: the history goes after the rows.
        model.objects.filter(pk__in=ids).delete()
        _history_delete(model, ids)
        records += _records(model, ids, RetentionRecord.Action.DELETED, run, stamp)

    for model, path, values in ANONYMISED:
        rows = model.objects.filter(**{path: [client.pk]})
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        if values:
            # A version (hemgang.versions) counted up: an edit form opened before is refused, not saved over.
            bump = {"version": F("version") + 1} if _has_field(model, "version") else {}
            model.objects.filter(pk__in=ids).update(**values, **bump)
        _history_delete(model, ids)
        records += _records(model, ids, RetentionRecord.Action.ANONYMISED, run, stamp)

    Client.objects.filter(pk=client.pk).update(
        personal_number=f"00{client.pk:010d}",
        first_name=ANONYMOUS_FIRST_NAME,
        last_name="",
        street_address="",
        postal_code="",
        city="",
        door_code="",
        phone="",
        hemtjanst_group="",
        safety_alarm="",
        night_service="",
        hemtjanst_group_unit=None,
        safety_alarm_unit=None,
        night_service_unit=None,
        version=F("version") + 1,
    )
    _history_delete(Client, [client.pk])
    records += _records(Client, [client.pk], RetentionRecord.Action.ANONYMISED, run, stamp)
    RetentionRecord.objects.bulk_create(records)
    return len(records)


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _history_delete(model, ids: list[int]) -> None:
    """The simple-history rows of the records (their m2m history goes with them, by its foreign key)."""
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).delete()


def _records(model, ids, action, run, stamp) -> list[RetentionRecord]:
    kind = model._meta.label_lower
    return [RetentionRecord(run=run, kind=kind, action=action, record_id=pk, **stamp) for pk in ids]


def _access_log_prune(owner, *, run: RetentionRun, today: dt.date) -> int:
    """Delete the access log's rows older than five years, as the owner, and record it: one record for
    the rows deleted at once (their last id, the newest row's day)."""
    owner.execute(
        "DELETE " + selectors.ACCESS_LOG_OLD + " RETURNING id, at", {"cutoff": selectors.access_log_cutoff(today)}
    )
    deleted = owner.fetchall()
    if deleted:
        last_id = max(row[0] for row in deleted)
        newest = max(row[1] for row in deleted)
        RetentionRecord.objects.create(
            run=run,
            kind=ACCESS_LOG_KIND,
            action=RetentionRecord.Action.DELETED,
            record_id=last_id,
            count=len(deleted),
            last_entry_on=timezone.localdate(newest),
        )
    return len(deleted)
