"""Working days and the day of the follow-up meeting, with real Swedish dates."""

import datetime as dt

import pytest

from scheduling import calendar

from .. import factories as f


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2026, 11, 23), True),  # an ordinary Monday
        (dt.date(2026, 11, 28), False),  # Saturday
        (dt.date(2026, 12, 24), False),  # Julafton (lag 1930:173)
        (dt.date(2026, 12, 26), False),  # Annandag jul
        (dt.date(2026, 12, 31), False),  # Nyårsafton
        (dt.date(2026, 6, 19), False),  # Midsommarafton
        (dt.date(2026, 6, 18), True),  # the Thursday before Midsummer
        (dt.date(2026, 4, 3), False),  # Långfredag
        (dt.date(2026, 4, 6), False),  # Annandag påsk
        (dt.date(2026, 4, 7), True),
        (dt.date(2026, 1, 6), False),  # Trettondedag jul
        (dt.date(2026, 5, 14), False),  # Kristi himmelsfärds dag
        (dt.date(2026, 5, 15), True),  # the "klämdag" after is a working day by law
    ],
)
def test_helgfri_vardag(day, expected):
    assert calendar.helgfri_vardag(day) is expected


@pytest.fixture
def team_and_town(db):
    town = f.MunicipalityFactory()
    return f.TeamFactory(municipality=town), town


@pytest.mark.parametrize(
    "start, meeting_day",
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 30)),  # Monday: day 6 is Saturday → Monday
        (dt.date(2026, 11, 20), dt.date(2026, 11, 25)),  # Friday: day 6 is Wednesday
        (dt.date(2026, 11, 25), dt.date(2026, 11, 30)),  # Wednesday: day 6 is Monday
        (dt.date(2026, 12, 21), dt.date(2026, 12, 28)),  # day 6 is Annandag jul → Monday 28 December
        (dt.date(2026, 12, 26), dt.date(2027, 1, 4)),  # day 6 is Nyårsafton; 1 Jan holiday; weekend → 4 Jan
        (dt.date(2026, 6, 14), dt.date(2026, 6, 22)),  # day 6 is Midsommarafton → Monday after Midsummer
        (dt.date(2026, 6, 15), dt.date(2026, 6, 22)),  # day 6 is Midsommardagen → Monday
        (dt.date(2026, 3, 29), dt.date(2026, 4, 7)),  # Easter week: Långfredag … Annandag påsk → Tuesday
    ],
)
def test_the_meeting_falls_on_day_6_or_the_next_helgfri_vardag(team_and_town, start, meeting_day):
    team, town = team_and_town
    assert calendar.follow_up_meeting_day(team, town, start) == meeting_day


def test_with_case_officers_who_work_weekends_an_every_day_team_meets_on_day_6(team_and_town):
    team, town = team_and_town
    town.case_officers_work_weekends = True
    assert calendar.follow_up_meeting_day(team, town, dt.date(2026, 12, 21)) == dt.date(2026, 12, 26)


def test_a_weekday_team_still_needs_a_weekday_even_if_case_officers_work_weekends(team_and_town):
    team, town = team_and_town
    town.case_officers_work_weekends = True
    team.working_days = "weekdays"
    assert calendar.follow_up_meeting_day(team, town, dt.date(2026, 12, 21)) == dt.date(2026, 12, 28)


def test_the_meeting_day_is_a_setting(team_and_town):
    team, town = team_and_town
    team.follow_up_day = 10
    assert calendar.follow_up_meeting_day(team, town, dt.date(2026, 11, 23)) == dt.date(2026, 12, 2)


def test_a_team_from_8_to_16_does_not_cover_evenings(team_and_town):
    team, _town = team_and_town
    team.day_starts_at, team.day_ends_at = dt.time(8), dt.time(16)
    assert calendar.slot_within_team_hours(team, "morning") == (dt.time(8), dt.time(10))
    assert calendar.slot_within_team_hours(team, "evening") is None
    assert calendar.slot_within_team_hours(team, "night") is None
