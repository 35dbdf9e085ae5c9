"""Working hours: only the receiver's working day counts, on the Stockholm wall clock, across weekends,
holidays and the nights summer time starts and ends."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from scheduling import calendar

OFFICE = calendar.hemtjanst_office_hours()


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def team(working_days="every_day", starts=dt.time(7), ends=dt.time(22)):
    """Only what team_hours reads: a team as Norrköping (07–22 every day) or Botkyrka has it."""
    return SimpleNamespace(working_days=working_days, day_starts_at=starts, day_ends_at=ends)


def test_hemtjansts_office_hours_are_helgfria_vardagar_eight_to_five():
    assert (OFFICE["day_starts_at"], OFFICE["day_ends_at"]) == (dt.time(8), dt.time(17))
    assert OFFICE["works_on"](dt.date(2025, 3, 7)) and not OFFICE["works_on"](dt.date(2025, 3, 8))


@pytest.mark.parametrize(
    "start, hours, expected",
    [
        # Inside one day, and exactly to its end: the end of the day, not the next morning.
        (local(2025, 3, 4, 9, 0), 4, local(2025, 3, 4, 13, 0)),
        (local(2025, 3, 4, 8, 0), 9, local(2025, 3, 4, 17, 0)),
        # Friday afternoon: two hours on Friday, two on Monday morning.
        (local(2025, 3, 7, 15, 0), 4, local(2025, 3, 10, 10, 0)),
        # Sent in the evening, before the morning, on a Saturday: counting starts at the next working morning.
        (local(2025, 3, 4, 20, 0), 4, local(2025, 3, 5, 12, 0)),
        (local(2025, 3, 5, 6, 30), 4, local(2025, 3, 5, 12, 0)),
        (local(2025, 3, 8, 11, 0), 4, local(2025, 3, 10, 12, 0)),
        # The Thursday before Midsommarafton (20 June 2025, a holiday by lag 1930:173): one hour on
        # Thursday, the rest on Monday after the weekend.
        (local(2025, 6, 19, 16, 0), 4, local(2025, 6, 23, 11, 0)),
        # Julafton, juldagen, annandag jul and a weekend: from 23 December to Monday 29 December.
        (local(2025, 12, 23, 16, 0), 4, local(2025, 12, 29, 11, 0)),
        # Longer than a working day.
        (local(2025, 3, 4, 13, 0), 12, local(2025, 3, 5, 16, 0)),
        # Zero hours: the first working moment.
        (local(2025, 3, 7, 18, 0), 0, local(2025, 3, 10, 8, 0)),
    ],
)
def test_office_hours(start, hours, expected):
    assert calendar.add_working_hours(start, hours, **OFFICE) == expected


def test_the_night_summer_time_starts_counts_by_the_wall_clock():
    """30 March 2025, 02:00 → 03:00. Sent at 21:00 on the Saturday to a team working 07–22 every day: one
    hour that evening, three from 07:00 on Sunday — 10:00 summer time, 08:00 UTC. The night between is
    an hour shorter, but no working hour is lost or gained."""
    due = calendar.add_working_hours(local(2025, 3, 29, 21, 0), 4, **calendar.team_hours(team()))
    assert due == local(2025, 3, 30, 10, 0)
    assert due == dt.datetime(2025, 3, 30, 8, 0, tzinfo=dt.UTC)
    # Sent in the night of the switch itself: counted from the morning.
    assert calendar.add_working_hours(local(2025, 3, 30, 1, 30), 4, **calendar.team_hours(team())) == local(
        2025, 3, 30, 11, 0
    )


def test_the_night_summer_time_ends_counts_by_the_wall_clock():
    """26 October 2025, 03:00 → 02:00: the night is an hour longer; Sunday 10:00 is 09:00 UTC."""
    due = calendar.add_working_hours(local(2025, 10, 25, 21, 0), 4, **calendar.team_hours(team()))
    assert due == dt.datetime(2025, 10, 26, 9, 0, tzinfo=dt.UTC)
    assert timezone.localtime(due).hour == 10


def test_a_day_spanning_the_switch_has_its_wall_clock_hours():
    """A team working 00:00–06:00 on the night summer time starts: six working hours on the wall clock,
    though only five pass; 4 hours from midnight end at 04:00 summer time."""
    night = team(starts=dt.time(0), ends=dt.time(6))
    assert calendar.add_working_hours(local(2025, 3, 30, 0, 0), 4, **calendar.team_hours(night)) == local(
        2025, 3, 30, 4, 0
    )


def test_a_weekday_team_skips_the_weekend_an_every_day_team_does_not():
    friday = local(2025, 3, 7, 15, 0)
    botkyrka = team("weekdays", dt.time(8), dt.time(16))
    assert calendar.add_working_hours(friday, 4, **calendar.team_hours(botkyrka)) == local(2025, 3, 10, 11, 0)
    assert calendar.add_working_hours(friday, 4, **calendar.team_hours(team())) == local(2025, 3, 7, 19, 0)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_hours(local(2025, 3, 7, 15, 0), -1, **OFFICE)
