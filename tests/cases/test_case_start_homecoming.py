"""Issue 8, item 2: visits are not planned before the client is home; the start asks the homecoming time."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services
from hemgang.errors import DomainError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


def _aware(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def decided_monday(world):
    with time_machine.travel(_aware(MONDAY, 8), tick=False):
        case = f.referred_case(world.officer, planned_homecoming_on=MONDAY, admitted_on=MONDAY - dt.timedelta(days=3))
        f.consent(world.officer, case)
        f.decision(world.officer, case, world.team, world.types, world.basis, start=MONDAY, days=5)
    case.refresh_from_db()
    return case


def test_it_stores_the_homecoming_and_plans_no_visit_before_it(world, decided_monday):
    with time_machine.travel(_aware(MONDAY, 14), tick=False):
        case = services.case_start(actor=world.staff, case=decided_monday, homecoming_at=_aware(MONDAY, 8, 40))
    case.refresh_from_db()
    assert case.homecoming_at == _aware(MONDAY, 8, 40)
    monday_visits = [v for v in case.visits.all() if timezone.localdate(v.planned_start) == MONDAY]
    # the two morning visits of the day of homecoming both fall between 08:45 and 10:00
    assert len(monday_visits) == 2
    assert all(timezone.localtime(v.planned_start).time() >= dt.time(8, 45) for v in monday_visits)


def test_a_homecoming_after_the_morning_leaves_that_morning_without_visits(world, decided_monday):
    with time_machine.travel(_aware(MONDAY, 14), tick=False):
        case = services.case_start(actor=world.staff, case=decided_monday, homecoming_at=_aware(MONDAY, 11))
    days = sorted(timezone.localdate(v.planned_start) for v in case.visits.all())
    assert days[0] == MONDAY + dt.timedelta(days=1)


def test_the_homecoming_defaults_to_now(world, decided_monday):
    with time_machine.travel(_aware(MONDAY, 9, 10), tick=False):
        case = services.case_start(actor=world.staff, case=decided_monday)
    case.refresh_from_db()
    assert case.homecoming_at == _aware(MONDAY, 9, 10)
    assert min(v.planned_start for v in case.visits.all()) >= _aware(MONDAY, 9, 15)


def test_it_refuses_a_homecoming_before_the_decisions_start(world, decided_monday):
    with time_machine.travel(_aware(MONDAY, 14), tick=False), pytest.raises(DomainError) as err:
        services.case_start(
            actor=world.staff, case=decided_monday, homecoming_at=_aware(MONDAY, 0) - dt.timedelta(minutes=1)
        )
    assert err.value.field == "homecoming_at"
    assert "före beslutets start, 2026-11-23" in str(err.value.message)
    decided_monday.refresh_from_db()
    assert decided_monday.state == "decided" and decided_monday.homecoming_at is None


def test_it_refuses_a_homecoming_after_today(world, decided_monday):
    with time_machine.travel(_aware(MONDAY, 14), tick=False):
        with pytest.raises(DomainError) as err:
            services.case_start(
                actor=world.staff, case=decided_monday, homecoming_at=_aware(MONDAY + dt.timedelta(days=1), 0)
            )
        assert str(err.value.message) == "Hemkomsten kan inte vara senare än i dag."
        # the last minute of today is still today
        services.case_start(actor=world.staff, case=decided_monday, homecoming_at=_aware(MONDAY, 23, 59))
    assert not decided_monday.visits.filter(planned_start__lt=_aware(MONDAY + dt.timedelta(days=1), 0)).exists()


def test_the_start_form_asks_the_homecoming_time(world, login, decided_monday):
    http = login(world.staff)
    url = reverse("case_transition", args=[decided_monday.pk, "active"])
    with time_machine.travel(_aware(MONDAY, 10, 5), tick=False):
        page = http.get(url).content.decode()
        assert "När kom brukaren hem?" in page and 'value="2026-11-23T10:05"' in page
        refused = http.post(url, {"homecoming_at": "2026-11-22T23:00"})
        assert refused.status_code == 200 and "före beslutets start" in refused.content.decode()
        response = http.post(url, {"homecoming_at": "2026-11-23T09:30"})
    assert response.status_code == 302
    decided_monday.refresh_from_db()
    assert decided_monday.state == "active" and decided_monday.homecoming_at == _aware(MONDAY, 9, 30)
