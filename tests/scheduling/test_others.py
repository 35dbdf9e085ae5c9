"""Issue 8, item 3: evenings, nights and weekends of a day-time team are carried out by others, and the
case and the start notice say exactly what, when and from which date."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.services import InterventionLine
from handover.models import Message
from scheduling.others import carried_out_by_others

CHRISTMAS_MONDAY = dt.date(2026, 12, 21)


@pytest.fixture
def weekday_case(world, start_case):
    """Botkyrka's hours: weekdays 08–16, no public holidays; two weeks over Christmas and New Year."""
    team = world.other_team
    team.working_days, team.day_starts_at, team.day_ends_at = "weekdays", dt.time(8), dt.time(16)
    team.save()
    types = world.types
    return start_case(
        CHRISTMAS_MONDAY,
        days=14,
        team=team,
        lines=[
            InterventionLine(types[0].pk, 1, "day", 30, "morning"),
            InterventionLine(types[1].pk, 1, "day", 30, "evening"),
            InterventionLine(types[2].pk, 1, "day", 20, "night"),
            InterventionLine(types[1].pk, 2, "week", 45, "day"),
        ],
    )


def test_it_lists_what_others_carry_out_on_the_days_and_hours_the_team_does_not_work(weekday_case):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 21, 9)), tick=False):
        rows = carried_out_by_others(weekday_case)
    by_part = {row.intervention.part_of_day: row for row in rows}
    assert len(rows) == 3  # the weekly intervention is spread over the team's own working days
    morning = by_part["morning"]
    assert (morning.who, morning.why, morning.from_day) == ("hemtjanst", "days_off", dt.date(2026, 12, 24))
    assert morning.days == "lördagar och söndagar samt 2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01"
    evening = by_part["evening"]
    assert (evening.who, evening.days, evening.from_day) == ("hemtjanst", "alla dagar", CHRISTMAS_MONDAY)
    night = by_part["night"]
    assert (night.who, night.days, night.from_day) == ("night", "alla dagar", CHRISTMAS_MONDAY)


def test_a_team_working_every_day_leaves_only_the_night_to_others(world, start_case):
    case = start_case(CHRISTMAS_MONDAY, lines=[InterventionLine(world.types[0].pk, 1, "day", 30, "morning")])
    assert carried_out_by_others(case) == []


def test_the_start_notice_tells_hemtjanst_which_interventions_when_and_from_which_date(weekday_case):
    body = Message.objects.get(case=weekday_case, kind="start_notice").body
    assert "Utförs av andra, inte av teamet:" in body
    assert (
        "(morgon, 1 per dag): lördagar och söndagar samt 2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01 "
        "från 2026-12-24 – hemtjänsten" in body
    )
    assert "(kväll, 1 per dag): alla dagar från 2026-12-21 – hemtjänsten" in body
    assert "(natt, 1 per dag): alla dagar från 2026-12-21 – nattorganisationen (nattpatrullen)" in body


def test_the_case_and_visits_pages_show_what_others_carry_out(world, login, weekday_case):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 21, 9)), tick=False):
        http = login(world.other_staff)
        for url in (reverse("case_visits", args=[weekday_case.pk]), reverse("case_detail", args=[weekday_case.pk])):
            page = http.get(url).content.decode()
            assert "Utförs av andra" in page
            assert "lördagar och söndagar samt 2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01 från 2026-12-24" in page
