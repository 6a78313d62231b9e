"""The ledger of meeting decisions as an Excel file: every decision the user may see, with its outcome.

Text typed by people (notes, descriptions) may start with `=`, `+`, `-` or `@`, which a spreadsheet
would run as a formula (formula injection); such text gets a leading apostrophe and every text cell
is typed as a string explicitly (the same rule as the case export).
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.spreadsheets import safe_cell, safe_text, stamp_row
from governance.meetings.choices import ItemReason, Outcome
from governance.meetings.selectors import with_outcomes
from incidents.choices import Status

HEADERS = [
    gettext_lazy("Meeting"),
    gettext_lazy("Date"),
    gettext_lazy("Item"),
    gettext_lazy("Case code"),
    gettext_lazy("Category"),
    gettext_lazy("Community"),
    gettext_lazy("Description"),
    gettext_lazy("Why on the agenda"),
    gettext_lazy("Lead department"),
    gettext_lazy("Cooperating departments"),
    gettext_lazy("Deadline"),
    gettext_lazy("Note"),
    gettext_lazy("Published"),
    gettext_lazy("Case status"),
    gettext_lazy("Closed at"),
    gettext_lazy("Outcome"),
]


def _row(decision) -> list:
    item, incident, meeting = decision.item, decision.item.incident, decision.item.meeting
    return [
        str(meeting.title),
        meeting.held_at,
        item.position,
        incident.code,
        incident.category.name,
        incident.community.name,
        incident.description,
        str(ItemReason(item.reason).label),
        decision.lead_department.name,
        "、".join(d.name for d in decision.cooperating.all()),
        decision.deadline,
        decision.note,
        decision.applied_at,
        str(Status(incident.status).label),
        incident.closed_at,
        str(Outcome(decision.outcome).label),
    ]


def export_decisions(decisions, now: datetime | None = None, *, exported_by) -> bytes:
    """An .xlsx file (bytes): who exported it, then one row per decision of `decisions` (selectors.decision_list)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(_("Meeting decisions"))[:31])
    sheet.freeze_panes = "A3"
    stamp_row(sheet, exported_by, now)
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = safe_cell(sheet, str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for decision in with_outcomes(decisions, now):
        sheet.append([safe_cell(sheet, "" if value is None else value) for value in _row(decision)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ledger_filename(now: datetime | None = None) -> str:
    return f"meeting-decisions-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.xlsx"
