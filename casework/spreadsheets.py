"""Formula-safe spreadsheet cells for every export (cases, meeting decisions, dashboard reports),
and the one door every spreadsheet import opens an upload through (`open_upload`, `formula_at`).

Text a user typed can start with `=`, `+`, `-` or `@`, which a spreadsheet would run as a formula
(CSV/formula injection); such text is written with a leading apostrophe, characters XML forbids
are dropped, and every text cell is typed as a string explicitly. Excel has no time zones, so
times are written as local (Asia/Shanghai) wall-clock time.
"""

from __future__ import annotations

import zipfile
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

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


def stamp_row(sheet, user, now: datetime | None = None) -> None:
    """The first row of every export: who exported it, and when (local time)."""
    who = getattr(user, "display_name", "") or user.get_username()
    when = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M")
    text = _("Exported by %(who)s (%(username)s) at %(when)s") % {"who": who, "username": user.get_username(), "when": when}
    sheet.append([safe_cell(sheet, text)])


def is_stamp(values) -> bool:
    """A row with a single text cell (the export's stamp row, or a title) rather than headers."""
    filled = [v for v in values if v not in (None, "")]
    return len(filled) == 1 and isinstance(filled[0], str)


# --- imports ------------------------------------------------------------------------------------

MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".xlam")


def open_upload(upload):
    """An uploaded .xlsx as a read-only openpyxl workbook that keeps formulas as formulas (so that
    formula_at can refuse them), or a ValidationError: not an .xlsx, or a macro-enabled file (by its
    name, a VBA project inside the zip, or a macro-enabled content type)."""
    name = str(getattr(upload, "name", "") or "").lower()
    if name.endswith(MACRO_EXTENSIONS):
        raise ValidationError(_("Macro-enabled workbooks are not accepted: save the file as .xlsx."), code="macros")
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ValidationError(_("This is not an Excel (.xlsx) file."), code="not_xlsx") from None
    if any(n.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for n in names) or b"macroEnabled" in types:
        raise ValidationError(_("Macro-enabled workbooks are not accepted: save the file as .xlsx."), code="macros")
    try:
        upload.seek(0)
        return load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer to the user
        raise ValidationError(_("This is not an Excel (.xlsx) file."), code="not_xlsx") from None


def formula_at(cells, header: list[str] | None = None) -> str | None:
    """Where the first formula among a row's cells (read-only workbook cells) is, as "C (header)",
    or None. Imports refuse formulas: their cached value is whatever the sender's Excel computed."""
    for index, cell in enumerate(cells):
        if getattr(cell, "data_type", None) == "f":
            letter = get_column_letter(index + 1)
            title = header[index] if header and index < len(header) else ""
            return f"{letter} ({title})" if title else letter
    return None
