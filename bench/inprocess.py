"""The parts of the benchmark that run inside Django (the runner's own process): who logs in,
which cases are opened, the escalation sweep and the weekly agenda timed on the services, and
the size of the data."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from grids.choices import Role
from grids.models import Notification, User
from incidents.choices import Escalation, Stage, Status
from incidents.models import Category, Incident, IncidentEvent, StageDeadline


def personas(workers: int) -> dict:
    """The street office, the leader of the busiest zone, and grid workers with a point in one of
    their cells to report from."""
    from shapely.geometry import shape

    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("username").first()
    leader = User.objects.filter(role=Role.ZONE_LEADER, is_active=True, zone__isnull=False).order_by("zone__number").first()
    reporters = []
    for user in User.objects.filter(role=Role.GRID_WORKER, is_active=True).prefetch_related("grid_cells").order_by("username"):
        cells = list(user.grid_cells.all())
        if cells:
            point = shape(cells[0].boundary).representative_point()
            reporters.append({"username": user.username, "latitude": round(point.y, 6), "longitude": round(point.x, 6)})
        if len(reporters) == workers:
            break
    return {"street": street.username, "leader": leader.username, "zone": leader.zone_id, "reporters": reporters}


def case_sample(zone_id: int, n: int, seed: int) -> list[int]:
    ids = list(Incident.objects.filter(zone_id=zone_id).order_by("pk").values_list("pk", flat=True))
    return random.Random(f"sample:{seed}").sample(ids, min(n, len(ids)))


def intake_payloads(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"intake:{seed}")
    leaves = list(Category.objects.leaves().filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    return [{"category": rng.choice(leaves), "description": f"基准测试上报 {k}：路边有垃圾堆放。"} for k in range(n)]


def api_queries(zone_id: int) -> dict[str, dict]:
    """Two-filter case lists, one for the zone leader and one for the street office."""
    rubbish = Category.objects.filter(code="exposed-rubbish").values_list("pk", flat=True).first()
    since = (timezone.localdate() - dt.timedelta(days=90)).isoformat()
    return {
        "leader": {"open": "true", "overdue": "true"},
        "street": {"category": str(rubbish), "reported_after": since},
    }


def vacuum() -> float:
    """VACUUM (ANALYZE) the case tables. Every rolled-back sweep leaves 10,000 dead row versions and
    their index entries behind; without this, each run would measure the debris of the last."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Incident, IncidentEvent, Notification):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    return time.perf_counter() - started


def _timed_and_rolled_back(work):
    """Run `work()` in a transaction that is rolled back afterwards, so that every run of the
    benchmark measures the same data. Returns (seconds, result)."""
    with transaction.atomic():
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, result


def sweep(n: int, seed: int, rounds: int = 3) -> dict:
    """The escalation sweep with `n` cases coming due at once.

    First a committed catch-up run (what beat does every minute; the data was generated up to an
    earlier "now"). Then, `rounds` times, in a transaction rolled back at the end: `n` cases —
    running ones first, then others made running at the handle stage — get a due time a minute
    ago, and escalate_overdue() is timed; the table is vacuumed after each round. The median counts (the first round reads cold pages; the
    real sweep runs every minute over warm ones).
    """
    from incidents.services import escalate_overdue

    now = timezone.now()
    started = time.perf_counter()
    catch_up = escalate_overdue(now=now)
    catch_up_seconds = time.perf_counter() - started
    rng = random.Random(f"sweep:{seed}")
    running = list(Incident.objects.filter(due_at__gt=now, escalation=Escalation.NONE).values_list("pk", flat=True))
    chosen = rng.sample(running, min(n, len(running)))
    if len(chosen) < n:
        others = list(Incident.objects.filter(due_at__isnull=True).values_list("pk", flat=True))
        chosen += rng.sample(others, min(n - len(chosen), len(others)))

    def work():
        made_running = Incident.objects.filter(pk__in=chosen, due_at__isnull=True).update(
            status=Status.ACCEPTED, stage=Stage.HANDLE, paused_remaining=None,
        )
        Incident.objects.filter(pk__in=chosen).update(
            due_at=now - dt.timedelta(minutes=1), warn_at=now - dt.timedelta(minutes=10), escalation=Escalation.NONE,
        )
        started = time.perf_counter()
        moved = escalate_overdue(now=now)
        return {"moved": moved, "made_running": made_running, "sweep_seconds": time.perf_counter() - started}

    runs = []
    for _round in range(rounds):
        runs.append(_timed_and_rolled_back(work)[1])
        vacuum()
    result = runs[-1]
    seconds = sorted(run["sweep_seconds"] for run in runs)
    return {
        "cases_due": len(chosen), "seconds": round(statistics.median(seconds), 3), "runs": [round(x, 3) for x in seconds],
        "moved": result["moved"],
        "made_running": result["made_running"], "catch_up": catch_up, "catch_up_seconds": round(catch_up_seconds, 3),
    }


def agenda(rounds: int = 3) -> dict:
    """The weekly agenda preparation (governance.tasks.prepare_weekly_agenda's service), timed in a
    transaction rolled back at the end so that this week's meeting is prepared afresh each time;
    the median of `rounds`."""
    from governance.meetings.services import prepare_weekly_meeting
    from governance.models import AgendaItem

    def work():
        started = time.perf_counter()
        meeting, created = prepare_weekly_meeting(now=timezone.now())
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "created": created, "items": AgendaItem.objects.filter(meeting=meeting).count()}

    runs = [_timed_and_rolled_back(work)[1] for _round in range(rounds)]
    seconds = sorted(run["seconds"] for run in runs)
    return {"seconds": round(statistics.median(seconds), 3), "runs": [round(x, 3) for x in seconds], "items": runs[-1]["items"],
            "created": runs[-1]["created"]}


def warm_dashboards(rounds: int = 3) -> dict:
    """What beat's `warm_dashboards` costs when cases changed: the default view of the sub-district
    and of every zone recomputed into the cache (forced); the median of `rounds`."""
    from governance.dashboard.cache import warm_dashboards as warm

    seconds, scopes = [], 0
    for _round in range(rounds):
        started = time.perf_counter()
        scopes = len(warm(force=True))
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {"seconds": round(statistics.median(seconds), 3), "runs": [round(x, 3) for x in seconds], "scopes": scopes}


def data_size() -> dict:
    tables = {}
    with connection.cursor() as cursor:
        for model in (Incident, IncidentEvent, StageDeadline, Notification):
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*), pg_total_relation_size(%s) FROM "{table}"', [table])
            rows, size = cursor.fetchone()
            tables[table] = {"rows": rows, "mb": round(size / 2**20, 1)}
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
    states = dict(Incident.objects.order_by().values_list("status").annotate(n=Count("pk")))
    now = timezone.now()
    open_cases = Incident.objects.open()
    return {
        "tables": tables, "database_mb": round(database / 2**20, 1), "states": states,
        "open": open_cases.count(), "open_overdue": open_cases.filter(due_at__lte=now).count(),
        "red": open_cases.filter(escalation=Escalation.RED).count(),
        "disputed": Incident.objects.filter(Q(status=Status.DISPUTED)).count(),
    }
