"""The quarterly and yearly hazard statistics tables (隐患统计分析表, 16号令: the quarter's due on the
15th of the next quarter, the year's on 31 January; SAFETY.md §1.2, §8.6), for the sub-district, a
zone, or one enterprise: rows by zone (or a zone's communities) and by sector; columns by level ×
state, plus the rates of the period. Every number is a `Measure` of governance.dashboard.hazards
and drills down to its hazard list.

"Found" is confirmed in the period and not voided; its state is the state now (the table is a
draft pre-filled from the data, signed by the principal: a later table shows what changed).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from casework.spreadsheets import safe_cell, stamp_row
from governance.dashboard.hazards import MEASURES, RATES, HazardCounter, cell, scoped_hazards
from governance.dashboard.selectors import PERIOD, Measure, Period, Scope
from grids.models import Community, Zone
from inspections import measures as m
from inspections.choices import HazardLevel, HazardStatus, Sector

S = HazardStatus
# The states a found hazard is in now, in the table's order.
STATES = [
    ("closed", gettext_lazy("Closed"), [S.CLOSED]),
    ("rechecking", gettext_lazy("Awaiting recheck"), [S.SUBMITTED, S.RECHECKING]),
    ("rectifying", gettext_lazy("Rectifying"), [S.NOTIFIED, S.RECTIFYING]),
    ("confirmed", gettext_lazy("No notice yet"), [S.CONFIRMED]),
]
LEVELS = [(HazardLevel.GENERAL, gettext_lazy("General")), (HazardLevel.MAJOR, gettext_lazy("Major"))]


def _found(level: str, statuses: list[str] | None):
    def condition(p: Period, now) -> Q:
        q = m.live() & m.between("confirmed_at", p.lo, p.hi) & Q(level=level)
        return q & Q(status__in=statuses) if statuses else q

    def params(p: Period) -> dict:
        out = {"live": "true", "confirmed_from": p.start.isoformat(), "confirmed_until": p.end.isoformat(), "level": level}
        return {**out, "status": list(statuses)} if statuses else out

    return condition, params


def _stat_measures() -> dict[str, Measure]:
    out = {}
    for level, level_label in LEVELS:
        condition, params = _found(level, None)
        out[f"found_{level}"] = Measure(f"found_{level}", level_label, gettext_lazy("Confirmed in the period, not voided."),
                                        PERIOD, condition, params)
        for state, state_label, statuses in STATES:
            condition, params = _found(level, statuses)
            out[f"found_{level}_{state}"] = Measure(f"found_{level}_{state}", state_label,
                                                    gettext_lazy("Of those confirmed in the period: in this state now."),
                                                    PERIOD, condition, params)
    return out


STAT_MEASURES = _stat_measures()
ALL_MEASURES = {**MEASURES, **STAT_MEASURES}
FOUND_COLUMNS = [key for level, _l in LEVELS for key in [f"found_{level}", *(f"found_{level}_{s}" for s, _x, _y in STATES)]]
RATE_COLUMNS = ["rectification_rate", "on_time_rate", "open_overdue"]
COLUMNS = [*FOUND_COLUMNS, *RATE_COLUMNS]


def _counted(keys: list[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        out += [p for p in ([RATES[key].numerator, RATES[key].denominator] if key in RATES else [key]) if p not in out]
    return out


def stats_period(params, today: dt.date | None = None) -> Period:
    """`year` (default this year) and `quarter` (1–4; none: the whole year). ValidationError on bad input."""
    today = today or timezone.localdate()
    try:
        year = int(params.get("year") or today.year)
        quarter = int(params.get("quarter")) if params.get("quarter") else None
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Choose a year and a quarter from the lists.")}) from None
    if not 2000 <= year <= today.year + 1 or quarter not in (None, 1, 2, 3, 4):
        raise ValidationError({"year": _("Choose a year and a quarter from the lists.")})
    if quarter is None:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)) - dt.timedelta(days=1)
    return Period(start, end, f"q{quarter}")


def due_date(period: Period) -> dt.date:
    """When the table is due: the 15th of the next quarter, or 31 January for the year."""
    if period.preset == "year":
        return dt.date(period.end.year + 1, 1, 31)
    after = period.end + dt.timedelta(days=1)
    return dt.date(after.year, after.month, 15)


def _row(name: str, counts: dict, period: Period, scope: Scope, extra: dict, row_id=None) -> dict:
    return {"id": row_id, "name": name,
            "cells": [cell(key, counts, period, scope, extra, ALL_MEASURES) for key in COLUMNS]}


def hazard_statistics(user, scope: Scope, period: Period, *, enterprise=None, now: dt.datetime | None = None) -> dict:
    """The two tables: by unit (with the total) and by sector. Two grouped queries and the units."""
    now = now or timezone.now()
    hazards = scoped_hazards(user, scope)
    base = {"enterprise": str(enterprise.pk)} if enterprise else {}
    if enterprise is not None:
        hazards = hazards.filter(enterprise_id=enterprise.pk)
    counter = HazardCounter(hazards, now, _counted(COLUMNS), period, measures=ALL_MEASURES)
    if scope.zone is None:
        filter_name, column = "zone", "zone_id"
        units = Zone.objects.visible_to(user).order_by("number").values_list("pk", "name")
    else:
        filter_name, column = "community", "community_id"
        units = Community.objects.visible_to(user).filter(zone_id=scope.zone.pk).order_by("code").values_list("pk", "name")
    groups = counter.by(column)
    totals = {key: sum(g.get(key, 0) for g in groups.values()) for key in counter.keys}
    unit_rows = [_row(name, groups.get(pk, {}), period, scope, {**base, filter_name: str(pk)}, pk) for pk, name in units]
    sectors = counter.by("enterprise__sector_rows__code")
    sector_rows = [_row(str(label), sectors[code], period, scope, {**base, "sector": code}, code)
                   for code, label in Sector.choices if any(sectors.get(code, {}).get(k) for k in counter.keys)]
    headers = [{"key": key, "label": str(ALL_MEASURES[key].label if key in ALL_MEASURES else RATES[key].label),
                "help": str((RATES.get(key) or ALL_MEASURES[key]).help)} for key in COLUMNS]
    return {
        "period": period, "due_on": due_date(period), "enterprise": enterprise,
        "levels": [{"key": level, "label": str(label), "span": 1 + len(STATES)} for level, label in LEVELS],
        "headers": headers, "units_kind": "communities" if scope.zone else "zones",
        "total": _row(_("Total"), totals, period, scope, base), "units": unit_rows, "sectors": sector_rows,
    }


def statistics_workbook(stats: dict, *, user, scope_name: str) -> bytes:
    """The tables as .xlsx: the stamp row, a title, two header rows (level, state) and the rows."""
    book = Workbook(write_only=True)
    period = stats["period"]
    title = f"隐患统计分析表 {period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    for sheet_name, rows, first in (("按区域", [stats["total"], *stats["units"]], _("Unit")),
                                    ("按行业", stats["sectors"], _("Sector"))):
        sheet = book.create_sheet(sheet_name)
        stamp_row(sheet, user)
        line = [title, scope_name]
        if stats["enterprise"] is not None:
            line += [stats["enterprise"].name, stats["enterprise"].credit_code]
        sheet.append([safe_cell(sheet, v) for v in line])
        top = [first]
        for level in stats["levels"]:
            top += [level["label"]] * level["span"]
        top += [""] * len(RATE_COLUMNS)
        sheet.append([safe_cell(sheet, v) for v in top])
        sheet.append([safe_cell(sheet, v) for v in ["", *(h["label"] for h in stats["headers"])]])
        for row in rows:
            values = [c["value"] for c in row["cells"]]
            sheet.append([safe_cell(sheet, v) for v in [row["name"], *values]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
