"""Reading the rollups: sums per subject (or per day) for any periods, in one grouped query.

This is the API the dashboards and assessment build on. A period is whole local days, `start`
and `end` included (`governance.dashboard.selectors.Period` fits, as does any object with `.start`
and `.end` dates). Counts never need the source rows: a month of the whole sub-district reads a
few thousand rows, whatever the number of cases.

    counts("incidents", "department", ["handled", "handled_on_time"], {"": october})
    → {department id: {"handled": 12, "handled_on_time": 10}, …}

Grains and measures of the cases: `governance.rollups.sources.incidents` (GRAINS, MEASURES).
Subjects with nothing counted are absent (read them as 0). These are "system reads": the caller
decides who may see which subjects (the dashboards' scope, assessment's own rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Protocol

from django.db.models import F, Q, Sum

from governance.rollups.models import DailyCount

SUBJECT = "subject_id"


class Days(Protocol):
    start: dt.date
    end: dt.date


def _rows(source: str, grain: str, measures: Iterable[str], start: dt.date, end: dt.date, zone: int | None, subjects):
    rows = DailyCount.objects.filter(source=source, grain=grain, measure__in=list(measures), day__gte=start, day__lte=end)
    if zone is not None:
        rows = rows.filter(zone_id=zone)
    if subjects is not None:
        rows = rows.filter(subject_id__in=list(subjects))
    return rows.order_by()


def counts(
    source: str,
    grain: str,
    measures: Iterable[str],
    periods: Mapping[str, Days],
    *,
    by: str = SUBJECT,
    zone: int | None = None,
    subjects: Iterable[int] | None = None,
) -> dict[int, dict[str, int]]:
    """{group: {measure + suffix: count}} for each period in `periods` ({suffix: period}).

    `by` is the column grouped by: "subject_id" (the grain's subject), "community_id" or
    "zone_id"; `zone` and `subjects` narrow the rows. One query for all periods."""
    measures = list(measures)
    if not measures or not periods:
        return {}
    start, end = min(p.start for p in periods.values()), max(p.end for p in periods.values())
    sums = {
        f"sum{suffix}": Sum("n", filter=Q(day__gte=p.start, day__lte=p.end, since__lt=p.start))
        for suffix, p in periods.items()
    }
    out: dict[int, dict[str, int]] = {}
    for row in _rows(source, grain, measures, start, end, zone, subjects).values(by, "measure").annotate(**sums):
        group = out.setdefault(row[by], {})
        for suffix in periods:
            group[f"{row['measure']}{suffix}"] = row[f"sum{suffix}"] or 0
    return out


def totals(source: str, grain: str, measures: Iterable[str], period: Days, *, zone: int | None = None) -> dict[str, int]:
    """{measure: count} over every subject of the grain (for a zone, or everything)."""
    measures = list(measures)
    found = {measure: 0 for measure in measures}
    for group in counts(source, grain, measures, {"": period}, by="zone_id", zone=zone).values():
        for key, value in group.items():
            found[key] += value
    return found


def daily(
    source: str, grain: str, measures: Iterable[str], period: Days, *, zone: int | None = None,
) -> dict[dt.date, dict[str, int]]:
    """{day: {measure: count}} for the days of the period that have any (measures that count
    objects with an event count each object once per day here, not once per period)."""
    out: dict[dt.date, dict[str, int]] = {}
    rows = _rows(source, grain, measures, period.start, period.end, zone, None).filter(since__lt=F("day"))
    for row in rows.values("day", "measure").annotate(total=Sum("n")):
        out.setdefault(row["day"], {})[row["measure"]] = row["total"] or 0
    return out
