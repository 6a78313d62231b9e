"""`python -m bench.whatif --incidents N`: measure proposed index and query-shape changes without
changing the app — every change is made inside a transaction that is rolled back.

Dashboard: the SELECTs of one street-office dashboard (sub-district, this month) are captured
from `dashboard_numbers()` and timed (best of --repeat) under each variant, cumulatively:

  JIT on       PostgreSQL's default (the aggregates' cost estimates trip JIT compilation, which
               costs more than the queries themselves)
  as-is        as the app runs them: with SET LOCAL jit = off
  +indexes     B-tree indexes on registered_at and closed_at, so that the dashboard's row bound
               (reported_at ≥ X OR registered_at ≥ X OR closed_at ≥ X OR open) becomes a BitmapOr
  +columns     per-case counters of handle-stage runs (started, finished, finished late), filled
               from StageDeadline, replacing the correlated EXISTS subqueries on StageDeadline

Queues: the queue page's list query as-is versus with only the joins the page shows (no
reporter, no assignee) and without the cells' boundary polygons. API: the street office's
two-filter list as the FilterSet builds it versus the category resolved to ids and the date as a
timestamp range. Planning and execution time from EXPLAIN ANALYZE.
"""

from __future__ import annotations

import argparse
import os
import re
import time

from bench.run import database_urls, server_env

EXISTS = re.compile(
    r'EXISTS\(SELECT 1 AS "a" FROM "incidents_stagedeadline" U0 WHERE \(U0\."incident_id" = \("incidents_incident"\."id"\) '
    r'AND U0\."stage" = \'handle\'(?P<extra>[^)]*)\) LIMIT 1\)'
)
COLUMN_FOR = {"": '"incidents_incident"."handle_runs" > 0', ' AND U0."finished_at" IS NOT NULL': '"incidents_incident"."handle_done" > 0',
              ' AND NOT U0."on_time"': '"incidents_incident"."handle_late" > 0'}
ADD_COLUMNS = [
    "ALTER TABLE incidents_incident ADD COLUMN handle_runs smallint NOT NULL DEFAULT 0, "
    "ADD COLUMN handle_done smallint NOT NULL DEFAULT 0, ADD COLUMN handle_late smallint NOT NULL DEFAULT 0",
    "UPDATE incidents_incident i SET handle_runs = d.runs, handle_done = d.done, handle_late = d.late FROM ("
    "SELECT incident_id, COUNT(*) runs, COUNT(*) FILTER (WHERE finished_at IS NOT NULL) done, "
    "COUNT(*) FILTER (WHERE NOT on_time) late FROM incidents_stagedeadline WHERE stage = 'handle' GROUP BY incident_id) d "
    "WHERE d.incident_id = i.id",
    "ANALYZE incidents_incident",
]
ADD_INDEXES = [
    "CREATE INDEX whatif_registered ON incidents_incident (registered_at)",
    "CREATE INDEX whatif_closed ON incidents_incident (closed_at)",
    "ANALYZE incidents_incident",
]


def rewrite(sql: str) -> str:
    def replace(match: re.Match) -> str:
        extra = match.group("extra")
        if extra not in COLUMN_FOR:
            raise SystemExit(f"unexpected EXISTS shape: {match.group(0)}")
        return COLUMN_FOR[extra]

    return EXISTS.sub(replace, sql)


def dashboard_sql() -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.dashboard.numbers import dashboard_numbers
    from governance.dashboard.selectors import Scope, period_from
    from grids.choices import Role
    from grids.models import User

    street = User.objects.filter(role=Role.STREET).order_by("username").first()
    with CaptureQueriesContext(connection) as captured:
        dashboard_numbers(street, Scope(), period_from({}))
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def timed(cursor, statements: list[str], repeat: int) -> list[float]:
    best = [float("inf")] * len(statements)
    for _ in range(repeat):
        for i, sql in enumerate(statements):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            best[i] = min(best[i], time.perf_counter() - started)
    return best


def plan_times(cursor, sql: str) -> tuple[float, float]:
    cursor.execute("EXPLAIN (ANALYZE) " + sql)
    text = "\n".join(row[0] for row in cursor.fetchall())
    planning = float(re.search(r"Planning Time: ([\d.]+)", text).group(1))
    execution = float(re.search(r"Execution Time: ([\d.]+)", text).group(1))
    return planning, execution


def queue_sql() -> dict[str, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grids.choices import Role
    from grids.models import User
    from incidents import selectors
    from incidents.choices import OPEN_STATUSES
    from incidents.models import Incident

    out = {}
    for role in (Role.ZONE_LEADER, Role.STREET):
        user = User.objects.filter(role=role).order_by("username").first()
        as_is = selectors.case_list(user).filter(status__in=OPEN_STATUSES)[:50]
        lean = (
            Incident.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
            .select_related("category__parent", "grid_cell", "community", "department").defer("grid_cell__boundary")
            .order_by("-reported_at", "-pk")[:50]
        )
        for name, queryset in (("as-is", as_is), ("lean joins", lean)):
            with CaptureQueriesContext(connection) as captured:
                list(queryset)
            out[f"{role} queue, {name}"] = captured.captured_queries[-1]["sql"]
    return out


def api_sql() -> dict[str, str]:
    """The street office's API list (?category=<subcategory>&reported_after=<90 days ago>): the
    count and the page, as the FilterSet builds them and with the proposed shape — the category
    resolved to ids in Python (no join, no OR) and the date as a timestamp range (sargable)."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from grids.choices import Role
    from grids.models import User
    from incidents import selectors
    from incidents.filters import IncidentFilter, local_day_start
    from incidents.models import Category

    street = User.objects.filter(role=Role.STREET).order_by("username").first()
    category = Category.objects.get(code="exposed-rubbish")
    since = timezone.localdate() - dt.timedelta(days=90)
    as_is = IncidentFilter({"category": str(category.pk), "reported_after": since.isoformat()},
                           queryset=selectors.case_list(street)).qs
    proposed = (
        Incident_objects(street).filter(category_id__in=[category.pk], reported_at__gte=local_day_start(since))
        .select_related("category__parent", "grid_cell", "community", "department").defer("grid_cell__boundary")
        .order_by("-reported_at", "-pk")
    )
    out = {}
    for name, queryset in (("as-is", as_is), ("proposed", proposed)):
        with CaptureQueriesContext(connection) as captured:
            queryset.count()
            list(queryset[:50])
        out[f"API street count, {name}"] = captured.captured_queries[-2]["sql"]
        out[f"API street page, {name}"] = captured.captured_queries[-1]["sql"]
    return out


# Single-column foreign-key indexes whose column already leads a composite index.
REDUNDANT_INDEXES = ("zone_id", "community_id", "grid_cell_id", "department_id", "category_id")


def sweep_variants(n: int, rounds: int = 3, seed: int = 2026) -> dict[str, list[float]]:
    """escalate_overdue() with n cases coming due: as-is; with the notification link built once
    instead of one reverse() per case (patched in this process only); without the redundant
    single-column indexes (every escalation UPDATE rewrites all of the table's index entries:
    `escalation` is in the predicate of incident_warn_running, so the update cannot be HOT).
    Variants alternate for `rounds` rounds, each in a transaction rolled back."""
    import contextlib
    import datetime as dt
    import random
    from unittest import mock

    from django.db import connection, transaction
    from django.utils import timezone

    from incidents.models import Incident
    from incidents.services import escalate_overdue, escalation
    from incidents.services.timeline import case_url

    now = timezone.now()
    ids = random.Random(f"whatif:{seed}").sample(list(Incident.objects.values_list("pk", flat=True)), n)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a "
            "ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] WHERE x.indrelid = 'incidents_incident'::regclass "
            "AND x.indnatts = 1 AND a.attname = ANY(%s)", [list(REDUNDANT_INDEXES)],
        )
        redundant = [row[0] for row in cursor.fetchall()]
    pattern = case_url(987654321).replace("987654321", "{}")
    variants = {
        "as-is": contextlib.nullcontext,
        "links built once": lambda: mock.patch.object(escalation, "case_url", lambda pk: pattern.format(pk)),
        "without redundant indexes": contextlib.nullcontext,
    }
    out: dict[str, list[float]] = {name: [] for name in variants}
    for _round in range(rounds):
        for name, patch in variants.items():
            with transaction.atomic(), patch():
                if name == "without redundant indexes":
                    with connection.cursor() as cursor:
                        for index in redundant:
                            cursor.execute(f'DROP INDEX "{index}"')
                Incident.objects.filter(pk__in=ids, due_at__isnull=True).update(
                    status="accepted", stage="handle", paused_remaining=None,
                )
                Incident.objects.filter(pk__in=ids).update(
                    due_at=now - dt.timedelta(minutes=1), warn_at=now - dt.timedelta(minutes=10), escalation=0,
                )
                started = time.perf_counter()
                escalate_overdue(now=now)
                out[name].append(time.perf_counter() - started)
                transaction.set_rollback(True)
    return out


def Incident_objects(user):  # noqa: N802
    from incidents.models import Incident

    return Incident.objects.visible_to(user)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.whatif", description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweep", type=int, default=10_000, help="cases coming due in the sweep variants (0: skip)")
    args = parser.parse_args(argv)
    database_url, _maintenance, _name = database_urls(args.incidents)
    os.environ.update(server_env(database_url))
    import django

    django.setup()
    from django.db import connection, transaction

    statements = dashboard_sql()
    queues = {**queue_sql(), **api_sql()}
    results: dict[str, list[float]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        results["JIT on"] = timed(cursor, statements, args.repeat)
        cursor.execute("SET LOCAL jit = off")
        results["as-is"] = timed(cursor, statements, args.repeat)
        for sql in ADD_INDEXES:
            cursor.execute(sql)
        results["+indexes"] = timed(cursor, statements, args.repeat)
        for sql in ADD_COLUMNS:
            cursor.execute(sql)
        results["+columns"] = timed(cursor, [rewrite(s) for s in statements], args.repeat)
        queue_plans = {name: plan_times(cursor, sql) for name, sql in queues.items()}
        transaction.set_rollback(True)

    print(f"\nDashboard (street office, this month) at {args.incidents:,} cases: {len(statements)} SELECTs, best of {args.repeat}, ms")
    names = list(results)
    print(f"{'statement':<70}" + "".join(f"{n:>11}" for n in names))
    for i, sql in enumerate(statements):
        label = re.sub(r"\s+", " ", sql)[:68]
        print(f"{label:<70}" + "".join(f"{results[n][i] * 1000:>11.1f}" for n in names))
    print(f"{'TOTAL':<70}" + "".join(f"{sum(results[n]) * 1000:>11.1f}" for n in names))
    if args.sweep:
        print(f"\nEscalation sweep, {args.sweep:,} cases coming due, s")
        for name, seconds in sweep_variants(args.sweep).items():
            print(f"  {name:<40} best {min(seconds):6.2f}   runs {', '.join(f'{x:.2f}' for x in seconds)}")
    print("\nQueue and API list queries (EXPLAIN ANALYZE, with the indexes and columns above), ms")
    for name, (planning, execution) in queue_plans.items():
        print(f"  {name:<40} planning {planning:8.1f}  execution {execution:8.1f}")


if __name__ == "__main__":
    main()
