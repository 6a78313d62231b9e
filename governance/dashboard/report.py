"""The dashboard as a report: its numbers (`dashboard_numbers`, through `dashboard_cache`) and
their presentation — labels, definitions, changes against the previous period and the drill-down
link of every figure. The page, the API and the Excel export all render `dashboard_report()`.

The definitions themselves live in `governance.dashboard.selectors`; nothing here counts cases.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.dashboard.cache import cached_numbers
from governance.dashboard.numbers import CELL_KEYS
from governance.dashboard.selectors import (
    HEADLINE,
    MEASURES,
    PERIOD,
    RATES,
    UP,
    Period,
    Scope,
    rate,
)
from incidents.choices import Escalation, Stage, Status

# --- presentation: labels, changes, drill-down links ---------------------------------------------------


def drill(params: dict, scope: Scope) -> dict:
    """The case list of exactly the cases a figure counts: the queue page and the API, same query.

    The queue page shows open cases unless told otherwise; `open=` (empty) tells it "all", and
    means nothing to the API."""
    query = {**scope.params(), **params}
    if "open" not in query and "status" not in query:
        query["open"] = ""
    encoded = urlencode(query, doseq=True)
    return {"page": f"{reverse('incidents:queue')}?{encoded}", "api": f"{reverse('incident-list')}?{encoded}"}


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _tone(change: float | None, good: str) -> str:
    if not change or not good:
        return ""
    return "good" if (change > 0) == (good == UP) else "bad"


def _value(key: str, counts: dict, suffix: str = "") -> float | int | None:
    if key in RATES:
        definition = RATES[key]
        return rate(counts.get(definition.numerator + suffix), counts.get(definition.denominator + suffix))
    return counts.get(key + suffix, 0)


def _display(key: str, value) -> str:
    return percent(value) if key in RATES else str(value)


def _change_display(key: str, change) -> str:
    if change is None:
        return ""
    if key in RATES:
        return _("%(sign)s%(points).1f pp") % {"sign": "+" if change >= 0 else "−", "points": abs(change) * 100}
    return f"{'+' if change >= 0 else '−'}{abs(change)}"


def cell(key: str, counts: dict, period: Period, scope: Scope, extra: dict | None = None) -> dict:
    """One figure of one row: value, display and the drill-down of the cases behind it (for a rate:
    its denominator, with the numerator's own link beside it)."""
    extra = extra or {}
    value = _value(key, counts)
    out = {"key": key, "value": value, "display": _display(key, value)}
    if key in RATES:
        definition = RATES[key]
        for part in ("numerator", "denominator"):
            measure = MEASURES[getattr(definition, part)]
            out[part] = {
                "key": measure.key, "label": str(measure.label), "value": counts.get(measure.key, 0),
                "drill": drill({**extra, **measure.params(period)}, scope),
            }
        out["drill"] = out["denominator"]["drill"]
        out["good"] = definition.good
    else:
        out["drill"] = drill({**extra, **MEASURES[key].params(period)}, scope)
    return out


def figure(key: str, totals: dict, period: Period, scope: Scope) -> dict:
    """A headline figure: `cell()` plus label, definition, the previous period and the change."""
    definition = RATES.get(key) or MEASURES[key]
    when = PERIOD if key in RATES else MEASURES[key].when
    out = {**cell(key, totals, period, scope), "label": str(definition.label), "help": str(definition.help), "when": when}
    if when == PERIOD:
        previous = _value(key, totals, "_prev")
        change = None if out["value"] is None or previous is None else out["value"] - previous
        out.update(
            previous=previous, previous_display=_display(key, previous), change=change,
            change_display=_change_display(key, change), tone=_tone(change, definition.good),
            previous_drill=cell(key, totals, period.previous(), scope)["drill"],
        )
    else:
        out.update(previous=None, previous_display="", change=None, change_display="", tone="", previous_drill=None)
    if key == "disputed":
        out["extra"] = cell("disputed_new", totals, period, scope) | {"label": str(MEASURES["disputed_new"].label)}
    if key == "open_overdue":
        out["extra"] = cell("open", totals, period, scope) | {"label": str(MEASURES["open"].label)}
    return out


def _sort_key(column: str):
    def key(row: dict):
        value = next(c["value"] for c in row["cells"] if c["key"] == column)
        return (value is None, -(value or 0))

    return key


def _label(key: str) -> str:
    return str((RATES.get(key) or MEASURES[key]).label)


def ranking(rows: list[dict], columns: list[str], filter_name: str, period: Period, scope: Scope, *, sort: str) -> dict:
    """Rows with one `cell()` per column, each drilling down to that row's cases; ranked by `sort`."""
    out = []
    for row in rows:
        extra = {filter_name: str(row["id"])}
        out.append({
            "id": row["id"], "name": row["name"], "note": row.get("community", ""),
            "cells": [cell(column, row, period, scope, extra) | {"label": _label(column)} for column in columns],
        })
    out.sort(key=_sort_key(sort))
    for position, row in enumerate(out, start=1):
        row["rank"] = position
    headers = [{"key": c, "label": _label(c), "help": str((RATES.get(c) or MEASURES[c]).help)} for c in columns]
    return {"columns": headers, "rows": out}


UNIT_COLUMNS = ["reported", "registered", "closed", "handling_rate", "on_time_rate", "open_overdue", "yellow", "red"]
DEPARTMENT_COLUMNS = ["handled", "on_time_rate", "rework_rate", "extension_rate", "open", "open_overdue"]
WORKER_COLUMNS = ["reported", "valid_report_rate", "reported_invalid"]


def _week_rows(weeks: list[dict], scope: Scope) -> list[dict]:
    rows = []
    for week in weeks:
        span = Period(dt.date.fromisoformat(week["start"]), dt.date.fromisoformat(week["end"]))
        on_time = rate(week["handled_on_time"], week["handled"])
        rows.append({
            **week, "on_time_rate": on_time, "on_time_display": percent(on_time),
            "drill": {key: drill(MEASURES[key].params(span), scope)["page"] for key in ("reported", "registered", "closed")},
        })
    return rows


def _category_tree(categories: list[dict], period: Period, scope: Scope) -> list[dict]:
    domains = [dict(row, children=[]) for row in categories if row["parent"] is None]
    by_id = {row["id"]: row for row in domains}
    for row in categories:
        if row["parent"] in by_id and row["reported"]:
            by_id[row["parent"]]["children"].append(row)
    for row in [*domains, *(c for d in domains for c in d["children"])]:
        row["drill"] = drill({"category": str(row["id"]), **MEASURES["reported"].params(period)}, scope)["page"]
    for domain in domains:
        domain["children"].sort(key=lambda c: -c["reported"])
    return domains


def _overdue_rows(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        hours = row["overdue_seconds"] // 3600
        out.append({
            **row, "due_at": timezone.localtime(row["due_at"]).isoformat(), "url": reverse("incidents:detail", args=[row["id"]]),
            "status_display": str(Status(row["status"]).label), "stage_display": str(Stage(row["stage"]).label) if row["stage"] else "",
            "escalation_display": str(Escalation(row["escalation"]).label),
            "overdue_display": _("%(days)s d %(hours)s h") % {"days": hours // 24, "hours": hours % 24},
        })
    return out


def _cell_rows(cells: list[dict], period: Period, scope: Scope) -> list[dict]:
    return [
        {**row, "drill": {key: drill({"grid_cell": str(row["id"]), **MEASURES[key].params(period)}, scope)["page"] for key in CELL_KEYS}}
        for row in cells
    ]


def definitions() -> list[dict]:
    """Every figure's definition, for the docs panel, the API and the export."""
    return [{"key": d.key, "label": str(d.label), "help": str(d.help)} for d in [*MEASURES.values(), *RATES.values()]]


def dashboard_report(user, scope: Scope, period: Period, *, numbers: dict | None = None) -> dict:
    """Everything one dashboard shows, ready for a template, a JSON response or a workbook."""
    numbers = numbers if numbers is not None else cached_numbers(user, scope, period)
    totals = numbers["totals"]
    previous = period.previous()
    report = {
        "scope": {"key": scope.key, "zone": scope.zone.pk if scope.zone else None,
                  "name": scope.zone.name if scope.zone else _("Whole sub-district")},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "preset": period.preset, "days": period.days,
                   "previous_start": previous.start.isoformat(), "previous_end": previous.end.isoformat()},
        "computed_at": timezone.localtime(numbers["computed_at"]).isoformat(timespec="seconds"),
        "figures": [figure(key, totals, period, scope) for key in HEADLINE],
        "weeks": _week_rows(numbers["weeks"], scope),
        "categories": _category_tree(numbers["categories"], period, scope),
        "units": {
            "kind": "communities" if scope.zone else "zones",
            **ranking(numbers["units"], UNIT_COLUMNS, "community" if scope.zone else "zone", period, scope, sort="handling_rate"),
        },
        "departments": ranking(numbers["departments"], DEPARTMENT_COLUMNS, "department", period, scope, sort="on_time_rate"),
        "workers": ranking(numbers["workers"], WORKER_COLUMNS, "reporter", period, scope, sort="reported") if scope.zone else None,
        "cells": _cell_rows(numbers["cells"], period, scope),
        "overdue": _overdue_rows(numbers["overdue"]),
        "overdue_all": drill(MEASURES["open_overdue"].params(period), scope),
        "definitions": definitions(),
    }
    return report
