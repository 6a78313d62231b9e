"""The hazard measures (SAFETY.md §8.4; definitions in docs/dashboard.md, "Hazards"): defined once,
with the dashboard's `Measure` and `Rate`.

Each measure holds the condition it counts hazards with (built from `inspections.measures`, the
conditions the hazard list's FilterSet uses too) and the hazard-list query string of exactly
those hazards (the drill-down: /inspections/hazards/?… and /api/v1/hazards/?…). The street and
zone dashboards' "hazards" section, the quarterly and yearly statistics tables and their Excel
read them through `HazardCounter`; tests/governance/test_hazard_measures.py proves every number
equals its drill-down list.

Speed: one grouped aggregate query per grouping (`COUNT(*) FILTER (WHERE …)` per measure), whose
rows are bounded by the period; the average working days to close adds two queries grouped by
day (the calendar turns days into working days in Python, per distinct day, never per hazard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.calendar import load_calendar
from governance.dashboard.selectors import DOWN, NOW, PERIOD, UP, Measure, Period, Rate, Scope, rate
from grids.models import Community, Zone
from inspections import measures as m
from inspections.choices import OPEN, HazardLevel, HazardStatus, RecheckResult
from inspections.models import Hazard, Recheck


def _days(prefix: str, p: Period) -> dict[str, str]:
    """The hazard list's day pair for the period (both ends included)."""
    return {f"{prefix}_from": p.start.isoformat(), f"{prefix}_until": p.end.isoformat()}


_MAJOR = Q(level=HazardLevel.MAJOR)
_LIVE = {"live": "true"}


def _due(p: Period, now) -> Q:
    return m.due_for_closing(p.lo, p.hi)


def _due_params(p: Period) -> dict:
    return {**_LIVE, "confirmed_until": p.end.isoformat(), "open_on": p.start.isoformat()}


def _closed(p: Period, now) -> Q:
    return m.live() & m.closed_between(p.lo, p.hi)


def _closed_params(p: Period) -> dict:
    return {**_LIVE, "status": [HazardStatus.CLOSED], **_days("closed", p)}


def _deadline(p: Period, now) -> Q:
    return m.live() & m.between("first_due_at", p.lo, p.hi)


def _supervised(p: Period, now) -> Q:
    return m.live() & Q(supervised_at__lt=p.hi) & m.open_at(p.lo)


def _supervised_params(p: Period) -> dict:
    return {**_LIVE, "supervised_until": p.end.isoformat(), "open_on": p.start.isoformat()}


def _found(p: Period, now) -> Q:
    return m.live() & m.between("recorded_at", p.lo, p.hi)


MEASURES: dict[str, Measure] = {x.key: x for x in [
    Measure("due", gettext_lazy("To rectify"),
            gettext_lazy("Hazards open at the start of the period or confirmed in it, not voided (应整改数)."), PERIOD,
            _due, _due_params),
    Measure("closed", gettext_lazy("Closed"), gettext_lazy("Hazards closed (销号) in the period."), PERIOD,
            _closed, _closed_params, good=UP),
    Measure("major_due", gettext_lazy("Major hazards to rectify"),
            gettext_lazy("Major hazards open at the start of the period or confirmed in it, not voided."), PERIOD,
            lambda p, now: _due(p, now) & _MAJOR, lambda p: {**_due_params(p), "level": HazardLevel.MAJOR}),
    Measure("major_closed", gettext_lazy("Major hazards closed"), gettext_lazy("Major hazards closed in the period."), PERIOD,
            lambda p, now: _closed(p, now) & _MAJOR, lambda p: {**_closed_params(p), "level": HazardLevel.MAJOR}, good=UP),
    Measure("deadline_due", gettext_lazy("Deadlines falling due"),
            gettext_lazy("Hazards whose first (unextended) deadline fell in the period, not voided."), PERIOD,
            _deadline, lambda p: {**_LIVE, **_days("first_due", p)}),
    Measure("deadline_kept", gettext_lazy("Closed on time"),
            gettext_lazy("Of the hazards whose first deadline fell in the period: those closed whose rectification was "
                         "done by that deadline."), PERIOD,
            lambda p, now: _deadline(p, now) & Q(status=HazardStatus.CLOSED, closed_on_time=True),
            lambda p: {**_LIVE, **_days("first_due", p), "status": [HazardStatus.CLOSED], "on_time": "true"}, good=UP),
    Measure("supervised_due", gettext_lazy("Listed for supervision"),
            gettext_lazy("Hazards listed for supervision (挂牌督办) before the end of the period and open at its start, "
                         "not voided."), PERIOD,
            _supervised, _supervised_params),
    Measure("supervised_closed", gettext_lazy("Supervised and closed"),
            gettext_lazy("Hazards listed for supervision that were closed in the period."), PERIOD,
            lambda p, now: _supervised(p, now) & m.closed_between(p.lo, p.hi),
            lambda p: {**_supervised_params(p), "status": [HazardStatus.CLOSED], **_days("closed", p)}, good=UP),
    Measure("rechecked", gettext_lazy("First rechecks"),
            gettext_lazy("Hazards whose first recheck was decided in the period."), PERIOD,
            lambda p, now: m.first_recheck_between(p.lo, p.hi), lambda p: _days("first_recheck", p)),
    Measure("rechecked_passed", gettext_lazy("Passed at the first recheck"),
            gettext_lazy("Hazards whose first recheck was decided in the period and passed."), PERIOD,
            lambda p, now: m.first_recheck_between(p.lo, p.hi) & m.first_recheck_passed(),
            lambda p: {**_days("first_recheck", p), "first_recheck": RecheckResult.PASSED}, good=UP),
    Measure("found", gettext_lazy("Found"), gettext_lazy("Hazards recorded in the period and confirmed, not voided."), PERIOD,
            _found, lambda p: {**_LIVE, **_days("recorded", p)}),
    Measure("found_repeat", gettext_lazy("Repeat hazards"),
            gettext_lazy("Of the hazards found in the period: those with the enterprise and checklist item of a hazard "
                         "closed in the 12 months before."), PERIOD,
            lambda p, now: _found(p, now) & m.repeat(), lambda p: {**_LIVE, **_days("recorded", p), "repeat": "true"}, good=DOWN),
    Measure("closed_noticed", gettext_lazy("Closed under a notice"),
            gettext_lazy("Hazards closed in the period that had a rectification notice (the average's hazards)."), PERIOD,
            lambda p, now: _closed(p, now) & Q(notice__isnull=False), lambda p: {**_closed_params(p), "noticed": "true"}),
    Measure("open", gettext_lazy("Open now"), gettext_lazy("Confirmed hazards not yet closed or voided, now."), NOW,
            lambda p, now: Q(status__in=OPEN), lambda p: {"status": sorted(OPEN)}),
    Measure("open_overdue", gettext_lazy("Open overdue"),
            gettext_lazy("Hazards under a notice whose deadline has passed and that are not submitted for closing, now "
                         "(逾期未整改数)."), NOW,
            lambda p, now: m.overdue(now), lambda p: {"overdue": "true"}, good=DOWN),
    Measure("open_overdue_major", gettext_lazy("Major overdue"), gettext_lazy("Major hazards overdue now."), NOW,
            lambda p, now: m.overdue(now) & _MAJOR, lambda p: {"overdue": "true", "level": HazardLevel.MAJOR}, good=DOWN),
]}

RATES: dict[str, Rate] = {r.key: r for r in [
    Rate("rectification_rate", gettext_lazy("Rectification rate"),
         gettext_lazy("整改率 = hazards closed in the period ÷ hazards open at its start or confirmed in it, not voided."),
         "closed", "due"),
    Rate("on_time_rate", gettext_lazy("On-time rectification rate"),
         gettext_lazy("按期整改率 = hazards whose first deadline fell in the period and were closed with the work done by it ÷ "
                      "hazards whose first deadline fell in the period."),
         "deadline_kept", "deadline_due"),
    Rate("major_rate", gettext_lazy("Major-hazard rectification rate"),
         gettext_lazy("重大隐患整改率 = major hazards closed in the period ÷ major hazards open at its start or confirmed in it."),
         "major_closed", "major_due"),
    Rate("supervised_rate", gettext_lazy("Supervised closure rate"),
         gettext_lazy("挂牌督办销号率 = hazards listed for supervision closed in the period ÷ hazards listed for supervision "
                      "open at its start or listed in it."),
         "supervised_closed", "supervised_due"),
    Rate("first_pass_rate", gettext_lazy("First-recheck pass rate"),
         gettext_lazy("复查一次通过率 = hazards whose first recheck, decided in the period, passed ÷ hazards whose first "
                      "recheck was decided in the period."),
         "rechecked_passed", "rechecked"),
    Rate("repeat_rate", gettext_lazy("Repeat-hazard rate"),
         gettext_lazy("重复隐患率 = hazards found in the period matching a hazard of the same enterprise and checklist item "
                      "closed in the 12 months before ÷ hazards found in the period."),
         "found_repeat", "found", DOWN),
]}

AVERAGE_DAYS = "avg_days"
AVERAGE_LABEL = gettext_lazy("Average working days to close")
AVERAGE_HELP = gettext_lazy(
    "平均整改天数 = the sum over the hazards closed in the period under a notice of the working days after the notice's "
    "day up to the closing day ÷ the number of those hazards.")

# The section's headline, in the order shown.
HEADLINE = ["rectification_rate", "on_time_rate", "major_rate", "supervised_rate", "first_pass_rate", "repeat_rate",
            AVERAGE_DAYS, "open_overdue", "open_overdue_major", "open"]
UNIT_COLUMNS = ["due", "closed", "rectification_rate", "on_time_rate", "major_rate", "open_overdue"]
_RECHECK_KEYS = {"rechecked", "rechecked_passed"}
_DEADLINE_KEYS = {"deadline_due", "deadline_kept"}


def needed(keys: Iterable[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        if key == AVERAGE_DAYS:
            parts = ["closed_noticed"]
        elif key in RATES:
            parts = [RATES[key].numerator, RATES[key].denominator]
        else:
            parts = [key]
        out += [part for part in parts if part not in out]
    return out


def scoped_hazards(user, scope: Scope) -> QuerySet:
    hazards = Hazard.objects.visible_to(user)
    return hazards.filter(zone_id=scope.zone.pk) if scope.zone else hazards


# --- counting ----------------------------------------------------------------------------------------

@dataclass
class HazardCounter:
    """Counts hazard measures over a scoped hazard queryset, optionally grouped by one column."""

    hazards: QuerySet
    now: dt.datetime
    keys: list[str]
    period: Period
    extra: Q = field(default_factory=Q)  # a further condition (one enterprise's statistics table)
    measures: dict[str, Measure] = field(default_factory=lambda: MEASURES)

    def _alive(self) -> QuerySet:
        """The hazards a period measure (but the deadline and first-recheck ones) can count: the live
        hazards alive during the period. On PostgreSQL that is a range overlap served by the
        `hazard_alive_covering` GiST index (inspections 0012, 0014), which also carries every column
        those conditions read: an index-only scan of the period's rows, whatever its age (at 600,000
        hazards a month two years back read 174,000 rows before, docs/performance.md)."""
        lo, hi = self.period.lo, self.period.hi
        rows = self.hazards.filter(self.extra).filter(m.live()).order_by()
        if connections[rows.db].vendor != "postgresql":
            # the same set as the range overlap: closed (if at all) from lo on, and begun before hi
            return rows.filter(m.open_at(lo) & (Q(recorded_at__lt=hi) | Q(closed_at__lt=hi)))
        return rows.alias(alive=m.AliveRange()).filter(alive__overlap=m.range_of(lo, hi))

    def _deadlines(self) -> QuerySet:
        """The hazards the deadline measures can count: live, first deadline in the period (an
        index-only scan of the covering `hazard_deadlines` on PostgreSQL). A hazard may be closed
        before its deadline's period began, so this is not a subset of `_alive`."""
        return self.hazards.filter(self.extra).filter(m.live() & m.between("first_due_at", self.period.lo, self.period.hi)).order_by()

    def _open(self) -> QuerySet:
        """The hazards a measure of now can count: the open ones (an index-only scan of
        `hazard_open_now` on PostgreSQL, whose columns are all those conditions read)."""
        return self.hazards.filter(self.extra).filter(status__in=OPEN).order_by()

    def _rechecked(self) -> QuerySet:
        """The hazards with a recheck decided in the period (which the first-recheck measures need)."""
        decided = Recheck.objects.filter(m.decided_between(self.period.lo, self.period.hi), hazard=OuterRef("pk"))
        return m.with_first_recheck(self.hazards.filter(self.extra).filter(Exists(decided)).order_by())

    def by(self, group: str | None = None) -> dict:
        """{group value: {key: count}} (or {key: count} without a group): one grouped query over the
        period's hazards, one over those with their first deadline in it, one over the open ones for
        the measures of now, one over the period's rechecks for the first-recheck measures (each only
        when such a measure is asked for)."""
        rechecks = [key for key in self.keys if key in _RECHECK_KEYS]
        now = [key for key in self.keys if self.measures[key].when == NOW]
        deadlines = [key for key in self.keys if key in _DEADLINE_KEYS]
        period = [key for key in self.keys if key not in rechecks and key not in now and key not in deadlines]
        out: dict = {}
        for keys, rows in ((rechecks, self._rechecked), (now, self._open), (deadlines, self._deadlines), (period, self._alive)):
            if not keys:
                continue
            rows = rows()
            counts = {key: Count("pk", filter=self.measures[key].condition(self.period, self.now)) for key in keys}
            if group is None:
                out.update(rows.aggregate(**counts))
                continue
            for row in rows.values(group).annotate(**counts):
                out.setdefault(row.pop(group), dict.fromkeys(self.keys, 0)).update(row)
        return out

    def working_days(self, group: str | None = None) -> dict:
        """{group value: total working days notice → closed} over the `closed_noticed` hazards."""
        closed = self.hazards.filter(self.extra).filter(MEASURES["closed_noticed"].condition(self.period, self.now)).order_by()
        tz = timezone.get_current_timezone()
        columns = [group] if group else []
        ends = closed.annotate(day=TruncDate("closed_at", tzinfo=tz)).values(*columns, "day").annotate(n=Count("pk"))
        starts = closed.annotate(day=TruncDate("notice__issued_at", tzinfo=tz)).values(*columns, "day").annotate(n=Count("pk"))
        ends, starts = list(ends), list(starts)
        days = [row["day"] for row in [*ends, *starts]]
        if not days:
            return {}
        index = _working_day_index(min(days), max(days))
        totals: dict = {}
        for rows, sign in ((ends, 1), (starts, -1)):
            for row in rows:
                key = row[group] if group else None
                totals[key] = totals.get(key, 0) + sign * index[row["day"]] * row["n"]
        return totals


def _working_day_index(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Each day from `first` to `last` → the working days from `first` up to it (inclusive): the
    working days after day a up to day b are index[b] − index[a]."""
    calendar = load_calendar()
    index, count, day = {}, 0, first
    while day <= last:
        count += calendar.is_working_day(day)
        index[day] = count
        day += dt.timedelta(days=1)
    return index


def average_days(total: int | None, n: int | None) -> float | None:
    return None if not n else (total or 0) / n


# --- presentation ----------------------------------------------------------------------------------

def drill(params: dict, scope: Scope) -> dict:
    """The hazard list of exactly the hazards a figure counts: the page and the API, same query."""
    encoded = urlencode({**scope.params(), **params}, doseq=True)
    return {"page": f"{reverse('inspections:hazard-list')}?{encoded}", "api": f"{reverse('hazard-list')}?{encoded}"}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def definition(key: str):
    return RATES.get(key) or MEASURES.get(key)


def label(key: str) -> str:
    return str(AVERAGE_LABEL) if key == AVERAGE_DAYS else str(definition(key).label)


def help_text(key: str) -> str:
    return str(AVERAGE_HELP) if key == AVERAGE_DAYS else str(definition(key).help)


def cell(key: str, counts: dict, period: Period, scope: Scope, extra: dict | None = None,
         measures: dict[str, Measure] | None = None) -> dict:
    """One figure: value, display and drill-down (a rate: its denominator's, with both parts'; the
    average: the hazards it averages over)."""
    extra = extra or {}
    if key == AVERAGE_DAYS:
        value = average_days(counts.get("working_days"), counts.get("closed_noticed"))
        measure = MEASURES["closed_noticed"]
        return {"key": key, "value": value, "display": "–" if value is None else f"{value:.1f}",
                "count": counts.get("closed_noticed", 0), "drill": drill({**extra, **measure.params(period)}, scope)}
    if key in RATES:
        r = RATES[key]
        out = {"key": key, "value": rate(counts.get(r.numerator), counts.get(r.denominator)), "good": r.good}
        out["display"] = _percent(out["value"])
        for part in ("numerator", "denominator"):
            measure = MEASURES[getattr(r, part)]
            out[part] = {"key": measure.key, "label": str(measure.label), "value": counts.get(measure.key, 0),
                         "drill": drill({**extra, **measure.params(period)}, scope)}
        out["drill"] = out["denominator"]["drill"]
        return out
    value = counts.get(key, 0)
    measure = (measures or MEASURES)[key]
    return {"key": key, "value": value, "display": str(value), "drill": drill({**extra, **measure.params(period)}, scope)}


def _unit_rows(user, scope: Scope):
    if scope.zone is None:
        return "zone", "zone_id", Zone.objects.visible_to(user).order_by("number").values_list("pk", "name")
    return ("community", "community_id",
            Community.objects.visible_to(user).filter(zone_id=scope.zone.pk).order_by("code").values_list("pk", "name"))


def hazard_counts(user, scope: Scope, period: Period, now: dt.datetime | None = None) -> dict:
    """The numbers behind the section (6 grouped queries, whatever the number of hazards): per unit
    (zone, or the zone's community) its count of each measure and its working days, and when they
    were counted. Plain data, so the dashboard cache keeps it (governance.dashboard.cache)."""
    now = now or timezone.now()
    counter = HazardCounter(scoped_hazards(user, scope), now, needed([*HEADLINE, *UNIT_COLUMNS]), period)
    column = "community_id" if scope.zone else "zone_id"
    groups = counter.by(column)
    for value, total in counter.working_days(column).items():
        groups.setdefault(value, {})["working_days"] = total
    return {"computed_at": now, "groups": groups}


def hazard_section(user, scope: Scope, period: Period, now: dt.datetime | None = None, counts: dict | None = None) -> dict:
    """The dashboards' "hazards" section: the headline figures and the zones (or the zone's
    communities) with theirs, from `counts` (hazard_counts', cached or not) plus the units' names."""
    counts = counts if counts is not None else hazard_counts(user, scope, period, now)
    groups = counts["groups"]
    keys = needed([*HEADLINE, *UNIT_COLUMNS])
    filter_name, _column, units = _unit_rows(user, scope)
    totals = {key: sum(g.get(key, 0) or 0 for g in groups.values()) for key in [*keys, "working_days"]}
    figures = [cell(key, totals, period, scope) | {"label": label(key), "help": help_text(key)} for key in HEADLINE]
    rows = []
    for pk, name in units:
        counts = groups.get(pk, {})
        extra = {filter_name: str(pk)}
        rows.append({"id": pk, "name": name,
                     "cells": [cell(key, counts, period, scope, extra) | {"label": label(key)} for key in UNIT_COLUMNS]})
    return {
        "figures": figures,
        "units": {"kind": "communities" if scope.zone else "zones",
                  "columns": [{"key": k, "label": label(k), "help": help_text(k)} for k in UNIT_COLUMNS], "rows": rows},
        "ledger": f"{reverse('inspections:hazard-ledger')}?{urlencode(scope.params())}",
        "statistics": reverse("dashboard:hazard-stats-zone", args=[scope.zone.pk]) if scope.zone
        else reverse("dashboard:hazard-stats"),
        "title": _("Hazards"),
    }


def definitions() -> list[dict]:
    """Every hazard figure's definition, for the page and docs/dashboard.md."""
    out = [{"key": x.key, "label": str(x.label), "help": str(x.help)} for x in [*MEASURES.values(), *RATES.values()]]
    return [*out, {"key": AVERAGE_DAYS, "label": str(AVERAGE_LABEL), "help": str(AVERAGE_HELP)}]
