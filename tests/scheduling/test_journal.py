import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hemgang.errors import DomainError
from scheduling import services
from scheduling.models import JournalDraft, JournalEntry

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def case(world, start_case):
    case = start_case(MONDAY)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield case


@pytest.fixture
def nurse(world):
    return f.UserFactory(municipality=world.town, role="team_staff", profession="ssk", team=world.team, username="ssk")


def test_an_entry_is_signed_with_author_profession_and_time(world, case):
    entry = services.journal_sign(actor=world.staff, case=case, kind="social", text="Åt frukost själv.")
    assert (entry.author, entry.author_profession, entry.signed_at) == (world.staff, "usk", timezone.now())


def test_a_correction_keeps_the_original_readable(world, case):
    original = services.journal_sign(actor=world.staff, case=case, kind="social", text="Gick med rollator.")
    fixed = services.journal_correct(actor=world.staff, original=original, text="Gick med rullator till köket.")
    original.refresh_from_db()
    assert original.text == "Gick med rollator."
    assert original.correction == fixed and fixed.corrects == original
    assert JournalEntry.objects.filter(case=case).count() == 2


def test_only_the_author_corrects(world, case, nurse):
    original = services.journal_sign(actor=world.staff, case=case, kind="social", text="Text")
    with pytest.raises(DomainError) as err:
        services.journal_correct(actor=nurse, original=original, text="Annan text")
    assert err.value.code == "not_author"


def test_an_entry_is_corrected_only_once_then_its_correction(world, case):
    original = services.journal_sign(actor=world.staff, case=case, kind="social", text="Ett")
    fixed = services.journal_correct(actor=world.staff, original=original, text="Två")
    with pytest.raises(DomainError):
        services.journal_correct(actor=world.staff, original=original, text="Tre")
    assert services.journal_correct(actor=world.staff, original=fixed, text="Tre").corrects == fixed


def test_an_assistant_nurse_writes_in_the_health_record_only_for_a_delegated_task(world, case, nurse):
    with pytest.raises(DomainError) as err:
        services.journal_sign(actor=world.staff, case=case, kind="health", text="Gav insulin")
    assert err.value.field == "delegated_task"
    entry = services.journal_sign(actor=world.staff, case=case, kind="health", text="Gav insulin", delegated_task=True)
    assert entry.delegated_task
    assert services.journal_sign(actor=nurse, case=case, kind="health", text="Sårvård").kind == "health"


def test_an_empty_entry_is_refused(world, case):
    with pytest.raises(DomainError):
        services.journal_sign(actor=world.staff, case=case, kind="social", text="   ")


def test_the_case_officer_does_not_write_in_the_teams_journal(world, case):
    with pytest.raises(DomainError):
        services.journal_sign(actor=world.officer, case=case, kind="social", text="x")


def test_a_draft_is_kept_until_it_is_signed(world, case):
    services.draft_save(actor=world.staff, case=case, kind="social", text="Halvskri")
    services.draft_save(actor=world.staff, case=case, kind="social", text="Halvskrivet")
    draft = JournalDraft.objects.get(case=case, author=world.staff)
    assert draft.text == "Halvskrivet"
    services.journal_sign(actor=world.staff, case=case, kind="social", text="Halvskrivet, nu klart.")
    assert not JournalDraft.objects.exists()


def test_drafts_are_per_author_and_purpose(world, case, nurse):
    original = services.journal_sign(actor=world.staff, case=case, kind="social", text="Original")
    services.draft_save(actor=world.staff, case=case, kind="social", text="Nytt")
    services.draft_save(actor=world.staff, case=case, kind="social", text="Rättelse", corrects=original)
    services.draft_save(actor=nurse, case=case, kind="social", text="Sköterskans")
    assert JournalDraft.objects.count() == 3


def test_no_entries_on_an_ended_case(world, case):
    from cases import services as case_services

    case_services.case_readmit(actor=world.staff, case=case, reason="Inlagd")
    with pytest.raises(DomainError):
        services.journal_sign(actor=world.staff, case=case, kind="social", text="Sent")
