"""The dashboard as an Excel workbook: the monthly report a street office files.

It writes the same `dashboard_report()` the page shows, so the workbook, the page and the API
agree figure for figure. Names come from the database, so every text cell goes through
`casework.spreadsheets.safe_text` (never the start of a formula) and is typed as a string.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.spreadsheets import safe_cell, safe_text, stamp_row

PERCENT = "0.0%"
SIGNED = "+0;-0;0"
POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'


def filename(report: dict) -> str:
    period = report["period"]
    return f"dashboard-{report['scope']['key']}-{period['start']}-{period['end']}.xlsx"


class _Sheet:
    def __init__(self, book: Workbook, title: str, widths: list[int]) -> None:
        self.sheet = book.create_sheet(title=safe_text(title)[:31])
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width

    def row(self, *values, bold: bool = False, percent: tuple[int, ...] = (), formats: dict[int, str] | None = None) -> None:
        cells = []
        for index, value in enumerate(values):
            cell = safe_cell(self.sheet, value)
            if bold:
                cell.font = Font(bold=True)
            if index in percent and isinstance(value, float):
                cell.number_format = PERCENT
            if formats and index in formats and isinstance(value, int | float):
                cell.number_format = formats[index]
            cells.append(cell)
        self.sheet.append(cells)


def _ranking(book: Workbook, title: str, ranking: dict, *, note: str | None = None) -> None:
    columns = ranking["columns"]
    sheet = _Sheet(book, title, [6, 24, *([16] if note else []), *[14] * len(columns)])
    sheet.row(_("Rank"), _("Name"), *([note] if note else []), *[c["label"] for c in columns], bold=True)
    offset = 3 if note else 2
    rates = tuple(offset + i for i, c in enumerate(ranking["rows"][0]["cells"]) if "denominator" in c) if ranking["rows"] else ()
    for row in ranking["rows"]:
        values = [c["value"] if c["value"] is not None else "–" for c in row["cells"]]
        sheet.row(row["rank"], row["name"], *([row["note"]] if note else []), *values, percent=rates)


def _change(fig: dict, is_rate: bool):
    """The change against the previous period as a number (percentage points for a rate)."""
    if fig["change"] is None:
        return "–" if fig["when"] == "period" else ""
    return round(fig["change"] * 100, 1) if is_rate else fig["change"]


def export_report(report: dict, *, exported_by) -> bytes:
    book = Workbook(write_only=True)
    period, scope = report["period"], report["scope"]

    summary = _Sheet(book, _("Figures"), [34, 14, 16, 12, 14, 14, 90])
    stamp_row(summary.sheet, exported_by)
    summary.row(_("Dashboard"), scope["name"], bold=True)
    summary.row(_("Period"), f"{period['start']} – {period['end']}")
    summary.row(_("Previous period"), f"{period['previous_start']} – {period['previous_end']}")
    summary.row(_("Computed at"), report["computed_at"])
    summary.row()
    summary.row(_("Figure"), _("Value"), _("Previous period"), _("Change"), _("Numerator"), _("Denominator"), _("Definition"), bold=True)
    for fig in report["figures"]:
        is_rate = "denominator" in fig
        summary.row(
            fig["label"] + ("" if fig["when"] == "period" else " " + _("(now)")),
            fig["value"] if fig["value"] is not None else "–",
            fig["previous"] if fig["previous"] is not None else ("–" if fig["when"] == "period" else ""),
            _change(fig, is_rate),
            fig["numerator"]["value"] if is_rate else "",
            fig["denominator"]["value"] if is_rate else "",
            fig["help"],
            percent=(1, 2) if is_rate else (), formats={3: POINTS if is_rate else SIGNED},
        )

    weeks = _Sheet(book, _("Weekly"), [12, 12, 12, 12, 12, 14, 14])
    weeks.row(_("From"), _("Until"), _("Reported"), _("Registered"), _("Closed"), _("Closed after handling"),
              _("On-time closure rate"), bold=True)
    for week in report["weeks"]:
        weeks.row(week["start"], week["end"], week["reported"], week["registered"], week["closed"], week["handled"],
                  week["on_time_rate"] if week["on_time_rate"] is not None else "–", percent=(6,))

    categories = _Sheet(book, _("Categories"), [20, 28, 12])
    categories.row(_("Domain"), _("Category"), _("Reported"), bold=True)
    for domain in report["categories"]:
        categories.row(domain["name"], "", domain["reported"], bold=True)
        for child in domain["children"]:
            categories.row(domain["name"], child["name"], child["reported"])

    _ranking(book, _("Communities") if report["units"]["kind"] == "communities" else _("Zones"), report["units"])
    _ranking(book, _("Departments"), report["departments"])
    if report["workers"]:
        _ranking(book, _("Grid workers"), report["workers"], note=_("Community"))

    overdue = _Sheet(book, _("Most overdue"), [18, 20, 18, 16, 18, 18, 14, 14])
    overdue.row(_("Case code"), _("Category"), _("Grid cell"), _("Community"), _("Department"), _("Due"), _("Overdue by"),
                _("Supervision"), bold=True)
    for case in report["overdue"]:
        overdue.row(case["code"], case["category__name"], case["grid_cell__name"], case["community__name"],
                    case["department__name"] or "", case["due_at"][:16].replace("T", " "), case["overdue_display"],
                    case["escalation_display"])

    definitions = _Sheet(book, _("Definitions"), [30, 110])
    definitions.row(_("Figure"), _("Definition"), bold=True)
    for definition in report["definitions"]:
        definitions.row(definition["label"], definition["help"])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
