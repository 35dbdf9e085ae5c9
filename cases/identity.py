"""Swedish personal identity numbers: personnummer and samordningsnummer.

Skatteverket's rules, as DOMAIN.md lists them:
- accepted as 10 or 12 digits, with or without the separator; stored as 12 digits;
- a 10-digit number is written with `-` until the end of the calendar year before the one in which the
  person turns 100, and with `+` from 1 January of that year (Skatteverket; folkbokföringsförordningen).
  So the separator decides the century from the birth *year* alone: with `-` the birth year is one of
  the last 100 calendar years (this one included), with `+` the hundred years before those. A person
  born 1926-12-31 is 261231+NNNC from 2026-01-01, although they are 99 until 31 December;
- the birth number (digits 9–11 of 12) is 001–999, and the last digit is a Luhn check over the last 10;
- a samordningsnummer is a personnummer whose day is the birth day + 60 (lag 2022:1697).

Why not a library alone: `personnummer` 3.2 accepts samordningsnummer without telling the caller unless
asked and has no notion of "today"; `python-stdnum`'s `se.personalid` rejects samordningsnummer and
accepts birth number 000. So the date and serial rules are written out here and the Luhn check comes from
python-stdnum.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"

_PATTERN = re.compile(r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$")


class InvalidIdentityNumber(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class IdentityNumber:
    number: str  # 12 digits, YYYYMMDDNNNC
    kind: str
    birth_date: dt.date


def parse_identity_number(raw: str, *, today: dt.date | None = None) -> IdentityNumber:
    """Validate and normalise a personnummer or samordningsnummer, or raise InvalidIdentityNumber."""
    today = today or timezone.localdate()
    text = re.sub(r"\s", "", raw or "")
    match = _PATTERN.match(text)
    if not match:
        raise InvalidIdentityNumber(
            _("Enter the personal identity number as 10 or 12 digits, e.g. 19400101-1234 or 400101-1234.")
        )
    yymmdd, sep, serial, check = match["yymmdd"], match["sep"], match["serial"], match["check"]
    if match["century"] and sep == "+":
        raise InvalidIdentityNumber(_("A 12-digit number is written without '+'."))

    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    kind = PERSONNUMMER
    if day > 60:
        kind, day = SAMORDNINGSNUMMER, day - 60

    if match["century"]:
        year = int(match["century"] + yymmdd[:2])
    else:
        year = _year_for(year2, today, hundred_or_older=(sep == "+"))

    try:
        birth_date = dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidIdentityNumber(_("The number does not contain a valid date of birth.")) from exc
    if birth_date > today:
        if not match["century"] and sep != "+":
            raise InvalidIdentityNumber(
                _(
                    "The date of birth is in the future. A person who turns 100 this year or is older "
                    "is written with '+' instead of '-'."
                )
            )
        raise InvalidIdentityNumber(_("The date of birth is in the future."))
    if serial == "000":
        raise InvalidIdentityNumber(_("The birth number (digits 9–11) must be between 001 and 999."))
    if not luhn.is_valid(yymmdd + serial + check):
        raise InvalidIdentityNumber(_("The check digit is wrong: check the number for a typo."))
    return IdentityNumber(number=f"{year:04d}{yymmdd[2:]}{serial}{check}", kind=kind, birth_date=birth_date)


def _year_for(year2: int, today: dt.date, *, hundred_or_older: bool) -> int:
    """The birth year a 10-digit number means today, by Skatteverket's separator rule.

    `-`: the most recent year ending in `year2`, this year included (the person turns at most 99 this
    year). `+`: a hundred years before that (the person turns 100 or more this year). The birth date
    itself plays no part: the separator changes on 1 January, not on the birthday.
    """
    year = today.year - (today.year - year2) % 100
    return year - 100 if hundred_or_older else year


def format_identity_number(number: str) -> str:
    """The 12-digit form with a hyphen, as written on Swedish forms: 19400101-1234."""
    return f"{number[:8]}-{number[8:]}" if len(number) == 12 else number


def separator_for(birth_year: int, *, today: dt.date) -> str:
    """`+` from 1 January of the calendar year in which the person turns 100, `-` before (Skatteverket)."""
    return "+" if today.year - birth_year >= 100 else "-"


def format_identity_number_10(number: str, *, today: dt.date | None = None) -> str:
    """The 10-digit form, YYMMDD-NNNC or YYMMDD+NNNC, with the separator that applies on `today`.

    A samordningsnummer follows the same rule on its birth year (the day + 60 does not change it).
    """
    if len(number) != 12:
        return number
    today = today or timezone.localdate()
    return f"{number[2:8]}{separator_for(int(number[:4]), today=today)}{number[8:]}"
