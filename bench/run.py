"""`python -m bench.run --incidents N`: the benchmark, served the way production serves it.

Uses (and creates) the PostgreSQL database grid_bench_<N> on the server of DATABASE_URL (or
postgres://postgres@127.0.0.1:5432/), migrates it and fills it with bench.generate when it does
not hold N generated cases yet, collects static files, starts gunicorn (DEBUG=0, Redis db 5,
127.0.0.1 on a free port), logs in as the demo personas through the login form and measures,
after a warm-up, the median and p95 latency of the pages people wait on and the intake
throughput at concurrency 8 — twice: as phones file (bench.phone: a token each, a new connection
per report, 30 % with a ~200 KB photo; client-side and gunicorn's own figure) and, for comparison,
as the earlier bench did (kept-alive browser sessions, JSON only); then, with gunicorn stopped, times the escalation sweep with 10,000
cases coming due and the weekly agenda preparation in-process. Prints a table and writes
bench/results/<N>.json. Gunicorn is always stopped, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.client import BenchError, Client, summary
from bench.phone import phone_intake
from bench.report import compare, print_report
from bench.server import ROOT, children, gunicorn, memory, run_manage

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")  # flushed by the dashboard scenario
RESULTS = ROOT / "bench" / "results"
DEMO_PASSWORD = "demo-2026"  # settings.DEMO_PASSWORD; the demo organisation's users


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2: best on 2 cores, docs/performance.md)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread workers)")
    parser.add_argument("--intake", type=int, default=400, help="cases filed through the API (default 400)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--photo-share", type=float, default=0.3, help="share of intake reports with a ~200 KB photo")
    parser.add_argument("--due", type=int, default=10_000, help="cases coming due for the sweep (default 10,000)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if present")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="generator processes")
    parser.add_argument("--only", default="pages,safety,intake,sweep,agenda",
                        help="scenario groups to run (default: all; safety: the hazard list, enterprise and campaign pages)")
    parser.add_argument("--patch", action="append", default=[], choices=["indexes"],
                        help="serve with a proposed change from bench/patches applied (results file gets a suffix)")
    return parser.parse_args(argv)


# --- the database ---------------------------------------------------------------------------------


def database_urls(n: int) -> tuple[str, str, str]:
    """(bench database URL, maintenance database URL, bench database name)."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:port/any (its server is used).")
    name = f"grid_bench_{n}"
    return urlunsplit(parts._replace(path=f"/{name}")), urlunsplit(parts._replace(path="/postgres")), name


def ensure_database(maintenance_url: str, name: str) -> dict | None:
    """Create the database if missing; return the generator's record (COMMENT ON DATABASE), if any."""
    import psycopg2

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_database WHERE datname = %s", [name])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                return None
            cursor.execute("SELECT shobj_description(%s, 'pg_database')", [row[0]])
            comment = cursor.fetchone()[0] or ""
    finally:
        connection.close()
    return json.loads(comment[len("bench:"):]) if comment.startswith("bench:") else None


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "governance.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40, "REDIS_URL": REDIS_URL, "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
        "VAR_DIR": str(ROOT / "var" / "bench"), "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1",
    })
    return env


def prepare(args, env: dict[str, str], maintenance_url: str, name: str) -> dict:
    record = ensure_database(maintenance_url, name)
    print(f"Database {name}: migrating …", flush=True)
    run_manage(env, "migrate", "--noinput")
    if record is None or record.get("incidents") != args.incidents or "safety" not in record or args.regenerate:
        print(f"Generating {args.incidents:,} cases …", flush=True)
        command = [sys.executable, "-m", "bench.generate", "--incidents", str(args.incidents), "--seed", str(args.seed),
                   "--reset", "--jobs", str(args.jobs)]
        if subprocess.run(command, cwd=ROOT, env=env).returncode:
            raise BenchError("bench.generate failed")
        record = ensure_database(maintenance_url, name)
    else:
        print(f"Using the {args.incidents:,} cases generated {record.get('now')} (--regenerate to redo)", flush=True)
    run_manage(env, "collectstatic", "--noinput", "-v0")
    return record or {}


# --- the measurements -----------------------------------------------------------------------------


def timed_pages(client: Client, paths: list[str], *, n: int, warmup: int, marker: bytes, before=None) -> dict:
    """GET paths[i % len(paths)] n times after `warmup` untimed requests; each must answer 200
    with `marker` in the body (an error page must not pass for a fast page)."""
    seconds = []
    for i in range(warmup + n):
        if before:
            before()
        response = client.get(paths[i % len(paths)])
        if response.status != 200 or marker not in response.body:
            raise BenchError(f"{client.username} GET {paths[i % len(paths)]}: HTTP {response.status}, marker {marker!r} missing")
        if i >= warmup:
            seconds.append(response.seconds)
    return summary(seconds)


def intake_keepalive(port: int, reporters: list[dict], payloads: list[dict], concurrency: int) -> dict:
    """The earlier, kinder intake: POST /api/v1/incidents/ from `concurrency` browser sessions at
    once, JSON only, each on one kept-alive connection; cases/s over the timed part (after two
    untimed cases each). Kept beside bench.phone's honest figure to show the difference."""
    clients = []
    for k in range(concurrency):
        person = reporters[k % len(reporters)]
        client = Client("127.0.0.1", port)
        client.login(person["username"], DEMO_PASSWORD)
        clients.append((client, person))
    share = [payloads[k::concurrency] for k in range(concurrency)]
    ready = threading.Barrier(concurrency + 1)
    seconds: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(k: int) -> None:
        client, person = clients[k]
        point = {"latitude": person["latitude"], "longitude": person["longitude"]}
        for payload in share[k][:2]:
            client.post_json("/api/v1/incidents/", {**payload, **point})
        ready.wait()
        mine = []
        for payload in share[k][2:]:
            response = client.post_json("/api/v1/incidents/", {**payload, **point})
            if response.status != 201 or b'"code"' not in response.body:
                with lock:
                    errors.append(f"HTTP {response.status}: {response.body[:200]!r}")
            mine.append(response.seconds)
        with lock:
            seconds.extend(mine)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for client, _person in clients:
        client.close()
    if errors:
        raise BenchError(f"intake: {len(errors)} failed, e.g. {errors[0]}")
    return {"cases": len(seconds), "concurrency": concurrency, "seconds": round(wall, 2),
            "cases_per_s": round(len(seconds) / wall, 1), **summary(seconds)}


def http_scenarios(args, port: int, people: dict, cases: list[int], queries: dict, payloads: list[dict],
                   safety: dict, access_log: Path | None = None, master: int | None = None) -> dict:
    wanted = set(args.only.split(","))
    results = page_scenarios(args, port, cases, people, queries, safety) if wanted & {"pages", "safety"} else {}
    if "intake" in args.only:
        print(f"  intake as phones do it (token, new connection each, {args.photo_share:.0%} with a photo), "
              f"concurrency {args.concurrency} …", flush=True)
        results["intake"] = phone_intake(port, people["reporters"], payloads, args.concurrency, password=DEMO_PASSWORD,
                                         access_log=access_log, photo_share=args.photo_share, seed=args.seed,
                                         master=master)
        print(f"  intake through kept-alive sessions, JSON only (the earlier figure), concurrency {args.concurrency} …",
              flush=True)
        results["intake_keepalive"] = intake_keepalive(port, people["reporters"], payloads, args.concurrency)
    return results


def page_scenarios(args, port: int, cases: list[int], people: dict, queries: dict, safety: dict) -> dict:
    import redis

    cache = redis.Redis.from_url(REDIS_URL)
    street, leader = Client("127.0.0.1", port), Client("127.0.0.1", port)
    street.login(people["street"], DEMO_PASSWORD)
    leader.login(people["leader"], DEMO_PASSWORD)
    n, w = args.requests, args.warmup
    results = {}
    if "pages" in args.only.split(","):
        results.update(case_pages(args, street, leader, cache, cases, queries))
    if "safety" in args.only.split(","):
        from bench import safety_pages

        for page, urls in safety_pages.paths(safety).items():
            print(f"  {page.replace('_', ' ')} …", flush=True)
            for who, client in (("street", street), ("zone", leader)):
                results[f"{page}_{who}"] = timed_pages(client, urls, n=n, warmup=w, marker=safety_pages.MARKERS[page])
    street.close()
    leader.close()
    return results


def case_pages(args, street: Client, leader: Client, cache, cases: list[int], queries: dict) -> dict:
    n, w = args.requests, args.warmup
    results = {}
    print("  street dashboard (cache emptied before each request) …", flush=True)
    results["dashboard"] = timed_pages(street, ["/dashboard/"], n=n, warmup=w, marker=b'data-testid="chart-trend"',
                                       before=cache.flushdb)
    print("  street dashboard (default view, warmed as beat does) …", flush=True)
    from bench import inprocess

    inprocess.warm_dashboards(rounds=1)
    results["dashboard_warm"] = timed_pages(street, ["/dashboard/"], n=n, warmup=w, marker=b'data-testid="chart-trend"')
    print("  zone queue …", flush=True)
    results["zone_queue"] = timed_pages(leader, ["/incidents/"], n=n, warmup=w, marker=b'class="code"')
    results["street_queue"] = timed_pages(street, ["/incidents/"], n=n, warmup=w, marker=b'class="code"')
    print("  case page …", flush=True)
    results["case_page"] = timed_pages(leader, [f"/incidents/{pk}/" for pk in cases], n=n, warmup=w, marker=b"timeline")
    print("  API case list …", flush=True)
    from urllib.parse import urlencode

    results["api_list"] = timed_pages(leader, ["/api/v1/incidents/?" + urlencode(queries["leader"])], n=n, warmup=w,
                                      marker=b'"count"')
    results["api_list_street"] = timed_pages(street, ["/api/v1/incidents/?" + urlencode(queries["street"])], n=n, warmup=w,
                                             marker=b'"count"')
    return results


# The indexes proposed for the dashboard's period bound (docs/performance.md); created for a
# patched run only and always dropped again.
EXTRA_INDEXES = {"bench_incident_registered": "registered_at", "bench_incident_closed": "closed_at"}


@contextlib.contextmanager
def extra_indexes(wanted: bool):
    from django.db import connection

    if not wanted:
        yield
        return
    with connection.cursor() as cursor:
        for name, column in EXTRA_INDEXES.items():
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON incidents_incident ("{column}")')
        cursor.execute("ANALYZE incidents_incident")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in EXTRA_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
            cursor.execute("ANALYZE incidents_incident")
        connection.close()


def run(args) -> dict:
    database_url, maintenance_url, name = database_urls(args.incidents)
    env = server_env(database_url)
    record = prepare(args, env, maintenance_url, name)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from bench import inprocess

    people = inprocess.personas(args.concurrency)
    cases = inprocess.case_sample(people["zone"], max(args.requests + args.warmup, 50), args.seed)
    queries = inprocess.api_queries(people["zone"])
    payloads = inprocess.intake_payloads(args.intake + 2 * args.concurrency, args.seed)
    from bench import safety_pages

    safety = safety_pages.samples(people["zone"], max(args.requests + args.warmup, 20), args.seed)
    safety_queries = safety_pages.query_counts({"street": people["street"], "zone": people["leader"]}, safety)
    print("VACUUM (ANALYZE) of the case tables …", flush=True)
    vacuumed = inprocess.vacuum()
    connection.close()
    load_before = os.getloadavg()
    print(f"Serving with gunicorn ({args.workers} workers{f' × {args.threads} threads' if args.threads > 1 else ''}) …",
          flush=True)
    log = ROOT / "var" / "bench" / f"gunicorn-{args.incidents}.log"
    served = {**env, "BENCH_PATCHES": ",".join(args.patch)}
    access_log = ROOT / "var" / "bench" / f"gunicorn-access-{args.incidents}.log"
    with extra_indexes("indexes" in args.patch), gunicorn(served, workers=args.workers, threads=args.threads, log=log,
                                                          access_log=access_log) as (port, master):
        scenarios = http_scenarios(args, port, people, cases, queries, payloads, safety, access_log, master)
        workers = {pid: memory(pid) for pid in children(master)}
    load_after = os.getloadavg()
    if "sweep" in args.only:
        print(f"  escalation sweep, {args.due:,} cases coming due …", flush=True)
        scenarios["sweep"] = inprocess.sweep(args.due, args.seed)
    if "agenda" in args.only:
        print("  weekly agenda preparation …", flush=True)
        scenarios["agenda"] = inprocess.agenda()
    if "pages" in args.only:
        print("  dashboard warming (beat's work when cases changed) …", flush=True)
        scenarios["dashboard_warming"] = inprocess.warm_dashboards()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    # Files of the app changed but not committed when measured (the tree is shared while it is built).
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True)
    uncommitted = [line[3:] for line in changed.stdout.splitlines() if not line[3:].startswith(("bench/", "docs/"))]
    result = {
        "incidents": args.incidents,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "uncommitted_app_changes": uncommitted,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": pg_version,
                    "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in load_after]},
        "setup": {"only": args.only, "patches": args.patch,
                  "gunicorn_workers": args.workers, "threads": args.threads, "requests": args.requests, "warmup": args.warmup,
                  "personas": {k: people[k] for k in ("street", "leader")}, "api_queries": queries},
        "generated": record,
        "vacuum_seconds": round(vacuumed, 1),
        "data": inprocess.data_size(),
        "safety_data": safety_pages.data_size(),
        "safety_query_counts": safety_queries,
        "scenarios": scenarios,
        "memory_kb": {str(pid): values for pid, values in workers.items()},
    }
    result["targets"] = compare(result, RESULTS / "10000.json")
    return result


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        result = run(args)
    except BenchError as error:
        raise SystemExit(f"benchmark failed: {error}") from None
    RESULTS.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    suffix = "" if only >= {"pages", "safety", "intake", "sweep", "agenda"} else "-safety" if only == {"safety"} else "-partial"
    suffix += "".join(f"-patched-{name}" for name in args.patch)
    path = RESULTS / f"{args.incidents}{suffix}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print_report(result)
    print(f"\nWritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
