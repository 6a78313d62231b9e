"""Cases as a rollup source: what one case adds to the dashboard's period measures.

The measures are those of `governance.dashboard.selectors.MEASURES` whose figure is "of the
period" (the figures "of now" — open, overdue, disputed — are states, read from the open cases).
A case adds one count per measure it satisfies, on the local day of the measure's date, to each
grain below; its dimensions are its own columns now (as the dashboard groups them).

| grain | subject | community kept |
| --- | --- | --- |
| `community` | the case's community (totals, zones, communities, weeks) | yes |
| `cell` | its grid cell | yes |
| `department` | its department (cases that have one) | no |
| `category` | its category | no |
| `reporter` | who reported it | yes |
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone

from governance.rollups.models import NEVER
from governance.rollups.registry import Key, Source, register
from incidents.choices import EventKind, Stage, Status
from incidents.models import Incident, StageDeadline

NAME = "incidents"
# Measures that count cases with an event of these kinds in the period (each case once).
EVENT_MEASURES: dict[str, tuple[str, ...]] = {
    "yellow": (EventKind.YELLOW_CARD,),
    "red": (EventKind.RED_CARD,),
    "disputed_new": (EventKind.DISPUTE, EventKind.AUTO_DISPUTE),
}
CASE_MEASURES = (
    "reported", "reported_invalid", "reported_valid", "registered", "registered_live", "registered_closed",
    "closed", "handled", "handled_on_time", "handled_reworked", "handled_extended",
)
MEASURES = CASE_MEASURES + tuple(EVENT_MEASURES)
GRAINS = ("community", "cell", "department", "category", "reporter")
INVALID = (Status.REJECTED, Status.VOID)
QUIET = frozenset({EventKind.COMMENT, EventKind.LINKED, EventKind.WARNING})


def _day(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).date().isoformat()


def signatures(ids: list[int]) -> dict[int, dict]:
    """The inputs of the cases' counts: one query for any number of cases — a row per case and
    counted event (the events of EVENT_MEASURES joined in, a case without one comes once with
    none), the late handling stage as an EXISTS."""
    kind_measure = {kind: measure for measure, kinds in EVENT_MEASURES.items() for kind in kinds}
    late_handle = StageDeadline.objects.filter(incident_id=OuterRef("pk"), stage=Stage.HANDLE, on_time=False)
    rows = Incident.objects.filter(pk__in=ids).annotate(
        late=Exists(late_handle), counted=FilteredRelation("events", condition=Q(events__kind__in=list(kind_measure))),
    ).order_by().values_list(
        "pk", "zone_id", "community_id", "grid_cell_id", "department_id", "category_id", "reporter_id", "status",
        "reported_at", "registered_at", "closed_at", "rework_count", "extension_count", "late", "counted__kind", "counted__created_at",
    )
    out: dict[int, dict] = {}
    events: dict[int, dict[str, list[str]]] = {}
    for (pk, zone, community, cell, department, category, reporter, status, reported, registered, closed, rework, extension, late,
         kind, at) in rows:
        if kind is not None:
            events.setdefault(pk, {}).setdefault(kind_measure[kind], []).append(_day(at))
        if pk in out:
            continue
        out[pk] = {
            "zone": zone, "community": community, "cell": cell, "department": department or 0, "category": category,
            "reporter": reporter, "status": status, "reported": _day(reported), "registered": _day(registered),
            "closed": _day(closed) if status == Status.CLOSED else None, "late": late,
            "reworked": rework > 0, "extended": extension > 0,
        }
    for pk, signature in out.items():
        signature["events"] = {measure: sorted(days) for measure, days in sorted(events.get(pk, {}).items())}
    return out


def _measures(s: dict) -> list[tuple[str, str, str]]:
    """(measure, day, since) for one case; the conditions of the dashboard's MEASURES."""
    found = []
    status, never = s["status"], NEVER.isoformat()

    def add(measure: str, day: str | None, condition: bool = True) -> None:
        if day is not None and condition:
            found.append((measure, day, never))

    add("reported", s["reported"])
    add("reported_invalid", s["reported"], status in INVALID)
    add("reported_valid", s["reported"], status not in INVALID)
    add("registered", s["registered"])
    add("registered_live", s["registered"], status != Status.VOID)
    add("registered_closed", s["registered"], status == Status.CLOSED)
    closed = s["closed"]
    add("closed", closed)
    handled = bool(s["department"])
    add("handled", closed, handled)
    add("handled_on_time", closed, handled and not s["late"])
    add("handled_reworked", closed, handled and s["reworked"])
    add("handled_extended", closed, handled and s["extended"])
    for measure, days in s["events"].items():
        previous = never
        for day in days:  # each event day, with the day of the case's previous such event
            found.append((measure, day, previous))
            previous = day
    return found


def entries(s: dict) -> list[Key]:
    zone, community = s["zone"], s["community"]
    subjects = (
        ("community", community, community), ("cell", community, s["cell"]), ("department", 0, s["department"]),
        ("category", 0, s["category"]), ("reporter", community, s["reporter"]),
    )
    out: list[Key] = []
    for measure, day, since in _measures(s):
        day_, since_ = dt.date.fromisoformat(day), dt.date.fromisoformat(since)
        for grain, kept_community, subject in subjects:
            if grain == "department" and not subject:
                continue  # the departments' figures count the cases a department has
            out.append((grain, measure, day_, since_, zone, kept_community, subject))
    return out


def all_ids():
    return Incident.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=20000)


def rebuild_sql() -> int:
    from governance.rollups.sources.incidents_rebuild import rebuild_sql as rebuild

    return rebuild(NAME, EVENT_MEASURES, CASE_MEASURES)


SOURCE = register(Source(
    name=NAME, event_model="incidents.IncidentEvent", owner="incident_id", signatures=signatures, entries=entries,
    all_ids=all_ids, quiet_kinds=QUIET, rebuild_sql=rebuild_sql,
))
