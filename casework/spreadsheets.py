"""Formula-safe spreadsheet cells for every export (cases, meeting decisions, dashboard reports).

Text a user typed can start with `=`, `+`, `-` or `@`, which a spreadsheet would run as a formula
(CSV/formula injection); such text is written with a leading apostrophe, characters XML forbids
are dropped, and every text cell is typed as a string explicitly. Excel has no time zones, so
times are written as local (Asia/Shanghai) wall-clock time.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """Text as it must go into a cell: no characters XML forbids, never the start of a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cell(sheet, value):
    """A write-only cell: text stays text (never a formula), times in local wall-clock time."""
    if isinstance(value, datetime):
        # Excel has no time zones: write local (Asia/Shanghai) wall-clock time.
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=safe_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell
