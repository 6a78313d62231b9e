"""The dashboards for any period, in-process: `dashboard_numbers` (what the page, API and export
compute when no cached entry exists) and the hazard section (`hazard_section`, issue 12's measures)
for different past 30-day periods, on the database of DATABASE_URL (filled by bench.generate,
rollups rebuilt). Nothing is cached between requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grid_bench_1000000 .venv/bin/python -m bench.dashboard_periods

Prints (and with --out writes) median/p95 per persona with the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_periods")
    parser.add_argument("--periods", type=int, default=20, help="different 30-day periods (default 20)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from governance.dashboard.hazards import hazard_section
    from governance.dashboard.numbers import dashboard_numbers
    from governance.dashboard.selectors import Period, Scope
    from grids.choices import Role
    from grids.models import User
    from incidents.models import Incident

    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("username").first()
    leader = User.objects.filter(role=Role.ZONE_LEADER, is_active=True, zone__isnull=False).order_by("zone__number").first()
    today = timezone.localdate()
    periods = [Period(today - dt.timedelta(days=30 * k + 40), today - dt.timedelta(days=30 * k + 11)) for k in range(args.periods)]
    result: dict = {"cases": Incident.objects.count(), "periods": len(periods), "load_before": os.getloadavg()[0]}
    runs = [(name, user, scope, compute)
            for compute in (dashboard_numbers, hazard_section)
            for name, user, scope in (("street", street, Scope()), ("zone", leader, Scope(leader.zone)))]
    for name, user, scope, compute in runs:
        if compute is hazard_section:
            name = f"{name}_hazards"
        compute(user, scope, periods[0])  # warm the process (imports, plans)
        times = []
        for period in periods:
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                compute(user, scope, period)
                times.append((time.perf_counter() - t0) * 1000)
        result[name] = {"median_ms": round(statistics.median(times), 1), "p95_ms": _p95(times), "max_ms": round(max(times), 1),
                        "queries": len(queries)}
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
