"""`python -m bench.generate --incidents N [--seed S] [--now ISO] [--reset]`: fill the database
named by DATABASE_URL with the demo sub-district and N cases over three years.

Reference data comes from the demo seeders (grids.demo.seed_organisation,
incidents.demo.categories.seed_categories); cases, timelines, stage deadlines and notifications
are simulated by bench.paths and written with COPY (bench.loader). Deterministic for a given
seed and `--now` (default: now, to the minute — the data is laid out relative to it so that
recent cases are open and overdue ones carry their cards). PostgreSQL is required above 50,000
cases. Prints timings and table sizes; ANALYZEs at the end.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
import time

SQLITE_LIMIT = 50_000
CHUNK = 20_000
YEARS = 3
HOUR = 3600


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, required=True, help="number of cases to generate")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--now", help="the instant the data leads up to (ISO 8601, default: now to the minute)")
    parser.add_argument("--years", type=int, default=YEARS, help="history span in years (default 3)")
    parser.add_argument("--reset", action="store_true", help="delete existing cases (and their timelines, notifications) first")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes simulating cases (default: CPU count)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.incidents < 1:
        parser.error("--incidents must be at least 1")
    return args


def parse_now(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise SystemExit("--now needs a time zone offset, e.g. 2026-11-26T16:00:00+00:00")
    return value.astimezone(dt.UTC)


# --- when cases are reported -------------------------------------------------------------------


def day_weights(clock, cal, first: dt.date, last: dt.date, now: int) -> list[tuple[int, float]]:
    """(local day index, weight): more cases as the years go on, fewer at weekends and on
    holidays, a summer peak; today only up to now."""
    out = []
    days = (last - first).days + 1
    for i in range(days):
        day = first + dt.timedelta(days=i)
        weight = 0.75 + 0.5 * i / max(days - 1, 1)
        weight *= (1, 1, 1, 1, 0.95, 0.65, 0.55)[day.weekday()]
        if day in cal.holidays:
            weight *= 0.6
        weight *= 1 + 0.15 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 105) / 365.25)
        index = day.toordinal() - clock.first.toordinal()
        if day == last:
            weight *= max(now - clock.day_starts[index], 0) / 86400
        out.append((index, weight))
    return out


def reported_times(rng: random.Random, clock, cal, now: int, years: int, n: int) -> list[int]:
    """n report instants over the last `years` years, sorted (case ids follow reporting order)."""
    last = dt.date.fromordinal(clock.local_ordinal(now))
    first = last - dt.timedelta(days=round(365.25 * years) - 1)
    weights = day_weights(clock, cal, first, last, now)
    total = sum(w for _i, w in weights)
    times: list[int] = []
    acc, done = 0.0, 0
    for index, weight in weights:
        acc += weight
        upto = round(n * acc / total)
        start = clock.day_starts[index]
        for _k in range(upto - done):
            r = rng.random()
            if r < 0.75:  # patrols, office hours
                second = rng.randint(8 * HOUR, 18 * HOUR)
            elif r < 0.92:
                second = rng.randint(18 * HOUR, 22 * HOUR)
            elif r < 0.97:
                second = rng.randint(6 * HOUR, 8 * HOUR)
            else:
                second = rng.choice((rng.randint(0, 6 * HOUR), rng.randint(22 * HOUR, 24 * HOUR - 1)))
            t = start + second
            times.append(t if t <= now else now - rng.randint(60, 2 * HOUR))
        done = upto
    times.sort()
    return times


# --- simulating chunks, in parallel processes --------------------------------------------------

ID_BLOCK = CHUNK * 60  # ids of events, deadlines and notifications reserved per chunk
_MAKER = None  # the CaseMaker, inherited by forked workers


def final_sequences(maker, times: list[int]) -> dict[int, int]:
    sequences: dict[int, int] = {}
    for t in times:
        year = maker.year_of(t)
        sequences[year] = sequences.get(year, 0) + 1
    return sequences


def chunk_tasks(maker, times: list[int]) -> list[tuple]:
    """(index, first case id, report times, case-code sequences before the chunk) per chunk."""
    tasks, sequences = [], {}
    for index, begin in enumerate(range(0, len(times), CHUNK)):
        part = times[begin:begin + CHUNK]
        tasks.append((index, begin + 1, part, dict(sequences)))
        for t in part:
            year = maker.year_of(t)
            sequences[year] = sequences.get(year, 0) + 1
    return tasks


def _simulate(task: tuple) -> tuple[int, float, list]:
    index, first_id, times, sequences = task
    started = time.monotonic()
    tables = _MAKER.chunk(index, first_id, times, sequences, ID_BLOCK)
    if _MAKER.f.copy:  # join here: a string crosses the process boundary far faster than tuples
        tables = ["".join(["\t".join(row) + "\n" for row in rows]) for rows in tables]
    return len(times), time.monotonic() - started, tables


@contextlib.contextmanager
def chunk_results(maker, tasks: list[tuple], jobs: int):
    """Yield (cases, seconds, rows per table) chunk by chunk, in order; `jobs` processes simulate
    ahead of the loader (at most two chunks each, to bound memory)."""
    global _MAKER
    _MAKER = maker
    if jobs == 1:
        yield (_simulate(task) for task in tasks)
        return
    from django.db import connections

    connections.close_all()  # forked workers must not share the parent's database socket
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        def ordered():
            pending = collections.deque()
            queue = iter(tasks)
            for task in itertools.islice(queue, 2 * jobs):
                pending.append(pool.apply_async(_simulate, (task,)))
            while pending:
                result = pending.popleft().get()
                for task in itertools.islice(queue, 1):
                    pending.append(pool.apply_async(_simulate, (task,)))
                yield result

        yield ordered()


# --- the run -----------------------------------------------------------------------------------


def table_sizes(models) -> dict[str, dict]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            rows = cursor.fetchone()[0]
            size = None
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                size = cursor.fetchone()[0]
            out[table] = {"rows": rows, "bytes": size}
    return out


def database_bytes() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def generate(args: argparse.Namespace, out=sys.stdout) -> dict:
    from django.conf import settings
    from django.db import connection, transaction

    from bench.fastclock import FastClock
    from bench.loader import PostgresLoader, SqliteLoader, schema_fingerprint
    from bench.paths import CaseMaker
    from bench.rows import TABLES, Format, check_columns
    from bench.world import ensure_reference_data, load_world
    from casework.calendar import load_calendar
    from incidents.models import CaseSequence, Incident

    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=out, flush=True))
    vendor = connection.vendor
    if vendor != "postgresql" and args.incidents > SQLITE_LIMIT:
        raise SystemExit(f"{args.incidents} cases need PostgreSQL (DATABASE_URL=postgres://…); SQLite is refused above {SQLITE_LIMIT}.")
    check_columns()
    timings: dict[str, float] = {}
    started = time.monotonic()
    ensure_reference_data()
    timings["reference data"] = time.monotonic() - started
    if Incident.objects.exists() and not args.reset:
        raise SystemExit("The database already holds cases: pass --reset to replace them (timelines and notifications go too).")

    now_dt = parse_now(args.now)
    now = int(now_dt.timestamp())
    cal = load_calendar()
    local_today = now_dt.astimezone(cal.tz).date()
    clock = FastClock(cal, local_today - dt.timedelta(days=round(365.25 * args.years) + 10), local_today + dt.timedelta(days=400))
    world = load_world(args.seed)
    fmt = Format(vendor)
    maker = CaseMaker(world, clock, now, fmt, seed=args.seed, red_after_hours=settings.ESCALATION_RED_AFTER_HOURS)
    maker.setup()
    started = time.monotonic()
    times = reported_times(random.Random(f"times:{args.seed}"), clock, cal, now, args.years, args.incidents)
    timings["report times"] = time.monotonic() - started
    say(f"Generating {args.incidents:,} cases up to {now_dt.isoformat()} (seed {args.seed}, {vendor})")

    simulate = 0.0
    before = schema_fingerprint(TABLES) if vendor == "postgresql" else None
    loader = (PostgresLoader if vendor == "postgresql" else SqliteLoader)(TABLES, out)
    tasks = chunk_tasks(maker, times)
    jobs = max(1, min(args.jobs, len(tasks))) if vendor == "postgresql" else 1
    started_load = time.monotonic()
    with chunk_results(maker, tasks, jobs) as results, transaction.atomic():
        loader.prepare()
        done = 0
        for count, seconds, tables in results:
            simulate += seconds
            for model, rows in zip(TABLES, tables, strict=True):
                loader.copy(model, rows)
            done += count
            if done == args.incidents or done // CHUNK % max(1, args.incidents // CHUNK // 10) == 0:
                say(f"  {done:>10,} cases  {time.monotonic() - started_load:7.1f} s")
        timings[f"simulate (python, {jobs} job{'s' if jobs > 1 else ''})"] = simulate
        timings["copy"] = loader.copy_seconds
        timings["simulate + copy (wall)"] = time.monotonic() - started_load
        t0 = time.monotonic()
        rebuilt = loader.finish()
        timings.update({f"rebuild {k}": v for k, v in rebuilt.items()})
        timings["rebuild"] = time.monotonic() - t0
        for year, last in sorted(final_sequences(maker, times).items()):
            CaseSequence.objects.update_or_create(prefix=world.prefix, year=year, defaults={"last": last})
        t0 = time.monotonic()
    timings["commit"] = time.monotonic() - t0
    timings["load total"] = time.monotonic() - started_load
    if before is not None and schema_fingerprint(TABLES) != before:
        raise SystemExit("The indexes or constraints differ from before the load: this is a bug in bench.loader.")
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    timings["analyze"] = time.monotonic() - t0
    safety = None
    if vendor == "postgresql":  # enterprises, campaigns, inspections, hazards in proportion (bench.safety)
        from bench import safety as safety_rows

        safety = safety_rows.load(world=world, now=now, fmt=fmt, seed=args.seed, incidents=args.incidents, years=args.years,
                                  out=out, say=say)
        timings.update(safety["timings"])
    # the per-day rollups the dashboards and assessment read (set-wise on PostgreSQL)
    from governance.rollups.models import DailyCount
    from governance.rollups.services import rebuild

    t0 = time.monotonic()
    rebuild()
    timings["rollups rebuild"] = time.monotonic() - t0
    say(f"  rollups: {DailyCount.objects.count():,} daily counts in {timings['rollups rebuild']:.1f} s")
    timings["total"] = time.monotonic() - started
    sizes = table_sizes(TABLES)
    result = {
        "incidents": args.incidents, "seed": args.seed, "now": now_dt.isoformat(), "years": args.years, "vendor": vendor,
        "timings": {k: round(v, 2) for k, v in timings.items()}, "tables": sizes, "database_bytes": database_bytes(),
    }
    if safety is not None:
        result["safety"] = {"rows": safety["rows"], "hazard_states": safety["hazard_states"]}
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE \"{connection.settings_dict['NAME']}\" IS %s", ["bench:" + json.dumps(result)])
    say("")
    for name, seconds in timings.items():
        say(f"  {name:<24} {seconds:8.1f} s")
    say("")
    for table, info in sizes.items():
        size = f"{info['bytes'] / 2**20:9.1f} MB" if info["bytes"] is not None else ""
        say(f"  {table:<28} {info['rows']:>12,} rows {size}")
    if result["database_bytes"]:
        say(f"  {'database':<28} {'':>12}      {result['database_bytes'] / 2**20:9.1f} MB")
    return result


def main(argv=None) -> None:
    args = parse_args(argv)
    _setup_django()
    generate(args)


if __name__ == "__main__":
    main()
