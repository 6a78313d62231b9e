"""`python -m bench.intake_cost`: what one intake request costs, in-process (issue 19).

POST /api/v1/incidents/ through Django's test client with a grid worker's API token (as
bench.phone's phones send it), JSON and multipart with one ~200 KB JPEG alternated, against the
database of DATABASE_URL as it is (e.g. a `bench.generate --incidents 10000` one; the cases filed
stay). DEBUG off, settings as bench.run serves them. Reports per variant the median and p95 wall
time of the request, the CPU time of this process (Django, DRF, Pillow) and of the PostgreSQL
backend serving it (read from /proc), and the statements. `--statements` lists every statement of
one request of each variant with its time; `--profile json|photo` prints cProfile's top functions
(by this process's CPU time) over the timed requests of that variant.

Nothing here asserts a speed: the figures go to docs/performance.md with the load average.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

from bench.run import server_env

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.intake_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per variant (default 300)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per variant first")
    parser.add_argument("--statements", action="store_true", help="list every statement of one request of each variant")
    parser.add_argument("--profile", choices=("json", "photo"), help="cProfile the timed requests of one variant")
    parser.add_argument("--top", type=int, default=40, help="functions shown by --profile")
    parser.add_argument("--variants", default="json,photo", help="comma-separated: json, photo")
    return parser.parse_args(argv)


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class StatementLog:
    """Every statement run inside the block with its time (a connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((time.perf_counter() - started, sql))


@contextmanager
def statements():
    from django.db import connection

    log = StatementLog()
    with connection.execute_wrapper(log):
        yield log


def setup() -> None:
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to file the cases in.")
    env = server_env(database_url)
    env["REDIS_URL"] = os.environ.get("REDIS_URL", env["REDIS_URL"])
    env["VAR_DIR"] = str(ROOT / "var" / "intake-cost")
    os.environ.update(env)
    import django

    django.setup()


def main(argv=None) -> None:
    args = parse_args(argv)
    setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from bench import inprocess
    from bench.phone import photo_jpeg
    from governance.security.devices import issue_token
    from grids.models import User

    person = inprocess.personas(1)["reporters"][0]
    user = User.objects.get(username=person["username"])
    _token, key = issue_token(user=user, device_name="bench intake_cost")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    photo = photo_jpeg()
    variants = [v for v in args.variants.split(",") if v]
    payloads = inprocess.intake_payloads(len(variants) * (args.requests + args.warmup + 1), 2026)
    point = {"latitude": person["latitude"], "longitude": person["longitude"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()

    def post(variant: str, payload: dict):
        body = {**payload, **point}
        if variant == "photo":
            body["photos"] = SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")
            response = client.post("/api/v1/incidents/", body)
        else:
            response = client.post("/api/v1/incidents/", body, content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"{variant}: HTTP {response.status_code} {response.content[:300]!r}")
        return response

    feed = iter(payloads)
    for _ in range(args.warmup):
        for variant in variants:
            post(variant, next(feed))
    if args.statements:
        for variant in variants:
            with statements() as log:
                post(variant, next(feed))
            total = sum(seconds for seconds, _sql in log.rows)
            print(f"\n{variant}: {len(log.rows)} statements, {total * 1000:.2f} ms in the database driver")
            for seconds, sql in log.rows:
                print(f"  {seconds * 1000:7.2f} ms  {' '.join(sql.split())[:150]}")
    figures: dict[str, dict[str, list[float]]] = {v: {"wall": [], "cpu": [], "db_cpu": [], "statements": []} for v in variants}
    # CPU time, not wall time: waiting for PostgreSQL is not this process's cost.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    for _ in range(args.requests):
        for variant in variants:  # alternated, so both see the same load
            payload = next(feed)
            profiling = profiler is not None and variant == args.profile
            with statements() as log:
                db_before, cpu_before, started = _backend_cpu(backend), time.process_time(), time.perf_counter()
                if profiling:
                    profiler.enable()
                post(variant, payload)
                if profiling:
                    profiler.disable()
                wall, cpu, db_cpu = time.perf_counter() - started, time.process_time() - cpu_before, _backend_cpu(backend) - db_before
            row = figures[variant]
            row["wall"].append(wall)
            row["cpu"].append(cpu)
            row["db_cpu"].append(db_cpu)
            row["statements"].append(len(log.rows))
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\nload average before {' '.join(load_before)}, after {' '.join(load_after)}; {args.requests} requests per variant")
    for variant, row in figures.items():
        wall = sorted(row["wall"])
        p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
        counts = sorted(set(row["statements"]))
        print(f"{variant:6} wall median {statistics.median(wall) * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms  "
              f"web CPU median {statistics.median(row['cpu']) * 1000:6.2f} ms  "
              f"PostgreSQL CPU mean {statistics.fmean(row['db_cpu']) * 1000:5.2f} ms  statements {counts}")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()  # the project's own functions (and the view's DRF/Django steps), by cumulative time
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            r"/(incidents|grids|casework|governance)/|rest_framework/(views|request|serializers|fields|parsers|renderers|response)\.py|"
            r"django/(http|core/handlers|middleware|contrib/(sessions|auth|messages))/|axes/|whitenoise/|structlog/", args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
