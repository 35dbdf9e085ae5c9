"""Every table as CSV or Excel: the same headers and rows the page shows, as a download (the follow-up's
and the log review's; followup/export.py re-exports these).

A table is a `Table`: a title, column headers and rows of plain values (numbers stay numbers, so a
spreadsheet can sum them). CSV is written with a BOM and semicolons, as Excel in a Swedish locale opens
it; the Excel file (openpyxl) has one sheet with bold headers and the columns widened to fit."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from hemgang.errors import DomainValidationError

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...] = field(default_factory=tuple)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise DomainValidationError(_("Export as CSV or Excel."), field="format", code="unknown_format")
    return fmt


def _cell(value):
    """A value as a spreadsheet should see it: text for labels and lazy translations, numbers as numbers."""
    if value is None or isinstance(value, int | float | dt.date):
        return value
    return str(value)


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def _xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(table.title)[:31]
    sheet.append([str(h) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    for index, header in enumerate(table.headers, start=1):
        width = max([len(str(header))] + [len(str(row[index - 1])) for row in table.rows if row[index - 1] is not None])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_response(table: Table, fmt: str, *, filename: str) -> HttpResponse:
    """The table as a download named `filename`.csv or .xlsx."""
    check_format(fmt)
    body, content_type = (_csv(table), "text/csv; charset=utf-8") if fmt == "csv" else (_xlsx(table), XLSX_TYPE)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "export"}.{fmt}"'
    return response
