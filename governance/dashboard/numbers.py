"""Every number one dashboard shows, as plain numbers, read from the per-day rollups.

The figures "of the period" are sums of `governance.rollups` daily counts (a month of the whole
sub-district reads a few thousand rows, whatever the number of cases); the figures "of now" (open,
open overdue, disputed) are states, counted from the open cases in one grouped query; the most
overdue list is read from the cases. The rollups equal a count from the cases themselves
(`governance.dashboard.counted`, tests/governance/test_dashboard_rollups.py), so the numbers are
those a from-scratch count gives, for any period, without anything computed in advance.

The definitions live in `governance.dashboard.selectors`; `dashboard_cache` keeps the results,
`dashboard_report` presents them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from governance.dashboard.selectors import (
    HEADLINE,
    MEASURES,
    OVERDUE_LIST_SIZE,
    PERIOD,
    Period,
    Scope,
    _monday,
    _trend_start,
    needed,
    scoped_cases,
)
from governance.rollups import selectors as rollups
from grids.models import Community, Department, GridCell, User, Zone
from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Category

SOURCE = "incidents"
UNIT_KEYS = [
    "reported", "registered", "registered_live", "registered_closed", "closed", "handled", "handled_on_time",
    "open", "open_overdue", "yellow", "red",
]
DEPARTMENT_KEYS = ["handled", "handled_on_time", "handled_reworked", "handled_extended", "open", "open_overdue"]
CELL_KEYS = ["reported", "open", "open_overdue"]
WORKER_KEYS = ["reported", "reported_valid", "reported_invalid"]
WEEK_KEYS = ["reported", "registered", "closed", "handled", "handled_on_time"]


def _period_keys(keys: list[str]) -> list[str]:
    return [key for key in keys if MEASURES[key].when == PERIOD]


def _attach(rows: list[dict], counts: dict, keys: list[str]) -> list[dict]:
    for row in rows:
        found = counts.get(row["id"], {})
        row.update({key: found.get(key, 0) for key in keys})
    return rows


def _now_counts(cases: QuerySet, now: dt.datetime) -> dict[str, dict]:
    """The figures of now, per unit (zone and community), department and cell: one grouped query
    over the open cases only."""
    rows = (
        cases.filter(status__in=OPEN_STATUSES).order_by()
        .values("zone_id", "community_id", "department_id", "grid_cell_id")
        .annotate(
            open=Count("pk"), open_overdue=Count("pk", filter=Q(due_at__lte=now)),
            disputed=Count("pk", filter=Q(status=Status.DISPUTED)),
        )
    )
    out: dict[str, dict] = {name: defaultdict(lambda: defaultdict(int)) for name in ("zone", "community", "department", "cell")}
    for row in rows:
        for name, column in (("zone", "zone_id"), ("community", "community_id"), ("department", "department_id"), ("cell", "grid_cell_id")):
            if row[column] is None:
                continue
            for key in ("open", "open_overdue", "disputed"):
                out[name][row[column]][key] += row[key]
    return out


def _merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        for group, counts in part.items():
            merged.setdefault(group, {}).update(counts)
    return merged


def _totals_and_units(user, scope: Scope, period: Period, live: dict) -> tuple[dict, list[dict]]:
    """The headline counts (this period and the previous one) and the zones of the sub-district, or
    the communities of a zone, each with its counts. Every case lies in exactly one zone and one
    community, so the totals are the sums of the groups (all of them, not only the listed ones)."""
    keys = needed([*HEADLINE, "disputed_new", "open", *UNIT_KEYS])
    zone = scope.zone.pk if scope.zone else None
    unit = "community" if zone else "zone"
    rolled = rollups.counts(
        SOURCE, "community", _period_keys(keys), {"": period, "_prev": period.previous()}, by=f"{unit}_id", zone=zone,
    )
    groups = _merge(rolled, live[unit])
    names = [f"{key}{suffix}" for key in keys for suffix in ("", "_prev") if suffix == "" or MEASURES[key].when == PERIOD]
    totals = {name: sum(group.get(name, 0) for group in groups.values()) for name in names}
    if zone is None:
        units = Zone.objects.visible_to(user).order_by("number").values_list("pk", "name")
    else:
        units = Community.objects.visible_to(user).filter(zone_id=zone).order_by("code").values_list("pk", "name")
    return totals, _attach([{"id": pk, "name": name} for pk, name in units], groups, UNIT_KEYS)


def _weekly(scope: Scope, period: Period) -> list[dict]:
    """Reported, registered and closed per week (Monday–Sunday, local time) over the period, or over
    the last 12 weeks ending with it when it is shorter: the daily rollups added up by week."""
    start = _trend_start(period)
    days = rollups.daily(SOURCE, "community", WEEK_KEYS, Period(start, period.end), zone=scope.zone.pk if scope.zone else None)
    by_week: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WEEK_KEYS, 0))
    for day, counts in days.items():
        week = by_week[_monday(day)]
        for key, n in counts.items():
            week[key] += n
    weeks = []
    monday = start
    while monday <= period.end:
        end = min(monday + dt.timedelta(days=6), period.end)
        weeks.append({"start": monday.isoformat(), "end": end.isoformat(), **by_week[monday]})
        monday += dt.timedelta(days=7)
    return weeks


def _workers(user, scope: Scope, period: Period) -> list[dict]:
    """A zone's grid workers (all of them, so that one who reports nothing shows too) and their reports."""
    people = (
        User.objects.visible_to(user).grid_workers().filter(community__zone_id=scope.zone.pk, is_active=True)
        .order_by("community__code", "username").values_list("pk", "last_name", "first_name", "username", "community__name")
    )
    rows = [
        {"id": pk, "name": f"{last}{first}".strip() or username, "community": community}
        for pk, last, first, username, community in people
    ]
    return _attach(rows, rollups.counts(SOURCE, "reporter", WORKER_KEYS, {"": period}, zone=scope.zone.pk), WORKER_KEYS)


def _departments(user, scope: Scope, period: Period, live: dict) -> list[dict]:
    departments = Department.objects.visible_to(user).filter(is_active=True).order_by("sort", "name").values_list("pk", "name")
    zone = scope.zone.pk if scope.zone else None
    counts = _merge(rollups.counts(SOURCE, "department", _period_keys(DEPARTMENT_KEYS), {"": period}, zone=zone), live["department"])
    return _attach([{"id": pk, "name": name} for pk, name in departments], counts, DEPARTMENT_KEYS)


def _cells(user, scope: Scope, period: Period, live: dict) -> list[dict]:
    cells = GridCell.objects.visible_to(user)
    zone = scope.zone.pk if scope.zone else None
    if zone:
        cells = cells.filter(community__zone_id=zone)
    rows = [
        {"id": pk, "name": name, "code": code, "community": community, "boundary": boundary}
        for pk, name, code, community, boundary in cells.order_by("code").values_list("pk", "name", "code", "community__name", "boundary")
    ]
    counts = _merge(rollups.counts(SOURCE, "cell", _period_keys(CELL_KEYS), {"": period}, zone=zone), live["cell"])
    return _attach(rows, counts, CELL_KEYS)


def _categories(scope: Scope, period: Period) -> list[dict]:
    """Every category (domains first) with the cases reported in the period; the page drops zeros."""
    counts = rollups.counts(SOURCE, "category", ["reported"], {"": period}, zone=scope.zone.pk if scope.zone else None)
    rows = [
        {"id": pk, "name": name, "parent": parent}
        for pk, name, parent in Category.objects.order_by("sort", "code").values_list("pk", "name", "parent_id")
    ]
    _attach(rows, counts, ["reported"])
    by_id = {row["id"]: row for row in rows}
    for row in rows:  # a domain's count is the sum of its subcategories' (and its own, if any)
        if row["parent"] in by_id:
            by_id[row["parent"]].setdefault("children_reported", 0)
            by_id[row["parent"]]["children_reported"] += row["reported"]
    for row in rows:
        if row["parent"] is None:
            row["reported"] += row.pop("children_reported", 0)
    return rows


def most_overdue(cases: QuerySet, now: dt.datetime) -> list[dict]:
    rows = (
        cases.filter(status__in=OPEN_STATUSES, due_at__lte=now).order_by("due_at", "pk")
        .values("pk", "code", "status", "stage", "due_at", "escalation", "category__name", "grid_cell__name",
                "community__name", "zone__name", "department__name")[:OVERDUE_LIST_SIZE]
    )
    return [{**row, "id": row.pop("pk"), "overdue_seconds": int((now - row["due_at"]).total_seconds())} for row in rows]


def dashboard_numbers(user, scope: Scope, period: Period, now: dt.datetime | None = None) -> dict:
    """Every number of one dashboard: a fixed number of small queries, whatever the case count or period."""
    now = now or timezone.now()
    cases = scoped_cases(user, scope)
    live = _now_counts(cases, now)
    totals, units = _totals_and_units(user, scope, period, live)
    numbers = {
        "computed_at": now,
        "totals": totals,
        "units": units,
        "weeks": _weekly(scope, period),
        "categories": _categories(scope, period),
        "departments": _departments(user, scope, period, live),
        "cells": _cells(user, scope, period, live),
        "overdue": most_overdue(cases, now),
    }
    if scope.zone:
        numbers["workers"] = _workers(user, scope, period)
    return numbers


__all__ = ["CELL_KEYS", "DEPARTMENT_KEYS", "UNIT_KEYS", "WORKER_KEYS", "dashboard_numbers", "most_overdue"]
