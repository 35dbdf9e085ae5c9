"""seed_bench on a small scale: it runs, the same seed gives the same data, and the data holds together
(the database's constraints held on COPY; what they cannot say is checked here)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.identity import parse_identity_number
from cases.models import OPEN_STATES, Case, CaseEvent, Client, Relative
from demo.bench_data.cases import MODELS
from demo.bench_data.tables import Writer
from handover.models import Delivery
from scheduling.models import Visit

NOW = timezone.make_aware(dt.datetime(2027, 3, 10, 9, 30))


class _Undo(Exception):
    pass


def _counts() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in MODELS}


def _seed_and_check() -> dict[str, int]:
    """Seed, check, read the counts, and roll it all back (the event and access logs refuse DELETE)."""
    try:
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            call_command("seed_bench", cases=200, years=1, seed=7)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys hold too
            _check_consistency()
            call_command("verify_access_log")  # the loaded access log is chained, however it was loaded
            counts = _counts()
            raise _Undo
    except _Undo:
        pass
    return counts


def _check_consistency():
    cases = Case.objects.all()
    assert cases.count() > 200  # the large municipality's, and an eighth more for the small one
    assert set(cases.values_list("municipality__code", flat=True)) == {"9901", "9902"}
    # Nearly all closed, and a present with work: about a dozen open cases per team.
    open_per_team = cases.filter(state__in=OPEN_STATES).values("team").annotate(n=Count("pk"))
    assert all(5 <= row["n"] <= 25 for row in open_per_team if row["team"] is not None)
    # One open case per client (the partial unique index held; a returning client had closed first).
    assert not Client.objects.annotate(n=Count("cases", filter=Q(cases__state__in=OPEN_STATES))).filter(n__gt=1)
    assert Client.objects.annotate(n=Count("cases")).filter(n__gt=1).exists()  # some clients come back
    for number in Client.objects.values_list("personal_number", flat=True):
        assert parse_identity_number(number, today=NOW.date()).number == number
    # Every case has its events: referred first, and one event per move into its present state.
    assert not cases.filter(events__isnull=True).exists()
    assert not cases.exclude(events__kind=CaseEvent.Kind.REFERRED).exists()
    moves = {"closed": "closed", "declined": "declined", "active": "started", "handed_over": "handover_sent"}
    for state, kind in moves.items():
        assert not cases.filter(state=state).exclude(events__kind=kind).exists(), state
    for case in cases.filter(state="closed").prefetch_related("events")[:20]:
        moves = [e.kind for e in sorted(case.events.all(), key=lambda e: e.at) if e.to_state]
        assert moves == ["referred", "decided", "started", "handover_sent", "closed"]
        assert case.ended_at == max(e.at for e in case.events.all() if e.to_state)
    # The present has work for the sweep; the history has none left.
    now = timezone.now()
    assert Delivery.objects.filter(acknowledged_at__isnull=True, message__case__state__in=OPEN_STATES).exists()
    assert Visit.objects.filter(status="planned", planned_start__lt=now, case__state__in=OPEN_STATES).exists()
    assert Visit.objects.filter(status="planned", planned_start__gt=now).exists()
    assert not Visit.objects.filter(status="planned", planned_start__gt=now).exclude(case__state__in=OPEN_STATES)


@pytest.mark.django_db(transaction=False)
def test_seed_bench_is_repeatable_and_consistent():
    first = _seed_and_check()
    assert first["scheduling_visit"] > 2000 and first["cases_accesslog"] > 5000
    assert _seed_and_check() == first


def test_a_row_pointing_nowhere_is_refused_after_the_load(db):
    writer = Writer([Relative])
    writer[Relative].add(client_id=10**9, name="Ingen", is_primary_contact=False)
    with pytest.raises(IntegrityError, match="client"), transaction.atomic():
        writer.finish()


def test_it_refuses_a_database_with_cases(db, active):
    with pytest.raises(CommandError):
        call_command("seed_bench", cases=10, years=1)
