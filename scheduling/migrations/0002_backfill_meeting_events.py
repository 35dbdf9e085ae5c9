"""Follow-up meetings from before the case event log get their events from the meeting's history: booked,
moved (to when, from when, why) and held — dated and attributed as the history has them, marked
`backfilled`. A case that already has meeting events is left alone."""

from django.db import migrations

KINDS = ("meeting_booked", "meeting_moved", "meeting_held")


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    HistoricalFollowUpMeeting = apps.get_model("scheduling", "HistoricalFollowUpMeeting")
    done = set(CaseEvent.objects.filter(kind__in=KINDS).values_list("case_id", flat=True))
    cases = dict(Case.objects.values_list("pk", "municipality_id"))
    teams = dict(Case.objects.values_list("pk", "team_id"))
    pending, previous = [], {}
    records = HistoricalFollowUpMeeting.objects.order_by("case_id", "history_date", "history_id")
    for record in records.iterator(chunk_size=1000):
        if record.case_id in done or record.case_id not in cases:
            continue
        before = previous.get(record.id)
        ids = {"backfilled": True, "meeting_id": record.id, "starts_at": record.starts_at.isoformat()}
        kind, payload = None, ids
        if before is None:
            kind = "meeting_booked"
        elif record.starts_at != before.starts_at:
            kind = "meeting_moved"
            payload = {
                **ids,
                "previous_starts_at": before.starts_at.isoformat(),
                "reason": record.reschedule_reason,
            }
        elif record.status != before.status and record.status == "held":
            kind = "meeting_held"
            payload = {**ids, "further_support": record.further_support, "corrected": False}
        previous[record.id] = record
        if kind:
            pending.append(
                CaseEvent(
                    case_id=record.case_id,
                    municipality_id=cases[record.case_id],
                    team_id=teams[record.case_id],
                    kind=kind,
                    actor_id=record.history_user_id,
                    means="system",
                    at=record.history_date,
                    payload=payload,
                )
            )
        if len(pending) >= 1000:
            CaseEvent.objects.bulk_create(pending)
            pending.clear()
    CaseEvent.objects.bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial"), ("cases", "0012_backfill_case_events")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
