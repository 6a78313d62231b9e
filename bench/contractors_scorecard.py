"""Bench (issue 13): the scorecard page for three firms over ~250 enterprises and a year of visits.

    DATABASE_URL=… python -m bench.contractors_scorecard [--runs 40]

Runs against a database loaded with `seed_demo` (its contractors step: 3 firms, 255 enterprises).
It first fills the rest of the contracts' year with finished visits (bulk rows: this is load, not
a demo; a share far, short, surveyed, reviewed), once, then opens each contract's scorecard for
each of its quarters in-process with Django's test client as the street office, and prints the
median, p95 and the query count. Nothing else is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time

import django


def fill_year() -> int:
    from django.utils import timezone

    from contractors.models import Visit

    rng = random.Random(13)
    tz = timezone.get_current_timezone()
    rows = list(Visit.objects.filter(status="planned"))
    for n, v in enumerate(rows):
        start = dt.datetime.combine(v.planned_on + dt.timedelta(days=rng.randint(0, 9)), dt.time(9 + n % 7), tzinfo=tz)
        v.status, v.started_at, v.ended_at = "done", start, start + dt.timedelta(minutes=rng.choice([15, 45, 60, 90]))
        v.short, v.far = (v.ended_at - start).total_seconds() < 1800, n % 31 == 0
        v.survey_score = rng.choice([None, 3, 4, 5])
        v.report_review = rng.choice(["", "passed", "passed", "failed"])
    Visit.objects.bulk_update(rows, ["status", "started_at", "ended_at", "short", "far", "survey_score", "report_review"],
                              batch_size=500)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contractors.models import Contract, Visit
    from contractors.selectors.scorecard import Period
    from grids.models import User

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    filled = fill_year() if Visit.objects.filter(status="planned").exists() else 0
    client = Client()
    client.force_login(User.objects.filter(role="street").order_by("pk").first())
    urls = []
    for contract in Contract.objects.order_by("pk"):
        period = Period.quarter_of(contract.starts_on)
        while period.start <= contract.ends_on:
            urls.append(f"/contractors/contracts/{contract.pk}/scorecard/?period={period.label}")
            period = period.next()
    for url in urls:
        assert client.get(url).status_code == 200
    times, queries = [], set()
    for run in range(args.runs):
        url = urls[run % len(urls)]
        with CaptureQueriesContext(connection) as ctx:
            begun = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200
        queries.add(len(ctx.captured_queries))
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"visits filled: {filled}; visits: {Visit.objects.count()} ({Visit.objects.filter(status='done').count()} done); "
          f"contracts: {Contract.objects.count()}; pages: {len(urls)}; runs: {len(times)}")
    print(f"scorecard page: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, queries {sorted(queries)}")


if __name__ == "__main__":
    main()
