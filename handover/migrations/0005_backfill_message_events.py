"""Messages from before the case event log get their events: each sent message (to hemtjänst, or written
by hemtjänst to the team) and each receipt, dated and attributed as the messages have them, marked
`backfilled`. The final handover's event is the case's move to handed over (cases' backfill). A case
that already has message events is left alone."""

from django.db import migrations

KINDS = ("message_sent", "message_received", "message_acknowledged")


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Message = apps.get_model("handover", "Message")
    Delivery = apps.get_model("handover", "Delivery")
    done = set(CaseEvent.objects.filter(kind__in=KINDS).values_list("case_id", flat=True))
    cases = {pk: (m, t) for pk, m, t in Case.objects.values_list("pk", "municipality_id", "team_id")}

    def event(case_id, kind, actor_id, at, payload):
        municipality_id, team_id = cases[case_id]
        return CaseEvent(
            case_id=case_id,
            municipality_id=municipality_id,
            team_id=team_id,
            kind=kind,
            actor_id=actor_id,
            means="system",
            at=at,
            payload={"backfilled": True, **payload},
        )

    pending = []
    sent = (
        Message.objects.filter(sent_at__isnull=False)
        .exclude(case_id__in=done)
        .exclude(kind="final_handover")
        .select_related("sender_recipient")
    )
    for m in sent.iterator(chunk_size=1000):
        kind = "message_received" if m.direction == "to_team" else "message_sent"
        ids = {"message_id": m.pk, "message_kind": m.kind, "direction": m.direction}
        if m.sender_recipient_id:
            ids["sender"] = m.sender_recipient.name
        pending.append(event(m.case_id, kind, m.author_id, m.sent_at, ids))
    receipts = (
        Delivery.objects.filter(acknowledged_at__isnull=False)
        .exclude(message__case_id__in=done)
        .select_related("message", "recipient", "team")
    )
    for d in receipts.iterator(chunk_size=1000):
        receiver = d.recipient.name if d.recipient_id else d.team.name
        ids = {"message_id": d.message_id, "message_kind": d.message.kind, "delivery_id": d.pk, "receiver": receiver}
        pending.append(event(d.message.case_id, "message_acknowledged", d.acknowledged_by_id, d.acknowledged_at, ids))
    CaseEvent.objects.bulk_create(pending, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("handover", "0004_handover_preview_kept"), ("cases", "0012_backfill_case_events")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
