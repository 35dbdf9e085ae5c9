"""The retention rules as dates (SoL; PDL 3 kap. 17 §; HSLF-FS 2016:40; DOMAIN.md "retention").

- SoL records (the social documentation: the case file, the decision, the SoL journal, the visits, the
  messages, the handover) may be cleared 5 years after the last entry and must be by the end of the
  following calendar year: last entry 14 March 2020 → eligible from 14 March 2025, cleared by 31 December
  2026. A last entry on 29 February is eligible from 28 February five years on.
- not while other records of the person are kept: an open case, or a HSL record less than 10 years old
  (the patient journal is kept at least ten years after its last entry);
- except the research sample: people born on the 5th, 15th or 25th of a month are kept (for a
  samordningsnummer the day in the number is the birth day + 60: 65, 75, 85).
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings

SOL_YEARS = 5
HSL_YEARS = 10
ACCESS_LOG_YEARS = 5
# Socialstyrelsen's födelsedagsurval: the days of the month whose people are kept for research.
RESEARCH_SAMPLE_DAYS = (5, 15, 25)
SAMORDNINGSNUMMER_DAY_OFFSET = 60


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def sol_eligible_from(last_entry: dt.date) -> dt.date:
    return years_after(last_entry, SOL_YEARS)


def sol_due_by(last_entry: dt.date) -> dt.date:
    """The end of the calendar year after the one in which the record became eligible."""
    return dt.date(sol_eligible_from(last_entry).year + 1, 12, 31)


def hsl_kept_until(last_entry: dt.date) -> dt.date:
    """The first day a HSL record may go: ten years after its last entry."""
    return years_after(last_entry, HSL_YEARS)


def access_log_cutoff(today: dt.date) -> dt.date:
    """Access log rows from before this day are more than five years old and may be deleted."""
    return years_after(today, -ACCESS_LOG_YEARS)


def birth_day(personal_number: str) -> int:
    """The day of the month the person was born, from a 12-digit personnummer or samordningsnummer."""
    day = int(personal_number[6:8])
    return day - SAMORDNINGSNUMMER_DAY_OFFSET if day > SAMORDNINGSNUMMER_DAY_OFFSET else day


def in_research_sample(personal_number: str) -> bool:
    return birth_day(personal_number) in RESEARCH_SAMPLE_DAYS


def person_pseudonym(personal_number: str) -> str:
    """A keyed hash (HMAC-SHA256) of the number: the same person gives the same pseudonym, but nobody
    without the key can find the number from it (a plain hash of the few billion personnummer is
    reversed by trying them all)."""
    key = f"{settings.SECRET_KEY}:retention".encode()
    return hmac.new(key, personal_number.encode(), hashlib.sha256).hexdigest()
