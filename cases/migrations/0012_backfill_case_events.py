"""Cases that existed before the event log get their events from the history tables: the referral, each
move of state, each consent (recorded, renewed, withdrawn) and each ändringsbeslut, dated and attributed as
the history has them, so the timeline, reminders and the follow-up read old cases like new ones. Marked
`backfilled` in the payload; a case that already has events is left alone, so running it again adds nothing.
(scheduling and handover backfill their own events in their migrations.)"""

from django.db import migrations

STATE_EVENTS = {
    "decided": "decided",
    "active": "started",
    "handed_over": "handover_sent",
    "closed": "closed",
    "declined": "declined",
    "withdrawn": "withdrawn",
    "readmitted": "readmitted",
}
BATCH = 500


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    HistoricalCase = apps.get_model("cases", "HistoricalCase")
    HistoricalConsent = apps.get_model("cases", "HistoricalConsent")
    HistoricalDecision = apps.get_model("cases", "HistoricalDecision")
    pending = []
    cases = Case.objects.filter(events__isnull=True).values_list("pk", "municipality_id").order_by("pk")
    for case_id, municipality_id in cases.iterator(chunk_size=BATCH):

        def event(at, kind, actor_id, team_id, payload, from_state="", to_state="", case=(case_id, municipality_id)):
            pending.append(
                CaseEvent(
                    case_id=case[0],
                    municipality_id=case[1],
                    team_id=team_id,
                    kind=kind,
                    from_state=from_state,
                    to_state=to_state,
                    actor_id=actor_id,
                    means="system",
                    at=at,
                    payload={"backfilled": True, **payload},
                )
            )

        previous, team_id = None, None
        for record in HistoricalCase.objects.filter(id=case_id).order_by("history_date", "history_id"):
            team_id = record.team_id
            if previous is None:
                event(record.history_date, "referred", record.history_user_id, team_id, {}, "", record.state)
            elif record.state != previous.state and record.state in STATE_EVENTS:
                payload = {"reason": record.state_reason} if record.state_reason else {}
                event(
                    record.history_date,
                    STATE_EVENTS[record.state],
                    record.history_user_id,
                    team_id,
                    payload,
                    previous.state,
                    record.state,
                )
            previous = record
        for record in HistoricalConsent.objects.filter(case_id=case_id).order_by("history_date", "history_id"):
            ids = {"consent_id": record.id}
            if record.history_type == "+":
                kind = "consent_renewed" if record.renews_id else "consent_recorded"
                dates = {"given_on": record.given_on.isoformat(), "valid_until": record.valid_until.isoformat()}
                event(record.history_date, kind, record.history_user_id, team_id, {**ids, **dates})
            elif record.withdrawn_at and record.history_type == "~":
                reason = {"reason": record.withdrawal_reason}
                event(record.history_date, "consent_withdrawn", record.history_user_id, team_id, {**ids, **reason})
        old_end = None
        for record in HistoricalDecision.objects.filter(case_id=case_id).order_by("history_date", "history_id"):
            if record.history_type == "~" and record.history_change_reason:
                payload = {
                    "decision_id": record.id,
                    "reason": record.history_change_reason,
                    "start_date": record.start_date.isoformat(),
                    "end_date": record.end_date.isoformat(),
                    "old_end_date": (old_end or record.end_date).isoformat(),
                    "added": [],
                    "removed": [],
                }
                event(record.history_date, "decision_changed", record.history_user_id, team_id, payload)
            old_end = record.end_date
        if len(pending) >= BATCH:
            CaseEvent.objects.bulk_create(pending)
            pending.clear()
    CaseEvent.objects.bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_events")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
