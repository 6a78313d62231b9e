"""`python -m bench.explain --incidents N [--top 3]`: where the time of each benchmarked page goes.

Renders each page in-process (Django test client, DEBUG off, the same personas and queries as
bench.run) against grid_bench_<N>, records every SQL statement with its time, and prints for the
slowest ones `EXPLAIN (ANALYZE, BUFFERS)`. Also splits the page's wall time into SQL and the
rest (Python: ORM, serializers, templates). Writes bench/results/explain-<N>.txt.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from contextlib import redirect_stdout

from bench.run import RESULTS, database_urls, server_env


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, required=True)
    parser.add_argument("--top", type=int, default=3, help="statements explained per page (slowest first)")
    parser.add_argument("--repeat", type=int, default=5, help="renders per page; the fastest is reported")
    parser.add_argument("--only", help="comma-separated page names")
    return parser.parse_args(argv)


def pages(seed: int = 2026) -> dict:
    from urllib.parse import urlencode

    from bench import inprocess

    people = inprocess.personas(1)
    queries = inprocess.api_queries(people["zone"])
    case = inprocess.case_sample(people["zone"], 1, seed)[0]
    return {
        "dashboard": (people["street"], "/dashboard/", True),
        "zone_queue": (people["leader"], "/incidents/", False),
        "street_queue": (people["street"], "/incidents/", False),
        "case_page": (people["leader"], f"/incidents/{case}/", False),
        "api_list": (people["leader"], "/api/v1/incidents/?" + urlencode(queries["leader"]), False),
        "api_list_street": (people["street"], "/api/v1/incidents/?" + urlencode(queries["street"]), False),
    }


def explain_page(name: str, username: str, path: str, clear_cache: bool, *, top: int, repeat: int) -> None:
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from grids.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    best = None
    for _ in range(repeat):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            wall = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        if best is None or wall < best[0]:
            best = (wall, list(captured.captured_queries))
    wall, queries = best
    sql = sum(float(q["time"]) for q in queries)
    print(f"\n{'=' * 100}\n{name}: GET {path} as {username}")
    print(f"wall {wall * 1000:.1f} ms, {len(queries)} queries, SQL {sql * 1000:.1f} ms (client side), rest {(wall - sql) * 1000:.1f} ms")
    slow = sorted(queries, key=lambda q: -float(q["time"]))[:top]
    # Explain under the settings the page ran its queries with (the dashboard turns JIT off).
    jit_off = any("jit = off" in q["sql"].lower() for q in queries)
    with transaction.atomic(), connection.cursor() as cursor:
        if jit_off:
            cursor.execute("SET LOCAL jit = off")
            print("(the page runs its queries with SET LOCAL jit = off; so does this EXPLAIN)")
        for query in slow:
            text = query["sql"]
            print(f"\n--- {float(query['time']) * 1000:.1f} ms: {text[:600]}{' …' if len(text) > 600 else ''}")
            if not text.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + text)
            for (line,) in cursor.fetchall():
                print("    " + line)


def main(argv=None) -> None:
    args = parse_args(argv)
    database_url, _maintenance, _name = database_urls(args.incidents)
    os.environ.update(server_env(database_url))
    import django

    django.setup()
    chosen = set(args.only.split(",")) if args.only else None
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        for name, (username, path, clear) in pages().items():
            if chosen is None or name in chosen:
                explain_page(name, username, path, clear, top=args.top, repeat=args.repeat)
    text = buffer.getvalue()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"explain-{args.incidents}.txt").write_text(text)


if __name__ == "__main__":
    main()
