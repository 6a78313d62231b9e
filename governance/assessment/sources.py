"""Where an indicator's numbers come from: measure sources behind one small interface.

A `Metric` is what an indicator counts: a measure of one source (cases, hazards), and whether it
belongs to a subject by the territory the rows lie in (`TERRITORY`: the case's cell, community,
zone or department) or by the person who did it (`ACTOR`: the reporter). Case measures are the
dashboard's `Measure` (governance.dashboard.selectors): its registry, plus a few that only the
assessment needs, defined here in the same shape.

A source answers two questions for a period, grouped by one column:
- `counts(keys, period, group)` → {group value: {key: count}} (one grouped aggregate query);
- `members(keys, period, group)` → {group value: {key: [row ids]}} (one query per key; used when a
  period is published, so each score line keeps the exact rows behind it).
Both leave out the cases marked "not counted for assessment" (models.Exclusion). The cases' `counts`
of the measures the per-day rollups hold are read from them (`rolled_counts`: a month of every
subject reads a few thousand rollup rows, whatever the number of cases); `members` always lists the
exact case ids from the cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.assessment.choices import SubjectType
from governance.assessment.sources_contractors import CONTRACTOR_MEASURES, ContractorSource
from governance.dashboard.selectors import MEASURES, PERIOD, Measure, Period
from governance.rollups import selectors as rollups
from governance.rollups.sources import incidents as rollup_cases
from incidents.choices import EventKind, Source, Stage, Status
from incidents.models import Incident, IncidentEvent, StageDeadline
from inspections.choices import HazardStatus
from inspections.models import Hazard

TERRITORY, ACTOR = "territory", "actor"


class MeasureSource(Protocol):
    name: str

    def measure(self, key: str) -> Measure: ...

    def counts(self, keys: Iterable[str], period: Period, group: str) -> dict: ...

    def members(self, keys: Iterable[str], period: Period, group: str) -> dict: ...


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.lo, f"{name}__lt": period.hi})


def _runs(stage: str, **extra) -> QuerySet:
    return StageDeadline.objects.filter(incident=OuterRef("pk"), stage=stage, **extra)


def _registered_public(p: Period) -> Q:
    # 公众举报: a case the patrol did not find (the public, staff or an outside system reported it).
    return _between("registered_at", p) & ~Q(source=Source.GRID_WORKER)


def _verified(p: Period) -> Q:
    return Q(status=Status.CLOSED) & _between("closed_at", p) & Q(Exists(_runs(Stage.VERIFY)))


# Case measures only the assessment needs (the dashboard's own are in its MEASURES).
ASSESSMENT_CASE_MEASURES: dict[str, Measure] = {m.key: m for m in [
    Measure(
        "registered_public", _("Registered, reported by others"),
        _("Cases registered in the period that the patrol did not report (public, staff, outside systems): 公众举报数."),
        PERIOD, lambda p, now: _registered_public(p),
    ),
    Measure(
        "registered_public_on_time", _("Confirmed on time"),
        _("Of the cases registered in the period that others reported: those whose registration (核实) ran no stage "
          "clock past its deadline."), PERIOD,
        lambda p, now: _registered_public(p) & ~Q(Exists(_runs(Stage.REGISTER, on_time=False))),
    ),
    Measure(
        "verified", _("Checked on site"),
        _("Cases closed in the period that were checked on site after handling (核查)."), PERIOD,
        lambda p, now: _verified(p),
    ),
    Measure(
        "verified_on_time", _("Checked on time"),
        _("Of the cases closed in the period after an on-site check: those whose every check met its deadline."), PERIOD,
        lambda p, now: _verified(p) & ~Q(Exists(_runs(Stage.VERIFY, on_time=False))),
    ),
    Measure(
        "registered_on_time", _("Registered on time"),
        _("Cases registered in the period whose registration stage met its deadline."), PERIOD,
        lambda p, now: _between("registered_at", p) & ~Q(Exists(_runs(Stage.REGISTER, on_time=False))),
    ),
    Measure(
        "red_carded", _("Red cards"), _("Cases that received a red card (still overdue) in the period."), PERIOD,
        lambda p, now: Q(Exists(IncidentEvent.objects.filter(
            incident=OuterRef("pk"), kind=EventKind.RED_CARD, created_at__gte=p.lo, created_at__lt=p.hi))),
    ),
]}


class CaseSource:
    """Cases: the dashboard's condition measures and the assessment's own."""

    name = "cases"

    def __init__(self) -> None:
        self._measures = {k: m for k, m in MEASURES.items() if m.condition is not None and m.when == PERIOD}
        self._measures.update(ASSESSMENT_CASE_MEASURES)

    def measure(self, key: str) -> Measure:
        return self._measures[key]

    def _rows(self, period: Period) -> QuerySet:
        from governance.assessment.models import Exclusion

        # Every measure here is bounded by one of these dates in the period (or a red card in it,
        # which only an open-or-recent case gets: reported before the period's end).
        bound = _between("reported_at", period) | _between("registered_at", period) | _between("closed_at", period)
        bound |= Q(reported_at__lt=period.hi, registered_at__isnull=False, closed_at__isnull=True)
        bound |= Q(reported_at__lt=period.hi, closed_at__gte=period.lo)
        return Incident.objects.filter(bound).exclude(pk__in=Exclusion.objects.values("incident_id")).order_by()

    def counts(self, keys: Iterable[str], period: Period, group: str) -> dict:
        """The rollup measures from the per-day rollups (`rolled_counts`), the others counted."""
        keys = list(keys)
        rolled = [key for key in keys if key in ROLLED_MEASURES and group in ROLLED_GROUPS]
        out = rolled_counts(rolled, period, group) if rolled else {}
        counted = [key for key in keys if key not in rolled]
        for value, row in (self.counted(counted, period, group) if counted else {}).items():
            out.setdefault(value, {}).update(row)
        return out

    def counted(self, keys: Iterable[str], period: Period, group: str) -> dict:
        """Counted from the cases themselves (one grouped aggregate; the reference for the rollups)."""
        now = timezone.now()
        counts = {key: Count("pk", filter=self.measure(key).condition(period, now)) for key in keys}
        if not counts:
            return {}
        return {row.pop(group): row for row in self._rows(period).values(group).annotate(**counts)}

    def members(self, keys: Iterable[str], period: Period, group: str) -> dict:
        """Exact id lists, always from the cases (the drill-down behind each score line)."""
        now = timezone.now()
        out: dict = {}
        for key in keys:
            rows = self._rows(period).filter(self.measure(key).condition(period, now)).values_list(group, "pk")
            for value, pk in rows.order_by("pk"):
                out.setdefault(value, {}).setdefault(key, []).append(pk)
        return out


# Measures the per-day rollups of the cases hold (governance.rollups.sources.incidents), by the
# assessment's key; `red_carded` is the rollups' "red" (cases with a red card in the period).
ROLLED_MEASURES: dict[str, str] = {key: key for key in MEASURES if key in rollup_cases.MEASURES}
ROLLED_MEASURES["red_carded"] = "red"
# The assessment's grouping column → (rollup grain, the rollup column grouped by)
ROLLED_GROUPS: dict[str, tuple[str, str]] = {
    "department": ("department", "subject_id"), "community": ("community", "subject_id"),
    "zone": ("community", "zone_id"), "grid_cell": ("cell", "subject_id"), "reporter": ("reporter", "subject_id"),
}


def rolled_counts(keys: list[str], period: Period, group: str) -> dict:
    """{group value: {key: count}} from the rollups, less what the cases "not counted for
    assessment" add (their own rollup entries, from their signatures: exclusions are few)."""
    from governance.assessment.models import Exclusion

    grain, by = ROLLED_GROUPS[group]
    measure_of = {ROLLED_MEASURES[key]: key for key in keys}
    found = rollups.counts(rollup_cases.NAME, grain, list(measure_of), {"": period}, by=by)
    out: dict = {value: {measure_of[m]: n for m, n in row.items()} for value, row in found.items()}
    excluded = list(Exclusion.objects.values_list("incident_id", flat=True))
    if excluded:
        column = {"subject_id": 6, "community_id": 5, "zone_id": 4}[by]
        for signature in rollup_cases.signatures(excluded).values():
            for entry in rollup_cases.entries(signature):
                entry_grain, measure, day, since = entry[:4]
                if entry_grain == grain and measure in measure_of and period.start <= day <= period.end and since < period.start:
                    row = out.setdefault(entry[column], {})
                    row[measure_of[measure]] = row.get(measure_of[measure], 0) - 1
    return out


def _hazard_recorded(p: Period) -> Q:
    return _between("recorded_at", p)


HAZARD_MEASURES: dict[str, Measure] = {m.key: m for m in [
    Measure("hazards_recorded", _("Hazards recorded"), _("Hazards recorded in the period."), PERIOD,
            lambda p, now: _hazard_recorded(p)),
    Measure("hazards_confirmed", _("Hazards confirmed"),
            _("Hazards recorded in the period and confirmed (not voided)."), PERIOD,
            lambda p, now: _hazard_recorded(p) & Q(confirmed_at__isnull=False) & ~Q(status=HazardStatus.VOID)),
]}


class HazardSource:
    """Hazards (inspections): recorded and confirmed, by the person who recorded them."""

    name = "hazards"

    def measure(self, key: str) -> Measure:
        return HAZARD_MEASURES[key]

    def _rows(self, period: Period) -> QuerySet:
        return Hazard.objects.filter(_hazard_recorded(period)).order_by()

    def counts(self, keys: Iterable[str], period: Period, group: str) -> dict:
        now = timezone.now()
        counts = {key: Count("pk", filter=self.measure(key).condition(period, now)) for key in keys}
        return {row.pop(group): row for row in self._rows(period).values(group).annotate(**counts)} if counts else {}

    def members(self, keys: Iterable[str], period: Period, group: str) -> dict:
        now = timezone.now()
        out: dict = {}
        for key in keys:
            rows = self._rows(period).filter(self.measure(key).condition(period, now)).values_list(group, "pk")
            for value, pk in rows.order_by("pk"):
                out.setdefault(value, {}).setdefault(key, []).append(pk)
        return out


SOURCES: dict[str, MeasureSource] = {"cases": CaseSource(), "hazards": HazardSource(), "contractors": ContractorSource()}


@dataclass(frozen=True)
class Metric:
    key: str
    source: str
    measure: str
    basis: str = TERRITORY

    @property
    def label(self) -> Promise:
        return SOURCES[self.source].measure(self.measure).label

    @property
    def help(self) -> Promise:
        return SOURCES[self.source].measure(self.measure).help


def _case(key: str, basis: str = TERRITORY) -> Metric:
    return Metric(key, "cases", key, basis)


METRICS: dict[str, Metric] = {m.key: m for m in [
    _case("reported", ACTOR), _case("reported_valid", ACTOR),
    _case("registered"), _case("registered_live"), _case("registered_closed"),
    _case("handled"), _case("handled_on_time"), _case("handled_reworked"), _case("handled_extended"),
    _case("registered_public"), _case("registered_public_on_time"), _case("registered_on_time"),
    _case("verified"), _case("verified_on_time"), _case("red_carded"),
    Metric("hazards_recorded", "hazards", "hazards_recorded", ACTOR),
    Metric("hazards_confirmed", "hazards", "hazards_confirmed", ACTOR),
    # the contractors' scorecard (sources_contractors), by firm
    *(Metric(key, "contractors", key, ACTOR) for key in CONTRACTOR_MEASURES),
]}

# The column a metric groups by, per subject type and basis. A grid worker's territory is their
# cells (grouped by cell, then summed over each worker's cells: see compute.py).
GROUP_COLUMN = {
    SubjectType.DEPARTMENT: {TERRITORY: "department", ACTOR: "department"},
    SubjectType.COMMUNITY: {TERRITORY: "community", ACTOR: "community"},
    SubjectType.ZONE: {TERRITORY: "zone", ACTOR: "zone"},
    SubjectType.GRID_WORKER: {TERRITORY: "grid_cell", ACTOR: "reporter"},
    SubjectType.CONTRACTOR: {TERRITORY: "firm", ACTOR: "firm"},
}

def period_of(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, "assessment")
