"""Working days and the times of day the routine talks about.

*Helgfri vardag* is what Swedish law counts: Monday–Friday that is neither a public holiday (lag 1989:253)
nor Midsummer Eve, Christmas Eve or New Year's Eve, which count as holidays (lag 1930:173 § 2). The
holidays come from the `holidays` package with the PUBLIC and DE_FACTO categories — never BANK or
OPTIONAL — which, from version 0.107, no longer counts every Sunday as a holiday by itself.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone
from holidays.constants import DE_FACTO, PUBLIC

# When in the day a part of day falls (the team's hours cut these further).
PART_OF_DAY_WINDOWS = {
    "morning": (dt.time(7, 0), dt.time(10, 0)),
    "day": (dt.time(10, 0), dt.time(16, 0)),
    "evening": (dt.time(16, 0), dt.time(22, 0)),
    "night": (dt.time(22, 0), dt.time(23, 59)),
}


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Sweden(years=year, categories=(PUBLIC, DE_FACTO))


def helgfri_vardag(day: dt.date) -> bool:
    """Monday–Friday and not a Swedish public holiday, Midsommarafton, Julafton or Nyårsafton."""
    return day.weekday() < 5 and day not in _swedish_holidays(day.year)


def holiday_name(day: dt.date) -> str | None:
    return _swedish_holidays(day.year).get(day)


def team_works_on(team, day: dt.date) -> bool:
    """Norrköping works every day; Botkyrka helgfria vardagar only."""
    return team.working_days == "every_day" or helgfri_vardag(day)


def case_officers_work_on(municipality, day: dt.date) -> bool:
    return municipality.case_officers_work_weekends or helgfri_vardag(day)


def support_day(start: dt.date, number: int) -> dt.date:
    """Day `number` of the support, day 1 being the start: day 6 is start + 5 days."""
    return start + dt.timedelta(days=number - 1)


def follow_up_meeting_day(team, municipality, start: dt.date, *, not_before: dt.date | None = None) -> dt.date:
    """The team's follow-up day (6 by default), or the next day on which both the team and the
    municipality's case officers work — the case officer chairs the meeting (Botkyrka's routine, 001)."""
    day = support_day(start, team.follow_up_day)
    return first_meeting_day_from(team, municipality, max(day, not_before or day))


def first_meeting_day_from(team, municipality, day: dt.date) -> dt.date:
    """`day` or the first day after it on which both the team and the case officers work."""
    for _ in range(30):
        if team_works_on(team, day) and case_officers_work_on(municipality, day):
            return day
        day += dt.timedelta(days=1)
    raise ValueError("no working day within 30 days")  # cannot happen with Swedish holidays


def slot_within_team_hours(team, part_of_day: str) -> tuple[dt.time, dt.time] | None:
    """The part of the day's window cut to the team's hours, or None when the team does not work then
    (night, or an evening for a day-time team): the night organisation or hemtjänst does it."""
    if part_of_day == "night":
        return None
    start, end = PART_OF_DAY_WINDOWS[part_of_day]
    start, end = max(start, team.day_starts_at), min(end, team.day_ends_at)
    return (start, end) if start < end else None


def within_team_hours(team, start: dt.time, minutes: int) -> bool:
    end = (dt.datetime.combine(dt.date.min, start) + dt.timedelta(minutes=minutes)).time()
    return team.day_starts_at <= start and end <= team.day_ends_at and end > start


# --- working hours: the hours a receiver has had to act on something (the message reminders) ----------

# Hemtjänst's office hours, for a reminder about a message to a hemtjänst receiver: helgfria vardagar
# 08:00–17:00. A choice, not a rule of the routine: the directory keeps no hours per receiver, and a
# coordinator's office day is the time a written message can be expected to be read and acknowledged —
# the night organisation's receivers included, since their coordinators acknowledge in office hours too.
HEMTJANST_OFFICE_DAYS = helgfri_vardag
HEMTJANST_OFFICE_STARTS_AT = dt.time(8, 0)
HEMTJANST_OFFICE_ENDS_AT = dt.time(17, 0)

# No receiver works fewer than a day a fortnight; a search longer than this means no working time at all.
_WORKING_HOURS_HORIZON_DAYS = 3700


def add_working_hours(
    start: dt.datetime, hours: int, *, works_on, day_starts_at: dt.time, day_ends_at: dt.time
) -> dt.datetime:
    """The moment `hours` working hours after `start` (aware): only the hours between `day_starts_at` and
    `day_ends_at` of the days `works_on(day)` says are working days count. Counted on the Stockholm wall
    clock, so a working day is as long on the days summer time starts and ends as on any other, and a
    message sent in the evening, at the weekend or on a holiday starts counting at the next working
    morning. Zero hours: the first working moment at or after `start`."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    wall = timezone.localtime(start).replace(tzinfo=None)
    remaining = dt.timedelta(hours=hours)
    day = wall.date()
    for _ in range(_WORKING_HOURS_HORIZON_DAYS):
        if works_on(day):
            opens, closes = dt.datetime.combine(day, day_starts_at), dt.datetime.combine(day, day_ends_at)
            begin = max(wall, opens)
            if begin < closes:
                if begin + remaining <= closes:
                    return timezone.make_aware(begin + remaining)
                remaining -= closes - begin
        day += dt.timedelta(days=1)
    raise ValueError("no working hours within ten years")


def hemtjanst_office_hours() -> dict:
    """add_working_hours' keywords for a hemtjänst receiver (its office hours above)."""
    return {
        "works_on": HEMTJANST_OFFICE_DAYS,
        "day_starts_at": HEMTJANST_OFFICE_STARTS_AT,
        "day_ends_at": HEMTJANST_OFFICE_ENDS_AT,
    }


def team_hours(team) -> dict:
    """add_working_hours' keywords for a hemgångsteam: its working days and its hours."""
    return {
        "works_on": lambda day: team_works_on(team, day),
        "day_starts_at": team.day_starts_at,
        "day_ends_at": team.day_ends_at,
    }


# --- counting working days (the meeting and visit reminders) ------------------------------------------
# `works_on` is a day predicate: `helgfri_vardag`, or e.g. `lambda day: team_works_on(team, day)`.

# More days in a row off than any Swedish calendar has (Christmas to Epiphany for a weekday team is 5): a
# predicate that never answers yes is a configuration error, not a reason to loop for ever.
LONGEST_BREAK = 60


def next_working_day(day: dt.date, works_on) -> dt.date:
    """The first day after `day` that `works_on` (Friday → Monday for helgfria vardagar)."""
    for _ in range(LONGEST_BREAK):
        day += dt.timedelta(days=1)
        if works_on(day):
            return day
    raise ValueError(f"no working day within {LONGEST_BREAK} days")


def previous_working_day(day: dt.date, works_on) -> dt.date:
    """The last day before `day` that `works_on` (Monday → Friday for helgfria vardagar)."""
    for _ in range(LONGEST_BREAK):
        day -= dt.timedelta(days=1)
        if works_on(day):
            return day
    raise ValueError(f"no working day within {LONGEST_BREAK} days")


def working_days_before(day: dt.date, n: int, works_on) -> dt.date:
    """The day `n` working days before `day`: 2 helgfria vardagar before a Wednesday is the Monday, before
    a Monday the Thursday; 0 is `day` itself."""
    for _ in range(n):
        day = previous_working_day(day, works_on)
    return day


def working_days_after(day: dt.date, n: int, works_on) -> dt.date:
    """The day `n` working days after `day`; 0 is `day` itself. The latest day of which `day` is at least
    `n` working days before: `working_days_before(d, n) <= day` exactly when `d <= working_days_after(day, n)`."""
    for _ in range(n):
        day = next_working_day(day, works_on)
    return day
