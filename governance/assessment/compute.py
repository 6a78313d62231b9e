"""Computing a period's score sheets for every subject of a type (the system reads, unscoped).

For each subject type: the current scheme(s), the metrics their indicators name, one grouped
aggregate per (source, grouping column) — `counts` — and one id list per metric — `members` —
so the number of queries depends on the number of metrics, never on the number of cases or
subjects. Grid workers' territory metrics are grouped by cell and summed over each worker's cells.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from governance.assessment import scoring
from governance.assessment.choices import YEAR_H1_WEIGHT, PeriodKind, SubjectType
from governance.assessment.models import Period, Scheme, ScoreSheet
from governance.assessment.sources import GROUP_COLUMN, METRICS, SOURCES, period_of
from governance.assessment.sources_contractors import firms
from grids.choices import Role
from grids.models import Community, Department, User, Zone
from inspections.choices import EnterpriseStatus
from inspections.models import Enterprise


@dataclass
class Subject:
    pk: int
    name: str
    zone_id: int | None = None
    community_id: int | None = None
    population: int | None = None
    worker_kind: str = ""
    cells: list[int] = field(default_factory=list)
    enterprises: int | None = None  # enterprises in business on the subject's territory


def _enterprises_by(column: str) -> dict[int, int]:
    active = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by()
    return dict(active.values(column).annotate(n=Count("pk")).values_list(column, "n"))


def subjects_of(subject_type: str) -> list[Subject]:
    if subject_type == SubjectType.DEPARTMENT:
        return [Subject(d.pk, d.name) for d in Department.objects.filter(is_active=True)]
    if subject_type == SubjectType.COMMUNITY:
        firms_in = _enterprises_by("community")
        return [Subject(c.pk, c.name, c.zone_id, c.pk, c.population, enterprises=firms_in.get(c.pk, 0))
                for c in Community.objects.all()]
    if subject_type == SubjectType.CONTRACTOR:
        return [Subject(pk, name) for pk, name in firms()]
    if subject_type == SubjectType.ZONE:
        people = dict(Community.objects.values("zone").annotate(n=Sum("population")).values_list("zone", "n"))
        firms_in = _enterprises_by("zone")
        return [Subject(z.pk, z.name, z.pk, None, people.get(z.pk) or 0, enterprises=firms_in.get(z.pk, 0))
                for z in Zone.objects.all()]
    workers = User.objects.filter(role=Role.GRID_WORKER, is_active=True).select_related("community")
    cells: dict[int, list[int]] = defaultdict(list)
    for user_id, cell_id in User.grid_cells.through.objects.values_list("user_id", "gridcell_id"):
        cells[user_id].append(cell_id)
    in_cell = _enterprises_by("grid_cell")
    return [
        Subject(w.pk, w.display_name, w.community.zone_id if w.community_id else None, w.community_id, None,
                w.worker_kind, cells.get(w.pk, []), sum(in_cell.get(c, 0) for c in cells.get(w.pk, [])))
        for w in workers
    ]


def schemes_for(subject_type: str) -> dict[str, Scheme]:
    """The current scheme per worker kind ("" is the default)."""
    schemes = Scheme.objects.current().filter(subject_type=subject_type).prefetch_related("indicators")
    return {s.worker_kind: s for s in schemes}


def _scheme_of(schemes: dict[str, Scheme], subject: Subject) -> Scheme | None:
    return schemes.get(subject.worker_kind) or schemes.get("")


def _metric_keys(schemes) -> set[str]:
    keys = set()
    for scheme in schemes:
        for ind in scheme.indicators.all():
            keys |= {ind.numerator} | ({ind.denominator} if ind.denominator else set())
    return keys


@dataclass
class Figures:
    counts: dict  # subject pk → metric key → count
    ids: dict  # subject pk → metric key → [row ids]

    def count(self, pk: int, key: str) -> int:
        return self.counts.get(pk, {}).get(key, 0)

    def members(self, pk: int, key: str) -> list[int]:
        return self.ids.get(pk, {}).get(key, [])


def gather(subject_type: str, subjects: list[Subject], keys: set[str], start: dt.date, end: dt.date) -> Figures:
    period = period_of(start, end)
    by_query: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in sorted(keys):
        metric = METRICS[key]
        by_query[(metric.source, GROUP_COLUMN[subject_type][metric.basis])].append(key)
    counts: dict = defaultdict(dict)
    ids: dict = defaultdict(dict)
    cell_owners: dict[int, list[int]] = defaultdict(list)
    for s in subjects:
        for cell in s.cells:
            cell_owners[cell].append(s.pk)
    for (source_name, column), metric_keys in by_query.items():
        source = SOURCES[source_name]
        measures = [METRICS[k].measure for k in metric_keys]
        grouped = source.counts(measures, period, column)
        listed = source.members(measures, period, column)
        owners = (lambda value: cell_owners.get(value, [])) if column == "grid_cell" else (lambda value: [value])
        for value, row in grouped.items():
            for pk in owners(value):
                for key in metric_keys:
                    counts[pk][key] = counts[pk].get(key, 0) + (row.get(METRICS[key].measure) or 0)
        for value, row in listed.items():
            for pk in owners(value):
                for key in metric_keys:
                    ids[pk].setdefault(key, []).extend(row.get(METRICS[key].measure, []))
    return Figures(counts, ids)


def _per_10k(count: int, population: int | None) -> float | None:
    return round(count * 10000 / population, 2) if population else None


def _per_100(count: int, enterprises: int | None) -> float | None:
    return round(count * 100 / enterprises, 2) if enterprises else None


def build_lines(scheme: Scheme, subject: Subject, figures: Figures) -> list[dict]:
    lines = []
    for ind in scheme.indicators.all():
        rule = scoring.Rule.of(ind)
        num = figures.count(subject.pk, ind.numerator)
        den = figures.count(subject.pk, ind.denominator) if ind.denominator else None
        value, points = scoring.score_line(rule, num, den)
        lines.append({
            "key": ind.key, "label": ind.label, "scoring": ind.scoring, "direction": ind.direction,
            "weight": str(ind.weight), "bands": ind.bands, "low": ind.low, "high": ind.high,
            "per_item": str(ind.per_item), "cap": None if ind.cap is None else str(ind.cap),
            "numerator_metric": ind.numerator, "denominator_metric": ind.denominator or None,
            "source": METRICS[ind.numerator].source,
            "numerator": num, "denominator": den, "value": value, "points": points,
            "per_10k": _per_10k(num, subject.population),
            # hazards per 100 enterprises (SAFETY.md §8.4), beside the raw count
            "per_100_enterprises": _per_100(num, subject.enterprises) if METRICS[ind.numerator].source == "hazards" else None,
            "num_ids": figures.members(subject.pk, ind.numerator),
            "den_ids": figures.members(subject.pk, ind.denominator) if ind.denominator else [],
        })
    return lines


def finish(sheet: ScoreSheet, scheme: Scheme) -> None:
    """Total, grade and coefficient from the sheet's lines (and its year combination)."""
    total = scoring.total_of(sheet.lines, Decimal(str(scheme.bonus_cap)))
    if sheet.combined:
        year_end = total
        h1 = sheet.combined.get("h1")
        weight = Decimal(str(sheet.combined.get("h1_weight", YEAR_H1_WEIGHT)))
        sheet.combined["year_end"] = None if year_end is None else str(year_end)
        if year_end is not None and h1 is not None:
            total = scoring.q(Decimal(h1) * weight + year_end * (1 - weight))
    sheet.total = total
    grade = scoring.grade_of(scheme.grades, total)
    sheet.grade = grade["code"] if grade else ""
    sheet.grade_label = grade["label"] if grade else ""
    sheet.coefficient = Decimal(str(grade["coefficient"])) if grade else None


def rank(sheets: list[ScoreSheet]) -> None:
    """1 for the best score; equal scores share a rank; no score, no rank."""
    scored = sorted((s for s in sheets if s.total is not None), key=lambda s: s.total, reverse=True)
    previous, position = None, 0
    for index, sheet in enumerate(scored, start=1):
        if sheet.total != previous:
            position, previous = index, sheet.total
        sheet.rank = position


def _h1_totals(period: Period, subject_type: str, subjects, schemes) -> dict[int, str | None]:
    """A year's first half: the published half-year sheets, or computed now where there are none."""
    start = dt.date(period.start.year, 1, 1)
    h1 = Period.objects.filter(kind=PeriodKind.HALF, start=start, status="published").first()
    if h1 is not None:
        sheets = ScoreSheet.objects.current().filter(period=h1, subject_type=subject_type)
        return {s.subject_id: None if s.total is None else str(s.total) for s in sheets}
    figures = gather(subject_type, subjects, _metric_keys(schemes.values()), start, dt.date(start.year, 6, 30))
    out = {}
    for subject in subjects:
        scheme = _scheme_of(schemes, subject)
        if scheme is not None:
            total = scoring.total_of(build_lines(scheme, subject, figures), Decimal(str(scheme.bonus_cap)))
            out[subject.pk] = None if total is None else str(total)
    return out


def compute(period: Period, subject_type: str, *, now: dt.datetime | None = None) -> list[ScoreSheet]:
    """Unsaved version-1 sheets for every subject of the type that has a scheme."""
    now = now or timezone.now()
    schemes = schemes_for(subject_type)
    if not schemes:
        return []
    subjects = subjects_of(subject_type)
    figures = gather(subject_type, subjects, _metric_keys(schemes.values()), period.start, period.end)
    h1 = _h1_totals(period, subject_type, subjects, schemes) if period.kind == PeriodKind.YEAR else {}
    sheets = []
    for subject in subjects:
        scheme = _scheme_of(schemes, subject)
        if scheme is None:
            continue
        sheet = ScoreSheet(
            period=period, scheme=scheme, subject_type=subject_type, subject_id=subject.pk, subject_name=subject.name,
            zone_id=subject.zone_id, community_id=subject.community_id, population=subject.population,
            lines=build_lines(scheme, subject, figures), computed_at=now,
            combined={"h1": h1.get(subject.pk), "h1_weight": YEAR_H1_WEIGHT} if period.kind == PeriodKind.YEAR else {},
        )
        finish(sheet, scheme)
        sheets.append(sheet)
    rank(sheets)
    return sheets
