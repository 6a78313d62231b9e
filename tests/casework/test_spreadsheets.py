"""Formula-safe spreadsheet cells (casework.spreadsheets), shared by every export."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from casework import spreadsheets
from casework.spreadsheets import safe_cell


def test_safe_text_drops_characters_xml_forbids():
    assert spreadsheets.safe_text("a\x00b\x07c") == "abc"
    assert spreadsheets.safe_text("-5") == "'-5"
    assert spreadsheets.safe_text("正常") == "正常"


def _round_trip(*values) -> list:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    sheet.append([safe_cell(sheet, value) for value in values])
    out = io.BytesIO()
    book.save(out)
    return list(next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows()))


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil","click")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_text_that_looks_like_a_formula_stays_text(dangerous):
    assert spreadsheets.safe_text(dangerous) == "'" + dangerous
    (cell,) = _round_trip(dangerous)
    assert cell.data_type == "s" and cell.value.startswith("'")  # (XML reads a stored \r back as \n)


def test_numbers_stay_numbers_and_times_are_local_wall_clock(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    at = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    number, text, when = _round_trip(42, "42", at)
    assert (number.data_type, number.value) == ("n", 42)
    assert (text.data_type, text.value) == ("s", "42")
    assert when.value == at.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 9, 30)
    assert when.number_format == "yyyy-mm-dd hh:mm"
