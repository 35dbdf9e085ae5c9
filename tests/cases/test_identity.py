import datetime as dt

import pytest

from cases.identity import PERSONNUMMER, SAMORDNINGSNUMMER, InvalidIdentityNumber, parse_identity_number

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
    # Born 1926-12-01 is under 100 on TODAY, so with '-' it is 1926 and not 2026.
    assert parse_identity_number("261201-1235", today=TODAY).number.startswith("1926")


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
