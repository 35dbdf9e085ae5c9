"""Gallring (issue 12 part 8): SoL records five years after the last entry, not while other records of
the person are kept, the research sample kept, the statistics unchanged, every clearing recorded."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from cases import services
from cases.models import Case, CaseEvent, Client, Consent, Referral
from followup.selectors import monthly_trend, period_figures
from handover.models import Message
from retention import rules, selectors
from retention.models import RetentionRecord, RetentionRun
from retention.services import RUN_LOCK, retention_run
from scheduling.models import JournalEntry, Visit

from .. import factories as f
from .conftest import at

# The run takes its lock on the owner connection.
pytestmark = pytest.mark.django_db(databases=["default", "owner"])

START = dt.date(2015, 3, 7)
LAST = START + dt.timedelta(days=7)  # 14 March 2015: the closing, the person's last entry
ELIGIBLE = dt.date(2020, 3, 14)


def cleared(client) -> bool:
    return RetentionRecord.objects.filter(kind="cases.client", record_id=client.pk).exists()


def test_the_dates_of_the_rule():
    assert rules.sol_eligible_from(dt.date(2015, 3, 14)) == dt.date(2020, 3, 14)
    assert rules.sol_due_by(dt.date(2015, 3, 14)) == dt.date(2021, 12, 31)
    assert rules.sol_eligible_from(dt.date(2020, 2, 29)) == dt.date(2025, 2, 28)
    assert rules.hsl_kept_until(dt.date(2012, 2, 29)) == dt.date(2022, 2, 28)
    assert rules.access_log_cutoff(dt.date(2026, 12, 2)) == dt.date(2021, 12, 2)


@pytest.mark.parametrize(
    ("number", "kept"),
    [
        ("194005052384", True),
        ("194005152384", True),
        ("194005252384", True),
        ("194005652384", True),  # samordningsnummer: born on the 5th
        ("194005852384", True),
        ("194005062384", False),
        ("194005172384", False),
        ("194005752384", True),
        ("194005762384", False),
    ],
)
def test_the_research_sample_is_the_5th_15th_and_25th(number, kept):
    assert rules.in_research_sample(number) is kept


def test_one_day_before_five_years_it_is_kept_and_on_the_day_it_is_cleared(world, lived_case):
    case = lived_case(START)
    with time_machine.travel(at(ELIGIBLE - dt.timedelta(days=1), 3), tick=False):
        assert retention_run().persons == []
    assert not cleared(case.client)
    with time_machine.travel(at(ELIGIBLE, 3), tick=False):
        result = retention_run()
    assert [p.client_id for p in result.persons] == [case.client_id]
    person = result.persons[0]
    assert (person.last_entry_on, person.eligible_from, person.due_by) == (LAST, ELIGIBLE, dt.date(2021, 12, 31))
    assert cleared(case.client)


def test_a_last_entry_on_29_february_is_eligible_on_28_february(world, lived_case):
    case = lived_case(dt.date(2020, 2, 22))  # closed on 29 February 2020
    assert selectors.persons_due(dt.date(2025, 2, 27))[0] == []
    (due,), _, _ = selectors.persons_due(dt.date(2025, 2, 28))
    assert (due.client_id, due.last_entry_on, due.due_by) == (
        case.client_id,
        dt.date(2020, 2, 29),
        dt.date(2026, 12, 31),
    )


def test_an_open_case_keeps_all_the_persons_records(world, lived_case):
    case = lived_case(START)
    with time_machine.travel(at(START + dt.timedelta(days=30)), tick=False):
        f.referred_case(world.officer, case.client)
    assert retention_run(today=dt.date(2040, 1, 1)).persons == []
    assert Client.objects.get(pk=case.client_id).first_name == "Greta"


def test_a_later_case_of_the_person_not_yet_due_keeps_the_earlier_one(world, lived_case):
    first = lived_case(START)
    lived_case(dt.date(2018, 6, 1), the_client=first.client)
    assert retention_run(today=ELIGIBLE).persons == []
    assert JournalEntry.objects.filter(case=first).exists()
    assert [p.client_id for p in retention_run(today=dt.date(2023, 6, 8)).persons] == [first.client_id]


def test_a_health_record_under_ten_years_keeps_the_sol_records_too(world, lived_case):
    case = lived_case(START, health=True)  # the health entry signed on 7 March 2015
    plan = selectors.retention_plan(dt.date(2025, 3, 6))
    assert (plan.persons, plan.kept_for_hsl) == ((), 1)
    assert retention_run(today=dt.date(2025, 3, 6)).persons == []
    assert JournalEntry.objects.filter(case=case, kind="social").exists()
    result = retention_run(today=dt.date(2025, 3, 7))
    assert [p.client_id for p in result.persons] == [case.client_id]
    assert result.persons[0].due_by == dt.date(2026, 12, 31)
    assert not JournalEntry.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("birth", "coordination"),
    [
        (dt.date(1940, 5, 5), False),
        (dt.date(1941, 1, 15), False),
        (dt.date(1939, 12, 25), False),
        (dt.date(1940, 5, 15), True),
    ],
)
def test_the_research_sample_is_kept(world, lived_case, birth, coordination):
    case = lived_case(START, birth=birth, coordination=coordination)
    plan = selectors.retention_plan(dt.date(2040, 1, 1))
    assert (plan.persons, plan.kept_research_sample) == ((), 1)
    assert retention_run(today=dt.date(2040, 1, 1)).persons == []
    assert JournalEntry.objects.filter(case=case).exists()


def test_the_person_is_anonymised_and_their_file_deleted(world, lived_case):
    case = lived_case(START, health=True)
    client = case.client
    retention_run(today=dt.date(2030, 1, 1))
    client.refresh_from_db()
    assert (client.first_name, client.last_name, client.street_address, client.city) == ("Gallrad", "", "", "")
    assert client.personal_number == f"00{client.pk:010d}"
    assert "Testberg" not in repr(Client.objects.filter(pk=client.pk).values().get())
    referral = Referral.objects.get(case=case)
    assert (referral.reason, referral.source_unit) == ("", "")
    assert referral.triage == Referral.Triage.YELLOW  # the statistics count it
    assert (case.decision.__class__.objects.get(case=case).purpose) == ""
    for model in (JournalEntry, Visit, Message):
        assert not model.objects.filter(case=case).exists()
    assert Case.objects.filter(pk=case.pk).exists()
    assert CaseEvent.objects.filter(case=case).exists()


def test_the_history_rows_of_the_cleared_records_are_gone(world, lived_case):
    case = lived_case(START, health=True)
    journal_ids = list(JournalEntry.objects.filter(case=case).values_list("pk", flat=True))
    consent_ids = list(Consent.objects.filter(case=case).values_list("pk", flat=True))
    assert (
        Consent.history.model._meta.get_field("historicalconsent_receivers")
        .related_model.objects.filter(history__id__in=consent_ids)
        .exists()
    )
    assert Client.history.filter(id=case.client_id).exists()
    retention_run(today=dt.date(2030, 1, 1))
    assert not Client.history.filter(id=case.client_id).exists()
    assert not Case.history.filter(id=case.pk).exists()
    assert not Referral.history.filter(case_id=case.pk).exists()
    assert not JournalEntry.history.filter(id__in=journal_ids).exists()
    assert not Message.history.filter(case_id=case.pk).exists()
    # The consent's history of its receivers goes with the consent's history rows.
    receivers_history = Consent.history.model._meta.get_field("historicalconsent_receivers").related_model
    assert not receivers_history.objects.filter(history__id__in=consent_ids).exists()


def test_the_follow_up_figures_are_the_same_after_the_run(world, lived_case):
    lived_case(START)
    lived_case(START + dt.timedelta(days=2), birth=dt.date(1950, 1, 5))  # the research sample: kept
    lived_case(START + dt.timedelta(days=3))
    with time_machine.travel(at(START + dt.timedelta(days=1)), tick=False):
        declined = f.referred_case(world.officer)
        services.case_transition(case=declined, to="declined", actor=world.officer, reason="Ingen hemgång behövs.")
    before = period_figures(teams=[world.team], start=dt.date(2015, 3, 1), end=dt.date(2015, 3, 31))
    assert before.started == 3 and before.ended == 3 and before.referrals_ended
    assert before.safety.pairs == 3
    trend = monthly_trend(teams=[world.team], start=dt.date(2015, 1, 1), end=dt.date(2015, 12, 31))
    assert len(retention_run(today=dt.date(2030, 1, 1)).persons) == 3
    after = period_figures(teams=[world.team], start=dt.date(2015, 3, 1), end=dt.date(2015, 3, 31))
    assert after == before
    assert monthly_trend(teams=[world.team], start=dt.date(2015, 1, 1), end=dt.date(2015, 12, 31)) == trend


def test_every_clearing_is_recorded_with_a_pseudonym_not_the_number(world, lived_case):
    case = lived_case(START)
    number = case.client.personal_number
    result = retention_run(today=dt.date(2030, 1, 1))
    records = RetentionRecord.objects.filter(run_id=result.run_id)
    assert records.count() == result.records
    kinds = set(records.values_list("kind", "action"))
    assert {
        ("cases.client", "anonymised"),
        ("cases.case", "anonymised"),
        ("scheduling.journalentry", "deleted"),
    } <= kinds
    assert {("handover.message", "deleted"), ("cases.consent", "deleted"), ("scheduling.visit", "deleted")} <= kinds
    record = records.get(kind="cases.client")
    assert record.person == rules.person_pseudonym(number) and number not in record.person
    assert (record.last_entry_on, record.due_by) == (LAST, dt.date(2021, 12, 31))
    assert not RetentionRecord.objects.filter(person__contains=number[2:]).exists()


def test_the_records_are_append_only(world, lived_case):
    lived_case(START)
    retention_run(today=dt.date(2030, 1, 1))
    for statement in ("UPDATE retention_retentionrecord SET count = 2", "DELETE FROM retention_retentionrecord"):
        with pytest.raises(DatabaseError), transaction.atomic(), connections["default"].cursor() as cursor:
            cursor.execute(statement)


def test_a_second_run_the_same_day_does_nothing(world, lived_case):
    lived_case(START)
    first = retention_run(today=dt.date(2030, 1, 1))
    assert first.persons and first.run_id
    records = RetentionRecord.objects.count()
    second = retention_run(today=dt.date(2030, 1, 1))
    assert (second.persons, second.run_id, second.records) == ([], None, 0)
    assert RetentionRecord.objects.count() == records
    assert RetentionRun.objects.count() == 1


def test_a_second_worker_finds_the_lock_taken_and_does_nothing(world, lived_case):
    lived_case(START)
    owner = connections["owner"]
    other = type(owner)(dict(owner.settings_dict), "owner")  # a second worker's own session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s), current_database()", [RUN_LOCK])
            assert cursor.fetchone()[1] == owner.settings_dict["NAME"]  # the lock is per database
        result = retention_run(today=dt.date(2030, 1, 1))
        assert result.busy and not result.persons
        assert not RetentionRecord.objects.exists()
    finally:
        other.close()


def test_the_dry_run_prints_what_is_due_and_changes_nothing(world, lived_case, capsys):
    case = lived_case(START)
    call_command("run_retention", "--dry-run", "--today", "2030-01-01")
    out = capsys.readouterr().out
    assert f"would clear client {case.client_id}" in out and "due by 2021-12-31" in out
    assert case.client.personal_number not in out and "Testberg" not in out
    assert not RetentionRun.objects.exists() and not RetentionRecord.objects.exists()
    assert Client.objects.get(pk=case.client_id).last_name == "Testberg"
    assert JournalEntry.objects.filter(case=case).exists()


def test_the_command_runs_the_job(world, lived_case, capsys):
    case = lived_case(START)
    with pytest.raises(CommandError, match="only with --dry-run"):
        call_command("run_retention", "--today", "2099-01-01")
    call_command("run_retention", "--today", "2021-01-01")
    assert f"cleared client {case.client_id}" in capsys.readouterr().out
    assert cleared(case.client)


def test_the_daily_task_is_on_beat_and_runs_the_job(world, lived_case, settings):
    from retention.tasks import run_retention

    assert settings.CELERY_BEAT_SCHEDULE["run-retention"]["task"] == "retention.tasks.run_retention"
    case = lived_case(START)
    with time_machine.travel(at(dt.date(2030, 1, 1), 2), tick=False):
        assert run_retention.delay().get() == 1
    assert cleared(case.client)


def test_a_referral_declined_at_once_is_cleared_five_years_on(world):
    with time_machine.travel(at(START), tick=False):
        case = f.referred_case(world.officer)
        services.case_transition(case=case, to="declined", actor=world.officer, reason="Ingen hemgång behövs.")
    assert retention_run(today=dt.date(2020, 3, 6)).persons == []
    assert [p.client_id for p in retention_run(today=dt.date(2020, 3, 7)).persons] == [case.client_id]


def test_a_person_whose_clearing_fails_is_rolled_back_and_the_others_are_cleared(world, lived_case, monkeypatch):
    from retention import services as retention_services

    failing, fine = lived_case(START), lived_case(START + dt.timedelta(days=1))
    original = retention_services._person_clear

    def clear(person, **kwargs):
        if person.client_id == failing.client_id:
            original(person, **kwargs)  # its changes made, then the failure: all of them rolled back
            raise DatabaseError("disk full")
        return original(person, **kwargs)

    monkeypatch.setattr(retention_services, "_person_clear", clear)
    result = retention_run(today=dt.date(2030, 1, 1))
    assert result.failed == [failing.client_id]
    assert [p.client_id for p in result.persons] == [fine.client_id]
    assert Client.objects.get(pk=failing.client_id).last_name == "Testberg"
    assert JournalEntry.objects.filter(case=failing).exists() and not cleared(failing.client)
    assert cleared(fine.client)
