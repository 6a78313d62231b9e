"""Excel export of a (filtered, scoped) case list.

Rows are read with `.values()` (one query, no photos or events) and written with openpyxl's
write-only workbook. Every cell goes through casework.spreadsheets.safe_cell: text a user typed
can start with `=`, `+`, `-` or `@`, which a spreadsheet would run as a formula (CSV/formula
injection); such cells are written as text with a leading apostrophe, and every text cell is typed
as a string explicitly.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.spreadsheets import safe_cell, safe_text, stamp_row
from incidents.choices import Escalation, Severity, Status

EXPORT_LIMIT = 50_000

# (header, .values() field); the lazy headers take the language of the request that builds the sheet.
COLUMNS = [
    (gettext_lazy("Case code"), "code"),
    (gettext_lazy("Domain"), "category__parent__name"),
    (gettext_lazy("Category"), "category__name"),
    (gettext_lazy("Description"), "description"),
    (gettext_lazy("Address"), "address"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Severity"), "severity"),
    (gettext_lazy("Zone"), "zone__name"),
    (gettext_lazy("Community"), "community__name"),
    (gettext_lazy("Grid cell"), "grid_cell__name"),
    (gettext_lazy("Department"), "department__name"),
    (gettext_lazy("Reporter"), "reporter_name"),
    (gettext_lazy("Reported at"), "reported_at"),
    (gettext_lazy("Due"), "due_at"),
    (gettext_lazy("Supervision"), "escalation"),
    (gettext_lazy("Closed at"), "closed_at"),
    (gettext_lazy("Handling result"), "result"),
]


def headers() -> list[str]:
    """The column headers in the active language."""
    return [str(header) for header, _field in COLUMNS]


def _display(field: str, value):
    """Choice values as their labels, in the active language."""
    if value is None:
        return ""
    if field == "status":
        return str(Status(value).label) if value in Status.values else value
    if field == "severity":
        return str(Severity(value).label) if value in Severity.values else value
    if field == "escalation":
        return str(Escalation(value).label) if value in Escalation.values else value
    return value


def export_cases(queryset: QuerySet, *, exported_by) -> bytes:
    """An .xlsx file (bytes): who exported it, then one row per case of `queryset`, in its order."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(str(_("Cases")))[:31])
    sheet.freeze_panes = "A3"
    stamp_row(sheet, exported_by)
    header_font = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = safe_cell(sheet, title)
        cell.font = header_font
        header_cells.append(cell)
    sheet.append(header_cells)
    fields = [field for _header, field in COLUMNS]
    rows = (
        queryset.order_by("-reported_at", "-pk")
        .annotate(reporter_name=Coalesce(NullIf(Concat("reporter__last_name", "reporter__first_name"), Value("")), "reporter__username"))
        .values_list(*fields)
    )
    for row in rows.iterator(chunk_size=2000):
        sheet.append([safe_cell(sheet, _display(field, value)) for field, value in zip(fields, row, strict=True)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_filename(now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"cases-{now:%Y%m%d-%H%M}.xlsx"
