"""Assessment benchmark: compute one month's scores for every subject (all four subject types),
and time the published ranking read, on the database of DATABASE_URL (filled by bench.generate).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python -m bench.assessment --month 2026-10

Reports wall time of `compute_provisional` (gather counts + case ids, score, write the sheets),
its query count, the time per subject type, and the p50/p95 of the ranking query and page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.assessment")
    parser.add_argument("--month", default="2026-10", help="YYYY-MM")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--counted", action="store_true",
                        help="count every measure from the cases, not the per-day rollups (the figure before them)")
    parser.add_argument("--out", help="write the JSON result to this file too")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from governance.assessment import compute, selectors, services
    from governance.assessment.choices import SubjectType
    from governance.assessment.models import Period, ScoreSheet
    from governance.assessment.sources import CaseSource
    from grids.models import User
    from incidents.models import Incident

    if args.counted:
        CaseSource.counts = CaseSource.counted

    year, month = map(int, args.month.split("-"))
    start, end = services.bounds("month", dt.date(year, month, 1))
    period, _created = Period.objects.get_or_create(kind="month", start=start, defaults={"end": end})
    if period.is_published:
        sys.exit("the period is published; choose another month")
    result: dict = {"cases": Incident.objects.count(), "month": args.month, "load_before": os.getloadavg()[0],
                    "counts_from": "cases" if args.counted else "rollups"}
    for subject_type in SubjectType.values:
        t0 = time.perf_counter()
        sheets = compute.compute(period, subject_type)
        result[f"compute_{subject_type}_s"] = round(time.perf_counter() - t0, 3)
        result[f"subjects_{subject_type}"] = len(sheets)
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        written = services.compute_provisional(period.pk)
        result["compute_provisional_s"] = round(time.perf_counter() - t0, 3)
    result["compute_provisional_queries"] = len(queries)
    result["sheets"] = written
    street = User.objects.filter(role="street").first()
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        list(selectors.ranking(street, period, SubjectType.GRID_WORKER))
        timings.append((time.perf_counter() - t0) * 1000)
    result["ranking_query_ms_p50"] = round(statistics.median(timings), 2)
    result["ranking_query_ms_p95"] = round(sorted(timings)[int(0.95 * len(timings)) - 1], 2)
    client = Client()
    client.force_login(street)
    url = f"/assessment/?period={period.pk}&type=grid_worker"
    client.get(url)
    pages = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        pages.append((time.perf_counter() - t0) * 1000)
    result["ranking_page_ms_p50"] = round(statistics.median(pages), 2)
    result["ranking_page_ms_p95"] = round(sorted(pages)[int(0.95 * len(pages)) - 1], 2)
    sizes = [len(json.dumps(s.lines)) for s in ScoreSheet.objects.filter(period=period).only("lines")]
    result["largest_lines_bytes"] = max(sizes, default=0)
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
