"""Cases that existed before the event log get their events from the history tables: the referral, each
move of state (the decision's period and team on *decided*), each change of team, each consent (recorded,
renewed, withdrawn) and each ändringsbeslut with the interventions it added and removed — dated,
attributed and placed with the team of the time as the history has them, so the timeline, reminders and
the follow-up read old cases like new ones. Marked `backfilled` in the payload; a case that already has
events is left alone, so running it again adds nothing. (scheduling and handover backfill their own
events in their migrations.)"""

import bisect
import datetime as dt

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
# Saves of one service call lie within this of each other (the decision's interventions, its team).
SAME_CALL = dt.timedelta(seconds=10)


class Backfill:
    def __init__(self, apps):
        self.CaseEvent = apps.get_model("cases", "CaseEvent")
        self.HistoricalCase = apps.get_model("cases", "HistoricalCase")
        self.HistoricalConsent = apps.get_model("cases", "HistoricalConsent")
        self.HistoricalDecision = apps.get_model("cases", "HistoricalDecision")
        self.HistoricalIntervention = apps.get_model("cases", "HistoricalIntervention")
        self.teams = dict(apps.get_model("cases", "Team").objects.values_list("pk", "name"))
        self.types = dict(apps.get_model("cases", "InterventionType").objects.values_list("pk", "name"))
        self.pending = []

    def case(self, case_id, municipality_id):
        records = list(self.HistoricalCase.objects.filter(id=case_id).order_by("history_date", "history_id"))
        moments = [r.history_date for r in records]

        def team_at(at):
            i = bisect.bisect_right(moments, at) - 1
            return records[max(i, 0)].team_id if records else None

        def event(at, kind, actor_id, payload, from_state="", to_state=""):
            self.pending.append(
                self.CaseEvent(
                    case_id=case_id,
                    municipality_id=municipality_id,
                    team_id=team_at(at),
                    kind=kind,
                    from_state=from_state,
                    to_state=to_state,
                    actor_id=actor_id,
                    means="system",
                    at=at,
                    payload={"backfilled": True, **payload},
                )
            )

        decisions = list(self.HistoricalDecision.objects.filter(case_id=case_id).order_by("history_date", "history_id"))
        first_decision = next((d for d in decisions if d.history_type == "+"), None)
        for i, record in enumerate(records):
            previous = records[i - 1] if i else None
            if previous is None:
                event(record.history_date, "referred", record.history_user_id, {}, "", record.state)
            elif record.state != previous.state and record.state in STATE_EVENTS:
                payload = {"reason": record.state_reason} if record.state_reason else {}
                if record.state == "decided" and first_decision is not None:
                    payload.update(
                        decision_id=first_decision.id,
                        start_date=first_decision.start_date.isoformat(),
                        end_date=first_decision.end_date.isoformat(),
                        team_id=record.team_id,
                        team=self.teams.get(record.team_id, ""),
                    )
                if record.state == "handed_over":
                    payload["message_kind"] = "final_handover"
                kind = STATE_EVENTS[record.state]
                event(record.history_date, kind, record.history_user_id, payload, previous.state, record.state)
            elif (record.history_change_reason or "") == "team assigned":
                following = records[i + 1] if i + 1 < len(records) else None
                decided_next = (
                    following is not None
                    and following.state == "decided"
                    and record.state == "referred"
                    and following.history_date - record.history_date < SAME_CALL
                )
                if not decided_next:  # the decision's own team is told by its *decided* event
                    team = {"team_id": record.team_id, "team": self.teams.get(record.team_id, "")}
                    event(record.history_date, "team_assigned", record.history_user_id, team)
        for record in self.HistoricalConsent.objects.filter(case_id=case_id).order_by("history_date", "history_id"):
            ids = {"consent_id": record.id}
            if record.history_type == "+":
                kind = "consent_renewed" if record.renews_id else "consent_recorded"
                dates = {"given_on": record.given_on.isoformat(), "valid_until": record.valid_until.isoformat()}
                event(record.history_date, kind, record.history_user_id, {**ids, **dates})
            elif record.withdrawn_at and record.history_type == "~":
                reason = {"reason": record.withdrawal_reason}
                event(record.history_date, "consent_withdrawn", record.history_user_id, {**ids, **reason})
        old_end = None
        for record in decisions:
            if record.history_type == "~" and record.history_change_reason:
                added, removed = self.interventions_changed(record)
                payload = {
                    "decision_id": record.id,
                    "reason": record.history_change_reason,
                    "start_date": record.start_date.isoformat(),
                    "end_date": record.end_date.isoformat(),
                    "old_end_date": (old_end or record.end_date).isoformat(),
                    "added": added,
                    "removed": removed,
                }
                event(record.history_date, "decision_changed", record.history_user_id, payload)
            old_end = record.end_date
        if len(self.pending) >= BATCH:
            self.flush()

    def interventions_changed(self, decision_record):
        """The interventions an ändringsbeslut added and removed: saved with its reason, in the same call."""
        rows = self.HistoricalIntervention.objects.filter(
            decision_id=decision_record.id,
            history_change_reason=decision_record.history_change_reason,
            history_date__gte=decision_record.history_date - SAME_CALL,
            history_date__lte=decision_record.history_date + SAME_CALL,
        ).order_by("history_date", "history_id")
        added = [
            {"id": r.id, "name": self.types.get(r.intervention_type_id, "")} for r in rows if r.history_type == "+"
        ]
        removed = [
            {"id": r.id, "name": self.types.get(r.intervention_type_id, "")}
            for r in rows
            if r.history_type == "~" and r.ended_on
        ]
        return added, removed

    def flush(self):
        self.CaseEvent.objects.bulk_create(self.pending)
        self.pending.clear()


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    run = Backfill(apps)
    cases = Case.objects.filter(events__isnull=True).values_list("pk", "municipality_id").order_by("pk")
    for case_id, municipality_id in cases.iterator(chunk_size=BATCH):
        run.case(case_id, municipality_id)
    run.flush()


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_events")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
