"""Every number one dashboard shows, counted from the cases themselves: a fixed number of grouped
aggregate queries over the scope's cases, whatever their count, but reading every case of the
period (about a second for a month at 1,000,000 cases). The pages read the per-day rollups instead
(`governance.dashboard.numbers`); this is the reference they are proven equal to
(tests/governance/test_dashboard_rollups.py), and the benchmark's "before".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from governance.dashboard.numbers import CELL_KEYS, DEPARTMENT_KEYS, UNIT_KEYS, WORKER_KEYS, _attach
from governance.dashboard.numbers import most_overdue as _most_overdue
from governance.dashboard.selectors import (
    HEADLINE,
    MEASURES,
    PERIOD,
    Counter,
    Period,
    Scope,
    needed,
    scoped_cases,
    weekly,
)
from grids.models import Community, Department, GridCell, User, Zone
from incidents.models import Category

# --- everything a dashboard shows, as plain numbers --------------------------------------------------


def _totals_and_units(user, scope: Scope, cases: QuerySet, period: Period, now: dt.datetime) -> tuple[dict, list[dict]]:
    """The headline counts (this period and the previous one) and the zones of the sub-district, or
    the communities of a zone, each with its counts: one grouped query over cases and one over the
    timeline. Every case lies in exactly one zone and one community, so the totals are the sums of
    the groups (all of them, not only the listed ones)."""
    keys = needed([*HEADLINE, "disputed_new", "open", *UNIT_KEYS])
    counter = Counter(cases, now, keys, {"": period, "_prev": period.previous()})
    groups = counter.by("community_id" if scope.zone else "zone_id")
    names = [f"{key}{suffix}" for key in keys for suffix in ("", "_prev") if suffix == "" or MEASURES[key].when == PERIOD]
    totals = {name: sum(group.get(name, 0) for group in groups.values()) for name in names}
    if scope.zone is None:
        units = Zone.objects.visible_to(user).order_by("number").values_list("pk", "name")
    else:
        units = Community.objects.visible_to(user).filter(zone_id=scope.zone.pk).order_by("code").values_list("pk", "name")
    return totals, _attach([{"id": pk, "name": name} for pk, name in units], groups, UNIT_KEYS)


def _workers(user, scope: Scope, cases: QuerySet, period: Period, now: dt.datetime) -> list[dict]:
    """A zone's grid workers (all of them, so that one who reports nothing shows too) and their reports."""
    people = (
        User.objects.visible_to(user).grid_workers().filter(community__zone_id=scope.zone.pk, is_active=True)
        .order_by("community__code", "username").values_list("pk", "last_name", "first_name", "username", "community__name")
    )
    rows = [
        {"id": pk, "name": f"{last}{first}".strip() or username, "community": community}
        for pk, last, first, username, community in people
    ]
    return _attach(rows, Counter(cases, now, WORKER_KEYS, {"": period}).by("reporter_id"), WORKER_KEYS)


def _departments(user, cases: QuerySet, period: Period, now: dt.datetime) -> list[dict]:
    departments = Department.objects.visible_to(user).filter(is_active=True).order_by("sort", "name").values_list("pk", "name")
    counts = Counter(cases.filter(department__isnull=False), now, DEPARTMENT_KEYS, {"": period}).by("department_id")
    return _attach([{"id": pk, "name": name} for pk, name in departments], counts, DEPARTMENT_KEYS)


def _cells(user, scope: Scope, cases: QuerySet, period: Period, now: dt.datetime) -> list[dict]:
    cells = GridCell.objects.visible_to(user)
    if scope.zone:
        cells = cells.filter(community__zone_id=scope.zone.pk)
    rows = [
        {"id": pk, "name": name, "code": code, "community": community, "boundary": boundary}
        for pk, name, code, community, boundary in cells.order_by("code").values_list("pk", "name", "code", "community__name", "boundary")
    ]
    return _attach(rows, Counter(cases, now, CELL_KEYS, {"": period}).by("grid_cell_id"), CELL_KEYS)


def _categories(cases: QuerySet, period: Period, now: dt.datetime) -> list[dict]:
    """Every category (domains first) with the cases reported in the period; the page drops zeros."""
    counts = Counter(cases, now, ["reported"], {"": period}).by("category_id")
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


def counted_numbers(user, scope: Scope, period: Period, now: dt.datetime | None = None) -> dict:
    """Every number of one dashboard: a fixed number of aggregate queries, whatever the case count."""
    now = now or timezone.now()
    cases = scoped_cases(user, scope)
    totals, units = _totals_and_units(user, scope, cases, period, now)
    numbers = {
        "computed_at": now,
        "totals": totals,
        "units": units,
        "weeks": weekly(cases, period),
        "categories": _categories(cases, period, now),
        "departments": _departments(user, cases, period, now),
        "cells": _cells(user, scope, cases, period, now),
        "overdue": _most_overdue(cases, now),
    }
    if scope.zone:
        numbers["workers"] = _workers(user, scope, cases, period, now)
    return numbers
