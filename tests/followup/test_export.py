"""Every table of the period page as CSV and Excel: the page's choice from the query string, the page's
rows and numbers, files a spreadsheet opens."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .test_period_page import MARCH, march  # noqa: F401 - the fixture

TABLES = ("figures", "lengths", "trend", "referrals")


def _export(http, table, fmt, params):
    return http.get(reverse("followup_period_export", args=[table, fmt]), params)


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM: Excel in a Swedish locale reads UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.mark.parametrize("table", TABLES)
def test_every_table_exports_as_csv_and_excel_with_the_pages_rows(world, login, march, table):  # noqa: F811
    http = login(world.manager)
    params = {**MARCH, "team": world.team.pk}
    shown = http.get(reverse("followup_period"), params).context["tables"][table]
    as_csv = _export(http, table, "csv", params)
    assert as_csv.status_code == 200 and as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"].endswith('-team-norr-2026-03-01-2026-03-31.csv"')
    rows = _csv_rows(as_csv)
    assert rows[0] == [str(h) for h in shown.headers]
    expected = [["" if v is None else str(v).replace(".", ",") for v in row] for row in shown.rows]
    assert rows[1:] == [[str(v) for v in row] for row in expected]
    book = load_workbook(io.BytesIO(_export(http, table, "xlsx", params).content))
    sheet = book.active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == [str(h) for h in shown.headers]
    assert [list(row) for row in cells[1:]] == [
        [str(v) if hasattr(v, "_proxy____args") else v for v in row] for row in shown.rows
    ]


def test_the_figures_export_keeps_numbers_as_numbers(world, login, march):  # noqa: F811
    http = login(world.manager)
    sheet = load_workbook(io.BytesIO(_export(http, "figures", "xlsx", {**MARCH, "team": world.team.pk}).content)).active
    by_label = {row[1]: (row[2], row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_label["Stöd som började"] == (3, "st")
    assert by_label["Medianlängd"] == (8.5, "dagar")
    assert by_label["Kostnad för betalningsansvar"] == (15600, "kr")
    rows = _csv_rows(_export(http, "figures", "csv", {**MARCH, "team": world.team.pk}))
    assert ["Stödets längd", "Medianlängd", "8,5", "dagar"] in rows
    assert ["Uppföljningsmöte", "Andel hållna i tid", "", "%"] in rows  # no meeting held: no share


def test_an_export_with_bad_input_shows_the_form_instead(world, login):
    response = _export(login(world.manager), "figures", "csv", {"period": "year", "year": "0"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Ange ett år från 1900" in response.content.decode()


def test_an_export_of_another_team_is_refused(world, login):
    response = _export(login(world.manager), "figures", "xlsx", {**MARCH, "team": world.other_team.pk})
    assert response.status_code == 400
    assert "Välj ett av dina team." in response.content.decode()


@pytest.mark.parametrize(("table", "fmt"), [("clients", "csv"), ("figures", "pdf")])
def test_an_unknown_table_or_format_is_not_found(world, login, table, fmt):
    assert _export(login(world.manager), table, fmt, MARCH).status_code == 404
