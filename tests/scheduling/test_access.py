"""scheduling/access.py: the team's rules, and the fetch-with-check functions for the objects its URLs name
(a visit, a journal entry, a meeting's participant). Another team's object is a 404, exactly as one that
does not exist; a permitted read leaves its access-log row."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AccessLog, Role
from hemgang.errors import DomainValidationError
from scheduling import services
from scheduling.models import MeetingParticipant, Visit

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday_afternoon():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


@pytest.fixture
def ours(start_case):
    return start_case(MONDAY)


@pytest.fixture
def theirs(world, start_case):
    """A running case of the other team of the same municipality."""
    return start_case(MONDAY, team=world.other_team)


def _first_visit(case) -> Visit:
    return Visit.objects.filter(case=case).order_by("planned_start").first()


def _logged(user, what, case) -> bool:
    return AccessLog.objects.filter(user=user, what=what, case_id=case.pk, client_id=case.client_id).exists()


# --- visits ----------------------------------------------------------------------------------------


def test_it_opens_the_teams_visit_and_logs_the_read(world, login, ours):
    visit = _first_visit(ours)
    assert login(world.staff).get(reverse("visit_edit", args=[visit.pk])).status_code == 200
    assert _logged(world.staff, "visit.edit", ours)
    assert login(world.staff).get(reverse("visit_log", args=[visit.pk])).status_code == 200
    assert _logged(world.staff, "visit.log", ours)


def test_another_teams_visit_is_a_404_logged_as_refused(world, login, ours, theirs):
    visit = _first_visit(theirs)
    assert login(world.staff).get(reverse("visit_edit", args=[visit.pk])).status_code == 404
    assert login(world.staff).get(reverse("visit_log", args=[visit.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=False).exists()
    assert AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=True).exists()


def test_the_api_logs_a_visit_only_for_its_team(world, ours, theirs):
    api = APIClient()
    api.force_authenticate(world.staff)
    body = {"performed": False, "not_done_reason": "Inte hemma"}
    refused = api.post(reverse("api-visit-log", args=[_first_visit(theirs).pk]), body, format="json")
    assert refused.status_code == 404
    assert Visit.objects.get(pk=_first_visit(theirs).pk).status == Visit.Status.PLANNED
    visit = _first_visit(ours)
    assert api.post(reverse("api-visit-log", args=[visit.pk]), body, format="json").status_code == 200
    assert _logged(world.staff, "api.visit.log", ours)


def test_a_visit_goes_only_to_the_staff_of_the_cases_team(world, ours):
    """scheduling.carry_out_visits: the staff of the case's team, not its unit manager nor another team."""
    visit = _first_visit(ours)
    for user, allowed in ((world.staff, True), (world.manager, False), (world.other_staff, False)):
        assert user.has_perm("scheduling.carry_out_visits", ours) is allowed
    with pytest.raises(DomainValidationError) as err:
        services.visit_update(
            actor=world.staff,
            visit=visit,
            planned_start=visit.planned_start,
            minutes=visit.planned_minutes,
            assigned_to=world.other_staff,
        )
    assert err.value.field == "assigned_to"


# --- the journal -----------------------------------------------------------------------------------


@pytest.fixture
def nurse(world):
    return f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="ssk", team=world.team)


def test_it_opens_an_entry_to_correct_and_logs_the_read(world, login, ours):
    entry = services.journal_sign(actor=world.staff, case=ours, kind="social", text="Åt frukost.")
    assert login(world.staff).get(reverse("journal_correct", args=[entry.pk])).status_code == 200
    assert _logged(world.staff, "journal.correct", ours)


def test_another_teams_journal_entry_is_a_404_logged_as_refused(world, login, ours, theirs):
    entry = services.journal_sign(actor=world.other_staff, case=theirs, kind="social", text="Åt frukost.")
    assert login(world.staff).get(reverse("journal_correct", args=[entry.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=False).exists()
    assert AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=True).exists()


def test_a_health_record_entry_is_a_404_for_those_who_read_only_the_social_record(world, login, nurse, ours):
    entry = services.journal_sign(actor=nurse, case=ours, kind="health", text="Blodtryck 130/80.")
    assert login(world.officer).get(reverse("journal_correct", args=[entry.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=world.officer, what="journal.correct", denied=False).exists()
    assert AccessLog.objects.filter(user=world.officer, what="journal.correct", denied=True).exists()
    assert login(nurse).get(reverse("journal_correct", args=[entry.pk])).status_code == 200
    assert _logged(nurse, "journal.correct", ours)


def test_the_health_record_is_written_in_own_right_or_for_a_delegated_task(world, nurse, ours):
    """One list of health professions: SSK signs an HSL entry itself; USK only for a delegated task."""
    assert nurse.has_perm("scheduling.sign_health_record")
    assert not world.staff.has_perm("scheduling.sign_health_record")
    assert world.staff.has_perm("scheduling.sign_delegated_health_record")
    assert world.staff.has_perm("scheduling.read_health_journal", ours)
    with pytest.raises(DomainValidationError) as err:
        services.journal_sign(actor=world.staff, case=ours, kind="health", text="Gav medicin.")
    assert err.value.field == "delegated_task"
    entry = services.journal_sign(actor=world.staff, case=ours, kind="health", text="Gav medicin.", delegated_task=True)
    assert entry.delegated_task


# --- the meeting's participants --------------------------------------------------------------------


def _participant(case) -> MeetingParticipant:
    return MeetingParticipant.objects.filter(meeting__case=case, role=MeetingParticipant.Role.TEAM).get()


def test_it_confirms_a_participant_of_the_meeting_and_logs_the_read(world, login, ours):
    participant = _participant(ours)
    response = login(world.staff).post(
        reverse("meeting", args=[ours.pk]), {"action": "confirm", "participant": participant.pk, "representative": ""}
    )
    assert response.status_code == 302
    assert MeetingParticipant.objects.get(pk=participant.pk).confirmed_at is not None
    assert _logged(world.staff, "meeting.confirm", ours)


def test_another_teams_participant_is_a_404_on_ones_own_meeting_page(world, login, ours, theirs):
    participant = _participant(theirs)
    response = login(world.staff).post(
        reverse("meeting", args=[ours.pk]), {"action": "confirm", "participant": participant.pk, "representative": ""}
    )
    assert response.status_code == 404
    assert MeetingParticipant.objects.get(pk=participant.pk).confirmed_at is None
    assert not AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=False).exists()
    assert AccessLog.objects.filter(user=world.staff, case_id=theirs.pk, denied=True).exists()


def test_a_participant_of_another_meeting_is_a_404_even_on_the_same_team(world, login, ours, start_case):
    """The participant is looked for among this page's meeting's only: one of the team's other case is not
    confirmed from here."""
    other_case = start_case(MONDAY)
    participant = _participant(other_case)
    response = login(world.staff).post(
        reverse("meeting", args=[ours.pk]), {"action": "confirm", "participant": participant.pk, "representative": ""}
    )
    assert response.status_code == 404
    assert MeetingParticipant.objects.get(pk=participant.pk).confirmed_at is None
