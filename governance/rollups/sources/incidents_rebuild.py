"""The cases' rollups rebuilt set-wise on PostgreSQL: a handful of INSERT … SELECT … GROUP BY.

It writes exactly what `governance.rollups.sources.incidents` writes case by case — the same
`Contribution` signatures (built as jsonb: a dict equal to what `signatures()` returns, so the
per-event hook compares and subtracts them as its own) and the same `DailyCount` keys — and a
test compares the two on a hand-built set and after random sequences (tests/governance/
test_rollups.py). The measure conditions below mirror `_measures()` line for line, the grains
mirror `entries()`; change them together.

Steps (all in the caller's transaction, which holds the rollup tables' lock):

1. `rollup_sig`: one row per case with its dimensions and local days (a temp table);
2. `rollup_ev`: the card and dispute events with their local day and the day of the case's
   previous event of the same measure (`since`, a window `lag`);
3. the contributions: one INSERT of every case's signature as jsonb;
4. `rollup_m`: one row per (case, measure, day, since) with the case's dimensions;
5. per grain one `INSERT … SELECT … GROUP BY` into `DailyCount`, in the order of its unique
   index (grain, day, …): a period's rows then lie on few pages (a month of the community grain
   read 9,500 scattered heap pages at 1M cases before, 200 ms; see docs/performance.md Round 4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from governance.rollups.models import NEVER, Contribution, DailyCount
from incidents.choices import EventKind, Stage, Status
from incidents.models import Incident, IncidentEvent, StageDeadline

# (measure, day column of rollup_sig, SQL condition) — `_measures()` of the cases' source
CASE_MEASURES_SQL = (
    ("reported", "reported", "true"),
    ("reported_invalid", "reported", "s.status IN (%(rejected)s, %(void)s)"),
    ("reported_valid", "reported", "s.status NOT IN (%(rejected)s, %(void)s)"),
    ("registered", "registered", "true"),
    ("registered_live", "registered", "s.status <> %(void)s"),
    ("registered_closed", "registered", "s.status = %(closed)s"),
    ("closed", "closed", "true"),
    ("handled", "closed", "s.department_id <> 0"),
    ("handled_on_time", "closed", "s.department_id <> 0 AND NOT s.late"),
    ("handled_reworked", "closed", "s.department_id <> 0 AND s.reworked"),
    ("handled_extended", "closed", "s.department_id <> 0 AND s.extended"),
)
# (grain, community kept, subject) — `entries()`; the department grain skips cases without one
GRAINS_SQL = (
    ("community", "community_id", "community_id"),
    ("cell", "community_id", "cell_id"),
    ("department", "0", "department_id"),
    ("category", "0", "category_id"),
    ("reporter", "community_id", "reporter_id"),
)


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def rebuild_sql(source_name: str, event_measures: dict[str, tuple[str, ...]], case_measures: tuple[str, ...]) -> int:
    """Recount the cases' rollups (the caller has emptied them); returns the cases counted.
    `case_measures`: the Python source's list, which the SQL one must follow."""
    assert tuple(m for m, _, _ in CASE_MEASURES_SQL) == tuple(case_measures), "the SQL rebuild lags the cases' measures"
    params = {
        "tz": settings.TIME_ZONE, "rejected": Status.REJECTED.value, "void": Status.VOID.value,
        "closed": Status.CLOSED.value, "handle": Stage.HANDLE.value, "never": NEVER, "source": source_name,
    }
    kinds = []
    for measure, measure_kinds in event_measures.items():
        for i, kind in enumerate(measure_kinds):
            key = f"k_{measure}_{i}"
            params[key] = EventKind(kind).value
            params[f"m_{key}"] = measure
            kinds.append(key)
    kind_case = " ".join(f"WHEN %({k})s THEN %(m_{k})s" for k in kinds)
    kind_list = ", ".join(f"%({k})s" for k in kinds)
    incident, event, deadline = _q(Incident), _q(IncidentEvent), _q(StageDeadline)
    daily, contribution = _q(DailyCount), _q(Contribution)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("DROP TABLE IF EXISTS rollup_sig, rollup_ev, rollup_m")
        cursor.execute(
            f"""CREATE TEMP TABLE rollup_sig ON COMMIT DROP AS
            SELECT i.id, i.zone_id, i.community_id, i.grid_cell_id AS cell_id,
                   COALESCE(i.department_id, 0) AS department_id, i.category_id, i.reporter_id, i.status,
                   (i.reported_at AT TIME ZONE %(tz)s)::date AS reported,
                   (i.registered_at AT TIME ZONE %(tz)s)::date AS registered,
                   CASE WHEN i.status = %(closed)s THEN (i.closed_at AT TIME ZONE %(tz)s)::date END AS closed,
                   (late.incident_id IS NOT NULL) AS late,
                   i.rework_count > 0 AS reworked, i.extension_count > 0 AS extended
            FROM {incident} i
            LEFT JOIN (SELECT DISTINCT incident_id FROM {deadline} WHERE stage = %(handle)s AND on_time = false) late
                   ON late.incident_id = i.id""",
            params,
        )
        cursor.execute(
            f"""CREATE TEMP TABLE rollup_ev ON COMMIT DROP AS
            SELECT id, measure, day, COALESCE(lag(day) OVER (PARTITION BY id, measure ORDER BY day), %(never)s::date) AS since
            FROM (SELECT incident_id AS id, CASE kind {kind_case} END AS measure,
                         (created_at AT TIME ZONE %(tz)s)::date AS day
                  FROM {event} WHERE kind IN ({kind_list})) e""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {contribution} (source, object_id, signature)
            SELECT %(source)s, s.id, jsonb_build_object(
                'zone', s.zone_id, 'community', s.community_id, 'cell', s.cell_id, 'department', s.department_id,
                'category', s.category_id, 'reporter', s.reporter_id, 'status', s.status,
                'reported', to_char(s.reported, 'YYYY-MM-DD'), 'registered', to_char(s.registered, 'YYYY-MM-DD'),
                'closed', to_char(s.closed, 'YYYY-MM-DD'), 'late', s.late, 'reworked', s.reworked,
                'extended', s.extended, 'events', COALESCE(ev.events, '{{}}'::jsonb))
            FROM rollup_sig s
            LEFT JOIN (SELECT id, jsonb_object_agg(measure, days) AS events
                       FROM (SELECT id, measure, jsonb_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day) AS days
                             FROM rollup_ev GROUP BY id, measure) per_measure
                       GROUP BY id) ev ON ev.id = s.id""",
            params,
        )
        counted = cursor.rowcount
        values = ", ".join(
            f"('{measure}', s.{day}, {condition})" for measure, day, condition in CASE_MEASURES_SQL
        )
        cursor.execute(
            f"""CREATE TEMP TABLE rollup_m ON COMMIT DROP AS
            SELECT s.zone_id, s.community_id, s.cell_id, s.department_id, s.category_id, s.reporter_id,
                   m.measure, m.day, %(never)s::date AS since
            FROM rollup_sig s CROSS JOIN LATERAL (VALUES {values}) AS m(measure, day, counted)
            WHERE m.counted AND m.day IS NOT NULL
            UNION ALL
            SELECT s.zone_id, s.community_id, s.cell_id, s.department_id, s.category_id, s.reporter_id,
                   ev.measure, ev.day, ev.since
            FROM rollup_ev ev JOIN rollup_sig s ON s.id = ev.id""",
            params,
        )
        for grain, community, subject in GRAINS_SQL:
            skip = f"WHERE {subject} <> 0" if grain == "department" else ""
            # a constant column (0) is left out of the order: ORDER BY 0 would name a position
            order = ", ".join(c for c in ("day", "zone_id", community, subject, "measure", "since") if not c.isdigit())
            cursor.execute(
                f"""INSERT INTO {daily} (source, grain, measure, day, since, zone_id, community_id, subject_id, n)
                SELECT %(source)s, '{grain}', measure, day, since, zone_id, {community}, {subject}, count(*)
                FROM rollup_m {skip}
                GROUP BY measure, day, since, zone_id, {subject}{", community_id" if community != "0" else ""}
                ORDER BY {order}""",
                params,
            )
        cursor.execute("DROP TABLE rollup_sig, rollup_ev, rollup_m")
        cursor.execute(f"ANALYZE {daily}, {contribution}")
    return counted
