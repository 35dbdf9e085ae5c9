"""Cases from before the event log (issue 9): the migrations rebuild their events from the history tables
and the messages, so the timeline and the follow-up read an old case as they read a new one."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import services
from cases.models import CaseEvent
from cases.selectors import case_timeline
from cases.services import InterventionLine
from handover import services as handover
from handover.models import Delivery, Message
from scheduling import services as scheduling

from .. import factories as f

BEFORE = [("cases", "0011_case_events"), ("scheduling", "0001_initial"), ("handover", "0004_handover_preview_kept")]
MONDAY = dt.date(2026, 11, 23)
# Not rebuilt: the meeting's confirmations, the receivers and tapering (new with the log, or not in a
# history that says what they meant).
NOT_BACKFILLED = {"meeting_confirmed", "receivers_changed", "tapering_set"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def lived_case(as_owner, world, start_case):
    case = start_case(MONDAY)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        notice = Message.objects.get(case=case, kind="start_notice")
        handover.message_send(actor=world.staff, message=notice)
        delivery = Delivery.objects.filter(message=notice, recipient__members=world.coordinator).first()
        handover.message_acknowledge(actor=world.coordinator, delivery=delivery)
        meeting = case.follow_up_meeting
        new_time = timezone.make_aware(dt.datetime.combine(dt.date(2026, 11, 30), dt.time(11)))
        scheduling.meeting_reschedule(actor=world.officer, meeting=meeting, starts_at=new_time, reason="Krock")
        handover.message_send_to_team(actor=world.coordinator, case=case, subject="Natt", body="Lugnt.")
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(16))), tick=False):
        kept = case.decision.interventions.get()
        line = {k: getattr(kept, k) for k in InterventionLine.FIELDS}
        services.decision_change(
            actor=world.officer,
            decision=case.decision,
            end_date=case.decision.end_date,
            interventions=[InterventionLine(**{**line, "minutes": 45})],  # changed: the old removed, one added
            reason="Mer tid behövs",
        )
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(MONDAY + dt.timedelta(days=6), dt.time(10))), tick=False
    ):
        f.hand_over(world.staff, case)
    return case


def _timeline(case):
    return Counter((e.what, e.who, e.detail) for e in case_timeline(case))


def test_the_backfill_rebuilds_the_events_the_services_wrote(lived_case):
    live = Counter(e.kind for e in CaseEvent.objects.filter(case=lived_case) if e.kind not in NOT_BACKFILLED)
    live_timeline = _timeline(lived_case)
    assert {"referred", "consent_recorded", "decided", "started", "meeting_booked", "meeting_moved"} <= set(live)
    assert {"message_sent", "message_acknowledged", "message_received", "decision_changed", "handover_sent"} <= set(
        live
    )
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cases_caseevent")  # the log as it was before: empty
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()
    rebuilt = list(CaseEvent.objects.filter(case=lived_case).order_by("at", "id"))
    assert Counter(e.kind for e in rebuilt) == live
    # the timeline reads the same, line for line, but for what is not rebuilt
    not_rebuilt = {"Uppföljningsmötet bekräftat"}
    assert {k: n for k, n in _timeline(lived_case).items() if k[0] not in not_rebuilt} == {
        k: n for k, n in live_timeline.items() if k[0] not in not_rebuilt
    }
    assert all(e.payload["backfilled"] for e in rebuilt)
    started = next(e for e in rebuilt if e.kind == "started")
    assert (started.from_state, started.to_state, started.team_id) == ("decided", "active", lived_case.team_id)
    moved = next(e for e in rebuilt if e.kind == "meeting_moved")
    assert moved.payload["reason"] == "Krock"
    # running the migrations again adds nothing
    _migrate([("scheduling", "0001_initial"), ("handover", "0004_handover_preview_kept")])
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert CaseEvent.objects.filter(case=lived_case).count() == len(rebuilt)
