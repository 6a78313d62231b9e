"""What can be rolled up: one `Source` per kind of counted object, registered by name.

A source's `entries(signature)` is a pure function from an object's inputs to the counts it adds:
keys `(grain, measure, day, since, zone, community, subject)`, each worth one. Keeping it pure
is what lets a test compare the rollups with a recount, and what lets an object's previous
contribution be subtracted from its stored signature alone.

Hazards (inspections) add their own source in `governance/rollups/sources/` with their own
grains (sector, enterprise, contractor): nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# (grain, measure, day, since, zone id, community id, subject id)
Key = tuple[str, str, dt.date, dt.date, int, int, int]


@dataclass(frozen=True)
class Source:
    name: str
    # "app_label.Model" of the timeline whose appends change this source's objects
    event_model: str
    owner: str  # the event's attribute naming the counted object, e.g. "incident_id"
    # {object id: signature} from the database, set-wise (a missing id counts nothing);
    # JSON-native values only: the stored signature is compared with a fresh one.
    signatures: Callable[[list[int]], dict[int, dict]]
    entries: Callable[[dict], list[Key]]
    all_ids: Callable[[], Iterable[int]]  # every object, for a rebuild (ascending)
    # event kinds that never come with a change of what is counted (a comment): no refresh
    quiet_kinds: frozenset[str] = frozenset()
    # optional: recount every object set-wise on PostgreSQL (INSERT … SELECT … GROUP BY) into the
    # emptied tables, writing exactly what `signatures` + `entries` write; returns objects counted
    rebuild_sql: Callable[[], int] | None = None


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def source_of_events(label: str) -> Source | None:
    for source in SOURCES.values():
        if source.event_model == label:
            return source
    return None
