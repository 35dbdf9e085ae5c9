"""Ändringsbeslut (issue 8, item 6): a registered decision is changed with a reason, kept in history and
the timeline; the team's visits follow; a second registration and a contradicting legal basis are refused."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Decision, Intervention, LegalBasis
from cases.services import InterventionLine
from hemgang.errors import DomainError
from scheduling.models import Visit

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


def _at(day: dt.date, hour: int = 10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def _kept(intervention) -> InterventionLine:
    return InterventionLine(
        intervention_type_id=intervention.intervention_type_id,
        times=intervention.times,
        per=intervention.per,
        minutes=intervention.minutes,
        part_of_day=intervention.part_of_day,
        note=intervention.note,
        id=intervention.pk,
    )


def _change(world, case, *, end=None, lines=None, reason="Brukaren behöver mer tid"):
    decision = Decision.objects.get(case=case)
    return services.decision_change(
        actor=world.officer,
        decision=decision,
        end_date=end or decision.end_date,
        interventions=lines if lines is not None else [_kept(i) for i in decision.interventions.all()],
        reason=reason,
        consent_gap_accepted=True,
    )


def _renew_consent(world, case, day):
    with _at(day):
        f.consent(world.officer, case, given_on=day)


@pytest.fixture
def running(world, start_case):
    """Active from MONDAY for 10 days (through 2 December): morning care twice a day, walking once."""
    return start_case(
        MONDAY,
        lines=[
            InterventionLine(world.types[0].pk, 2, "day", 30, "morning"),
            InterventionLine(world.types[1].pk, 1, "day", 45, "day"),
        ],
    )


def _planned(case, **filters):
    return Visit.objects.filter(case=case, status=Visit.Status.PLANNED, **filters)


# --- the service ---


def test_it_changes_the_end_date_with_the_reason_in_history(world, running):
    with _at(MONDAY + dt.timedelta(days=3)):
        decision = _change(world, running, end=MONDAY + dt.timedelta(days=13), reason="Fallrisk kvarstår")
    assert decision.end_date == MONDAY + dt.timedelta(days=13)
    latest = decision.history.latest()
    assert latest.history_change_reason == "Fallrisk kvarstår"
    assert latest.history_user == world.officer


def test_it_keeps_a_long_reason_whole(world, running):
    reason = "Brukaren har fått en ny diagnos. " * 20
    with _at(MONDAY + dt.timedelta(days=3)):
        decision = _change(world, running, end=MONDAY + dt.timedelta(days=12), reason=reason)
    assert decision.history.latest().history_change_reason == reason


def test_a_removed_intervention_is_kept_as_ended_and_an_added_one_is_new(world, running):
    decision = running.decision
    care, walking = list(decision.interventions.all())
    with _at(MONDAY + dt.timedelta(days=3)):
        _change(
            world,
            running,
            lines=[_kept(care), InterventionLine(world.types[2].pk, 1, "day", 20, "day")],
            reason="Gångträning klar, tillsyn behövs",
        )
    walking = Intervention.all_objects.get(pk=walking.pk)
    assert walking.ended_on == MONDAY + dt.timedelta(days=3)
    assert walking.history.latest().history_change_reason == "Gångträning klar, tillsyn behövs"
    current = list(decision.interventions.all())
    assert [i.intervention_type_id for i in current] == [world.types[0].pk, world.types[2].pk]
    assert current[0].pk == care.pk


def test_a_kept_line_with_new_values_replaces_the_intervention(world, running):
    care = running.decision.interventions.first()
    changed = _kept(care)
    changed.times = 3
    with _at(MONDAY + dt.timedelta(days=3)):
        _change(world, running, lines=[changed, _kept(running.decision.interventions.last())])
    assert Intervention.all_objects.get(pk=care.pk).ended_on is not None
    assert running.decision.interventions.filter(intervention_type_id=care.intervention_type_id).get().times == 3


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reason": "  "}, "reason"),
        ({"end": MONDAY - dt.timedelta(days=1)}, "end_date"),  # before the start
        ({"end": MONDAY + dt.timedelta(days=2)}, "end_date"),  # shortened into the past
        ({"end": MONDAY + dt.timedelta(days=28)}, "end_date"),  # 29 days: over the team's 28
        ({"lines": []}, "interventions"),
        ({}, "end_date"),  # nothing changes
    ],
)
def test_it_refuses_an_invalid_change_and_saves_nothing(world, running, kwargs, field):
    before = running.decision.history.count()
    with _at(MONDAY + dt.timedelta(days=3)), pytest.raises(DomainError) as err:
        _change(world, running, **kwargs)
    assert err.value.field == field
    assert running.decision.history.count() == before


def test_the_team_maximum_itself_is_allowed(world, running):
    with _at(MONDAY + dt.timedelta(days=3)):
        assert _change(world, running, end=MONDAY + dt.timedelta(days=27)).length_days == 28


def test_it_refuses_lines_of_another_decision(world, running, start_case):
    other = start_case(MONDAY)
    line = _kept(other.decision.interventions.first())
    with _at(MONDAY + dt.timedelta(days=3)), pytest.raises(DomainError) as err:
        _change(world, running, lines=[line])
    assert err.value.field == "interventions"


def test_it_refuses_without_valid_consent(world, running):
    # The consent given on MONDAY is valid through 2 December; on 3 December there is none.
    with _at(MONDAY + dt.timedelta(days=10)), pytest.raises(DomainError) as err:
        _change(world, running, end=MONDAY + dt.timedelta(days=13))
    assert err.value.code == "consent_required"


def test_it_refuses_a_closed_or_ended_case(world, running):
    with _at(MONDAY + dt.timedelta(days=3)):
        services.case_readmit(actor=world.officer, case=running, reason="Akut inläggning")
        with pytest.raises(DomainError) as err:
            _change(world, running, end=MONDAY + dt.timedelta(days=12))
    assert err.value.code == "decision_locked"


def test_a_decided_case_can_be_changed_before_the_start(world, decided):
    with _at(timezone.localdate()):
        decision = _change(world, decided, end=decided.decision.end_date - dt.timedelta(days=2))
    assert decision.length_days == 8
    assert not Visit.objects.filter(case=decided).exists()  # nothing planned until the start


def test_the_change_is_in_the_timeline(world, running):
    walking = running.decision.interventions.last()
    with _at(MONDAY + dt.timedelta(days=3)):
        _change(
            world,
            running,
            end=MONDAY + dt.timedelta(days=12),
            lines=[_kept(running.decision.interventions.first())],
            reason="Gångträning avslutad",
        )
        entries = {e.what: e for e in selectors.case_timeline(running)}
    change = entries["Ändringsbeslut: Gångträning avslutad"]
    assert change.detail == "2026-11-23 – 2026-12-05 (tidigare: till 2026-12-02)"
    assert f"Insats borttagen: {walking.intervention_type.name}" in entries


# --- the visits follow ---


def test_a_shorter_end_cancels_the_planned_visits_after_it(world, running):
    with _at(MONDAY + dt.timedelta(days=3)):
        _change(world, running, end=MONDAY + dt.timedelta(days=6), reason="Klarar sig bättre")
    end = timezone.make_aware(dt.datetime.combine(MONDAY + dt.timedelta(days=7), dt.time.min))
    assert not _planned(running, planned_start__gte=end).exists()
    cancelled = Visit.objects.filter(case=running, status=Visit.Status.CANCELLED)
    assert cancelled.count() == 3 * 3  # 3 visits a day, 3 days
    assert all(v.cancel_reason == "Ändringsbeslut: Klarar sig bättre" for v in cancelled)
    assert _planned(running, planned_start__lt=end).count() == 3 * 7


def test_a_longer_end_plans_the_new_days(world, running):
    _renew_consent(world, running, MONDAY + dt.timedelta(days=8))
    with _at(MONDAY + dt.timedelta(days=8)):
        _change(world, running, end=MONDAY + dt.timedelta(days=12))
    days = {timezone.localtime(v.planned_start).date() for v in _planned(running)}
    assert max(days) == MONDAY + dt.timedelta(days=12)
    assert _planned(running).count() == 3 * 13  # nothing planned twice


def test_removed_interventions_leave_future_visits_and_emptied_visits_are_cancelled(world, running):
    care, walking = list(running.decision.interventions.all())
    with _at(MONDAY + dt.timedelta(days=3), hour=12):
        _change(world, running, lines=[_kept(care)], reason="Gångträning avslutad")
        now = timezone.now()
    future_walks = Visit.objects.filter(case=running, planned_start__gte=now, visit_interventions__intervention=walking)
    assert not future_walks.exists()
    past_walks = Visit.objects.filter(case=running, planned_start__lt=now, visit_interventions__intervention=walking)
    assert past_walks.count() == 4  # 23–26 November, the day visit before noon included
    emptied = Visit.objects.filter(case=running, status=Visit.Status.CANCELLED)
    assert emptied.count() == 6  # the walking visits of 27 November – 2 December
    assert not _planned(running, visit_interventions__isnull=True).exists()


def test_added_interventions_get_visits_from_tomorrow(world, running):
    with _at(MONDAY + dt.timedelta(days=3), hour=12):
        _change(
            world,
            running,
            lines=[_kept(i) for i in running.decision.interventions.all()]
            + [InterventionLine(world.types[2].pk, 1, "day", 20, "evening")],
        )
    added = running.decision.interventions.get(intervention_type=world.types[2])
    days = sorted(
        timezone.localtime(v.planned_start).date()
        for v in Visit.objects.filter(case=running, visit_interventions__intervention=added)
    )
    assert days == [MONDAY + dt.timedelta(days=d) for d in range(4, 10)]


def test_added_interventions_and_a_longer_end_are_planned_once(world, running):
    _renew_consent(world, running, MONDAY + dt.timedelta(days=8))
    with _at(MONDAY + dt.timedelta(days=8)):
        _change(
            world,
            running,
            end=MONDAY + dt.timedelta(days=11),
            lines=[_kept(i) for i in running.decision.interventions.all()]
            + [InterventionLine(world.types[2].pk, 1, "day", 20, "evening")],
        )
    added = running.decision.interventions.get(intervention_type=world.types[2])
    days = [
        timezone.localtime(v.planned_start).date()
        for v in Visit.objects.filter(case=running, visit_interventions__intervention=added)
    ]
    assert sorted(days) == [MONDAY + dt.timedelta(days=d) for d in range(9, 12)]


def test_logged_visits_keep_their_removed_intervention(world, running):
    from scheduling import services as scheduling

    walking = running.decision.interventions.last()
    visit = Visit.objects.filter(case=running, visit_interventions__intervention=walking).earliest("planned_start")
    with _at(MONDAY, hour=16):
        scheduling.visit_log(
            actor=world.staff,
            visit=visit,
            performed=True,
            actual_start=visit.planned_start,
            actual_end=visit.planned_end,
            outcomes={row.pk: "together" for row in visit.visit_interventions.all()},
        )
    with _at(MONDAY + dt.timedelta(days=3)):
        _change(world, running, lines=[_kept(running.decision.interventions.first())])
    assert [row.intervention for row in visit.visit_interventions.all()] == [walking]


# --- a second registration, the legal basis ---


def test_a_second_registration_of_the_decision_is_refused_cleanly(world, decided):
    with pytest.raises(DomainError) as err:
        f.decision(world.officer, decided, world.team, world.types, world.basis)
    assert err.value.code == "decision_exists"
    assert str(err.value.message) == "Beslutet är redan registrerat — ändra det i stället."


def test_the_decision_form_refuses_a_second_registration_in_swedish(world, login, decided):
    today = timezone.localdate()
    data = {
        "team": world.team.pk,
        "legal_basis": world.basis.pk,
        "needs_assessed": "on",
        "decided_on": today.isoformat(),
        "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=5)).isoformat(),
        "purpose": "Trygg hemgång",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-intervention_type": world.types[0].pk,
        "lines-0-times": "1",
        "lines-0-per": "day",
        "lines-0-minutes": "30",
        "lines-0-part_of_day": "morning",
    }
    http = login(world.officer)
    for _ in range(2):
        response = http.post(reverse("decision_new", args=[decided.pk]), data)
        assert response.status_code == 200
        assert "Beslutet är redan registrerat — ändra det i stället" in response.content.decode()
    assert reverse("decision_change", args=[decided.pk]) in response.content.decode()
    assert Decision.objects.filter(case=decided).count() == 1


@pytest.fixture
def without_assessment(world):
    return LegalBasis.objects.create(
        municipality=world.town, name="SoL (2025:400) utan individuell behovsbedömning", needs_assessment=False
    )


def _register(world, case, basis, needs_assessed):
    today = timezone.localdate()
    return services.decision_register(
        actor=world.officer,
        case=case,
        team=world.team,
        legal_basis=basis,
        needs_assessed=needs_assessed,
        decided_on=today,
        start_date=today,
        end_date=today + dt.timedelta(days=5),
        purpose="Trygg hemgång",
        goals="",
        interventions=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")],
    )


@pytest.mark.parametrize("needs_assessed, basis_name", [(True, "without_assessment"), (False, "basis")])
def test_it_refuses_a_legal_basis_of_the_other_kind(world, referred, without_assessment, needs_assessed, basis_name):
    basis = without_assessment if basis_name == "without_assessment" else world.basis
    f.consent(world.officer, referred)
    with pytest.raises(DomainError) as err:
        _register(world, referred, basis, needs_assessed)
    assert err.value.field == "needs_assessed"
    assert "behovsbedömning" in str(err.value.message)
    assert not Decision.objects.exists()


def test_a_basis_without_assessment_takes_a_decision_without_assessment(world, referred, without_assessment):
    f.consent(world.officer, referred)
    assert _register(world, referred, without_assessment, False).needs_assessed is False


def test_the_database_refuses_a_contradicting_flag(world, decided, without_assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(case=decided).update(legal_basis=without_assessment)


def test_the_database_refuses_to_change_the_kind_of_a_basis_in_use(world, decided):
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalBasis.objects.filter(pk=world.basis.pk).update(needs_assessment=False)


# --- the page ---


def _change_post(decision, *, end, reason, lines):
    data = {
        "version": decision.version,
        "end_date": end.isoformat(),
        "reason": reason,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(sum(1 for line in lines if line.id)),
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "20",
    }
    for n, line in enumerate(lines):
        data.update(
            {
                f"lines-{n}-id": line.id or "",
                f"lines-{n}-intervention_type": line.intervention_type_id,
                f"lines-{n}-times": line.times,
                f"lines-{n}-per": line.per,
                f"lines-{n}-minutes": line.minutes,
                f"lines-{n}-part_of_day": line.part_of_day,
                f"lines-{n}-note": line.note,
            }
        )
    return data


def test_the_change_form_changes_the_decision(world, login, running):
    url = reverse("decision_change", args=[running.pk])
    decision = running.decision
    lines = [_kept(decision.interventions.first())]
    with _at(MONDAY + dt.timedelta(days=3)):
        http = login(world.officer)
        page = http.get(url).content.decode()
        assert 'name="lines-0-id"' in page and "Ändra beslutet" in page
        response = http.post(
            url, _change_post(decision, end=MONDAY + dt.timedelta(days=8), reason="Mår bättre", lines=lines)
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.end_date == MONDAY + dt.timedelta(days=8)
    assert decision.interventions.count() == 1


def test_the_change_form_explains_a_refusal_in_swedish(world, login, running):
    url = reverse("decision_change", args=[running.pk])
    lines = [_kept(i) for i in running.decision.interventions.all()]
    with _at(MONDAY + dt.timedelta(days=3)):
        response = login(world.officer).post(
            url, _change_post(running.decision, end=running.decision.end_date, reason="Ingen ändring", lines=lines)
        )
    assert response.status_code == 200
    assert "Ändringen ändrar ingenting." in response.content.decode()


def test_the_case_page_offers_the_change_to_the_case_officer_only(world, login, running):
    url = reverse("decision_change", args=[running.pk])
    with _at(MONDAY + dt.timedelta(days=3)):
        assert url in login(world.officer).get(reverse("case_detail", args=[running.pk])).content.decode()
        assert url not in login(world.staff).get(reverse("case_detail", args=[running.pk])).content.decode()
        assert login(world.staff).get(url).status_code == 404
        assert login(world.outsider).get(url).status_code == 404


def test_the_change_form_query_count_does_not_grow_with_the_interventions(world, login, start_case):
    """session, user, the case with its one-to-ones (one join), consents, the receivers they name,
    interventions, relatives,
    the access-log insert, the intervention types of each line's select (one per line: the formset's
    forms each evaluate their choices), savepoints around the session, the menu's unread notifications."""
    two = start_case(MONDAY, lines=[InterventionLine(world.types[i].pk, 1, "day", 30, "morning") for i in range(2)])
    three = start_case(MONDAY, lines=[InterventionLine(world.types[i].pk, 1, "day", 30, "morning") for i in range(3)])

    def count(case):
        with _at(MONDAY + dt.timedelta(days=1)):
            http = login(world.officer)
            with CaptureQueriesContext(connection) as ctx:
                assert http.get(reverse("decision_change", args=[case.pk])).status_code == 200
        return len(ctx.captured_queries)

    assert count(three) == count(two) + 1  # one select's choices per line, nothing else grows
    assert count(two) <= 14


def test_a_shorter_end_before_the_follow_up_meeting_cancels_it(world, running):
    from scheduling.models import FollowUpMeeting

    meeting = FollowUpMeeting.objects.get(case=running)
    # Day 6 is Saturday 28 November: the meeting is on the next working day, Monday 30 November.
    assert timezone.localtime(meeting.starts_at).date() == MONDAY + dt.timedelta(days=7)
    with _at(MONDAY + dt.timedelta(days=2)):
        _change(world, running, end=MONDAY + dt.timedelta(days=3), reason="Klarar sig själv")
    meeting.refresh_from_db()
    assert meeting.status == FollowUpMeeting.Status.CANCELLED


def test_a_shorter_end_after_the_follow_up_meeting_keeps_it(world, running):
    from scheduling.models import FollowUpMeeting

    with _at(MONDAY + dt.timedelta(days=2)):
        _change(world, running, end=MONDAY + dt.timedelta(days=7))  # ends on the meeting's day
    assert FollowUpMeeting.objects.get(case=running).status == FollowUpMeeting.Status.BOOKED


def test_a_removed_intervention_leaves_a_shared_visit_shorter_as_tapering_does(world, start_case):
    """One rule for taking an intervention off the visits (scheduling._take_off_visits): a visit that holds
    another intervention goes on with it, shorter by the removed one's minutes."""
    case = start_case(
        MONDAY,
        lines=[
            InterventionLine(world.types[0].pk, 1, "day", 30, "morning"),
            InterventionLine(world.types[1].pk, 1, "day", 20, "morning"),
        ],
    )
    care, walking = list(case.decision.interventions.all())
    shared = _planned(case, visit_interventions__intervention=walking).filter(visit_interventions__intervention=care)
    later = shared.filter(planned_start__gte=_aware_day(MONDAY + dt.timedelta(days=4)))
    minutes = {v.pk: v.planned_minutes for v in later}
    assert minutes
    with _at(MONDAY + dt.timedelta(days=3), hour=12):
        _change(world, case, lines=[_kept(care)], reason="Gångträning avslutad")
    for visit in Visit.objects.filter(pk__in=minutes):
        assert visit.status == Visit.Status.PLANNED
        assert visit.planned_minutes == max(15, minutes[visit.pk] - 20)
        assert list(visit.visit_interventions.values_list("intervention", flat=True)) == [care.pk]


def _aware_day(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
