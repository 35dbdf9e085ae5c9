import datetime as dt

import pytest
import time_machine

from cases.identity import (
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    InvalidIdentityNumber,
    format_identity_number_10,
    parse_identity_number,
)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("19400517-1238", "194005171238"),
        ("194005171238", "194005171238"),
        ("400517-1238", "194005171238"),
        ("4005171238", "194005171238"),
        (" 400517 - 1238 ", "194005171238"),
    ],
)
def test_it_accepts_10_and_12_digits_with_or_without_separator(raw, expected):
    parsed = parse_identity_number(raw, today=TODAY)
    assert parsed.number == expected
    assert parsed.kind == PERSONNUMMER
    assert parsed.birth_date == dt.date(1940, 5, 17)


def test_it_gives_a_10_digit_number_the_century_that_puts_the_birth_in_the_last_hundred_years():
    assert parse_identity_number("0101012383", today=TODAY).number.startswith("2001")
    assert parse_identity_number("271201-1234", today=TODAY).number.startswith("1927")


def test_it_uses_plus_for_people_who_have_turned_100():
    parsed = parse_identity_number("240515+9845", today=TODAY)
    assert parsed.number == "192405159845"
    assert parsed.birth_date == dt.date(1924, 5, 15)


def test_it_recognises_a_samordningsnummer_by_day_plus_60():
    parsed = parse_identity_number("19400577-1235", today=TODAY)
    assert parsed.kind == SAMORDNINGSNUMMER
    assert parsed.birth_date == dt.date(1940, 5, 17)
    assert parsed.number == "194005771235"


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("19400517-1237", "kontrollsiffran"),  # wrong Luhn digit
        ("19400230-1234", "födelsedatum"),  # 30 February
        ("19401317-1234", "födelsedatum"),  # month 13
        ("400517-123", "10 eller 12 siffror"),  # too short
        ("19400517-12345", "10 eller 12 siffror"),  # too long
        ("19400517-0008", "001"),  # birth number 000 (checksum-valid)
        ("20300101-1234", "framtiden"),
        ("19400517+1238", "+"),  # a 12-digit number with '+'
        ("abcdefghij", "10 eller 12 siffror"),
        ("19400592-1234", "födelsedatum"),  # samordningsnummer with day 32
    ],
)
def test_it_refuses_invalid_numbers_with_a_swedish_reason(raw, fragment):
    with pytest.raises(InvalidIdentityNumber) as err:
        parse_identity_number(raw, today=TODAY)
    assert fragment in str(err.value.message)


def test_birth_number_000_is_refused_even_when_the_checksum_fits():
    from stdnum import luhn

    body = "400517000"
    number = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(number)
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(number, today=TODAY)


# Skatteverket: '+' is written from 1 January of the calendar year in which the person turns 100, not from
# the birthday. Born 1926-12-31: '-' through 2025-12-31, '+' from 2026-01-01 (still 99 on that day). The
# clock is moved to just after midnight in Stockholm, which is still the day before in UTC.
NEW_YEAR_2026 = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
NEW_YEARS_EVE_2025 = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.parametrize("raw", ["261231-1239", "261291-1236"])  # personnummer and samordningsnummer
def test_it_reads_a_minus_as_under_100_on_the_last_day_of_the_year_before(raw):
    with time_machine.travel(NEW_YEARS_EVE_2025, tick=False):
        assert parse_identity_number(raw).birth_date == dt.date(1926, 12, 31)
        assert parse_identity_number(raw.replace("-", "+")).birth_date == dt.date(1826, 12, 31)


@pytest.mark.parametrize("raw", ["261231+1239", "261291+1236"])
def test_it_reads_a_plus_from_1_january_of_the_year_the_person_turns_100(raw):
    with time_machine.travel(NEW_YEAR_2026, tick=False):
        assert parse_identity_number(raw).birth_date == dt.date(1926, 12, 31)


@pytest.mark.parametrize("raw", ["261231-1239", "261291-1236"])
def test_it_refuses_a_minus_for_someone_who_turns_100_this_year_and_says_to_write_plus(raw):
    with time_machine.travel(NEW_YEAR_2026, tick=False), pytest.raises(InvalidIdentityNumber) as err:
        parse_identity_number(raw)
    assert "'+'" in str(err.value.message)


def test_a_minus_the_year_after_turning_99_means_a_child_born_this_year():
    # Born 1927-01-01 writes '+' from 2027-01-01; on that day '270101-' is a newborn.
    with time_machine.travel(dt.date(2027, 1, 1), tick=False):
        assert parse_identity_number("270101+1237").birth_date == dt.date(1927, 1, 1)
        assert parse_identity_number("270101-1237").birth_date == dt.date(2027, 1, 1)
    with time_machine.travel(dt.date(2026, 12, 31), tick=False):
        assert parse_identity_number("270101-1237").birth_date == dt.date(1927, 1, 1)


@pytest.mark.parametrize(
    "number, before, after",
    [
        ("192612311239", "261231-1239", "261231+1239"),  # personnummer
        ("192612911236", "261291-1236", "261291+1236"),  # samordningsnummer: the same rule on the year
    ],
)
def test_it_formats_the_10_digit_form_with_plus_from_1_january_of_the_hundredth_year(number, before, after):
    with time_machine.travel(NEW_YEARS_EVE_2025, tick=False):
        assert format_identity_number_10(number) == before
    with time_machine.travel(NEW_YEAR_2026, tick=False):
        assert format_identity_number_10(number) == after
        assert parse_identity_number(format_identity_number_10(number)).number == number
