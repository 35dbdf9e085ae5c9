import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.services import InterventionLine
from hemgang.errors import DomainError
from scheduling import services
from scheduling.models import FollowUpMeeting, JournalEntry, Visit

MONDAY = dt.date(2026, 11, 23)


def _local(visit):
    return timezone.localtime(visit.planned_start)


def test_starting_the_support_plans_visits_from_the_decision(world, start_case):
    types = world.types
    case = start_case(
        MONDAY,
        days=7,
        lines=[
            InterventionLine(types[0].pk, 2, "day", 30, "morning"),
            InterventionLine(types[1].pk, 1, "day", 45, "day"),
            InterventionLine(types[2].pk, 1, "day", 20, "night"),
        ],
    )
    visits = list(case.visits.order_by("planned_start"))
    # 7 days × (2 morning + 1 day) visits; the night intervention is not a team visit
    assert len(visits) == 21
    assert _local(visits[0]).date() == MONDAY  # the first visit on the day of homecoming
    assert all(dt.time(7) <= _local(v).time() < dt.time(16) for v in visits)
    assert not any(v.visit_interventions.filter(intervention__part_of_day="night").exists() for v in visits)
    assert [who for _i, who in services.interventions_by_others(case)] == ["night"]
    assert services.has_night_interventions(case)


def test_a_weekday_team_plans_no_visits_on_weekends_or_holidays(world, start_case):
    world.other_team.working_days = "weekdays"
    world.other_team.save()
    case = start_case(dt.date(2026, 12, 21), days=14, team=world.other_team)
    days = {_local(v).date() for v in case.visits.all()}
    assert dt.date(2026, 12, 24) not in days and dt.date(2026, 12, 26) not in days
    assert dt.date(2026, 12, 27) not in days and dt.date(2027, 1, 1) not in days
    assert dt.date(2026, 12, 23) in days and dt.date(2026, 12, 28) in days


def test_evening_interventions_of_a_day_team_are_left_to_hemtjanst(world, start_case):
    world.other_team.day_starts_at, world.other_team.day_ends_at = dt.time(8), dt.time(16)
    world.other_team.save()
    case = start_case(
        MONDAY,
        team=world.other_team,
        lines=[
            InterventionLine(world.types[0].pk, 1, "day", 30, "evening"),
            InterventionLine(world.types[1].pk, 1, "day", 30, "morning"),
        ],
    )
    assert [who for _i, who in services.interventions_by_others(case)] == ["hemtjanst"]
    assert all(_local(v).time() >= dt.time(8) for v in case.visits.all())


def test_weekly_interventions_are_spread_over_the_week(world, start_case):
    case = start_case(MONDAY, days=14, lines=[InterventionLine(world.types[1].pk, 2, "week", 45, "day")])
    assert case.visits.count() == 4


@pytest.fixture
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def test_a_visit_outside_the_teams_hours_is_refused(world, start_case, on_monday):
    case = start_case(MONDAY)
    late = timezone.make_aware(dt.datetime.combine(MONDAY + dt.timedelta(days=1), dt.time(21, 45)))
    with pytest.raises(DomainError) as err:
        services.visit_add(actor=world.staff, case=case, planned_start=late, minutes=30, interventions=[])
    assert err.value.field == "planned_start"
    assert "nattorganisationen" in str(err.value.message)


def test_a_visit_outside_the_decision_period_is_refused(world, start_case, on_monday):
    case = start_case(MONDAY)
    later = timezone.make_aware(dt.datetime.combine(MONDAY + dt.timedelta(days=30), dt.time(10)))
    with pytest.raises(DomainError):
        services.visit_add(actor=world.staff, case=case, planned_start=later, minutes=30, interventions=[])


def test_a_visit_on_a_day_the_team_does_not_work_is_refused(world, start_case):
    world.other_team.working_days = "weekdays"
    world.other_team.save()
    case = start_case(MONDAY, team=world.other_team)
    saturday = timezone.make_aware(dt.datetime.combine(dt.date(2026, 11, 28), dt.time(10)))
    monday = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15)))
    with time_machine.travel(monday, tick=False), pytest.raises(DomainError) as err:
        services.visit_add(actor=world.other_staff, case=case, planned_start=saturday, minutes=30, interventions=[])
    assert "arbetar inte" in str(err.value.message)


def test_staff_move_assign_and_cancel_a_visit(world, start_case, on_monday):
    case = start_case(MONDAY)
    visit = case.visits.order_by("planned_start").last()
    new_time = visit.planned_start + dt.timedelta(hours=2)
    services.visit_move(actor=world.staff, visit=visit, planned_start=new_time)
    services.visit_assign(actor=world.manager, visit=visit, assigned_to=world.staff)
    with pytest.raises(DomainError):
        services.visit_assign(actor=world.manager, visit=visit, assigned_to=world.other_staff)
    with pytest.raises(DomainError):
        services.visit_cancel(actor=world.staff, visit=visit, reason=" ")
    services.visit_cancel(actor=world.staff, visit=visit, reason="Brukaren på sjukhusbesök")
    visit.refresh_from_db()
    assert (visit.planned_start, visit.assigned_to, visit.status) == (new_time, world.staff, "cancelled")
    assert visit.history.count() == 4
    assert visit.history.first().history_user == world.staff


def _first(case):
    return case.visits.order_by("planned_start").first()


def test_logging_a_visit_keeps_planned_and_performed_time_and_signs_the_note(world, start_case, on_monday):
    case = start_case(MONDAY)
    visit = _first(case)
    row = visit.visit_interventions.get()
    start = visit.planned_start + dt.timedelta(minutes=10)
    services.visit_log(
        actor=world.staff,
        visit=visit,
        performed=True,
        actual_start=start,
        actual_end=start + dt.timedelta(minutes=50),
        outcomes={row.pk: "together"},
        client_condition="Pigg",
        experienced_safety=7,
        journal_note="Duschade med stöd, gick själv till köket.",
    )
    visit.refresh_from_db()
    assert visit.status == "done" and visit.performed_minutes == 50 and visit.planned_minutes == 30
    row.refresh_from_db()
    assert row.outcome == "together"
    entry = JournalEntry.objects.get(visit=visit)
    assert (entry.kind, entry.author, entry.author_profession) == ("social", world.staff, "usk")


def test_a_visit_not_performed_needs_a_reason(world, start_case, on_monday):
    visit = _first(start_case(MONDAY))
    with pytest.raises(DomainError) as err:
        services.visit_log(actor=world.staff, visit=visit, performed=False)
    assert err.value.field == "not_done_reason"
    services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="Ej hemma")
    visit.refresh_from_db()
    assert visit.status == "not_done"
    assert visit.visit_interventions.get().outcome == "not_done"


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(world, start_case, on_monday):
    visit = _first(start_case(MONDAY))
    with pytest.raises(DomainError) as err:
        services.visit_log(
            actor=world.staff,
            visit=visit,
            performed=True,
            actual_start=visit.planned_start,
            actual_end=visit.planned_start - dt.timedelta(minutes=5),
            journal_note="text",
        )
    assert err.value.field == "actual_end"
    visit.refresh_from_db()
    assert visit.status == "planned" and not JournalEntry.objects.exists()


@pytest.mark.parametrize("safety", [-1, 11])
def test_a_safety_rating_out_of_range_is_refused(world, start_case, on_monday, safety):
    visit = _first(start_case(MONDAY))
    with pytest.raises(DomainError):
        services.visit_log(
            actor=world.staff,
            visit=visit,
            performed=True,
            actual_start=visit.planned_start,
            actual_end=visit.planned_end,
            experienced_safety=safety,
        )
    assert Visit.objects.get(pk=visit.pk).status == "planned"


def test_a_visit_of_a_closed_case_cannot_be_logged(world, start_case, on_monday):
    case = start_case(MONDAY)
    visit = _first(case)
    case_services.case_readmit(actor=world.staff, case=case, reason="Inlagd igen")
    with pytest.raises(DomainError) as err:
        services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="x")
    assert err.value.code == "case_not_running"


def test_a_visit_is_logged_only_once(world, start_case, on_monday):
    visit = _first(start_case(MONDAY))
    services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="Ej hemma")
    with pytest.raises(DomainError):
        services.visit_log(actor=world.staff, visit=visit, performed=False, not_done_reason="Igen")


def test_an_ended_case_leaves_no_visits_or_meeting_behind(world, login, start_case, on_monday):
    case = start_case(MONDAY)
    case_services.case_readmit(actor=world.staff, case=case, reason="Inlagd igen")
    assert not Visit.objects.filter(case=case, status="planned", planned_start__gte=timezone.now()).exists()
    assert FollowUpMeeting.objects.get(case=case).status == "cancelled"
    assert case.client.full_name not in login(world.staff).get(reverse("day_board")).content.decode()


def test_planned_visits_end_within_the_teams_hours(world, start_case):
    team = world.other_team
    team.working_days, team.day_starts_at, team.day_ends_at, team.capacity = "weekdays", dt.time(8), dt.time(16), 20
    team.save()
    for _ in range(6):
        start_case(MONDAY, team=team, lines=[InterventionLine(world.types[1].pk, 2, "day", 60, "day")])
    for visit in Visit.objects.filter(team=team):
        assert timezone.localtime(visit.planned_end).time() <= dt.time(16), visit
