"""Bench (issue 13): the scorecard page for three firms over ~250 enterprises and a year of visits,
and at the 1M-case size: 30 firms over 25,000 enterprises.

    DATABASE_URL=… python -m bench.contractors_scorecard [--runs 40] [--size demo|1m] [--json OUT]

Runs against a database loaded with `seed_demo` (its contractors step: 3 firms, 255 enterprises).
It first fills the rest of the contracts' year with finished visits (bulk rows: this is load, not
a demo; a share far, short, surveyed, reviewed), once. `--size 1m` then grows the data, once, to
the 1M-case proportions of bench/safety.py: enterprises cloned from the demo's up to 25,000 (new
fictional credit codes, the template's territory and point; no sectors or flags, which the
scorecard does not read), 27 more firms with one contract each over the year of the demo's
contracts, every enterprise not yet served split among them (4 visits a year), a plan and its
first version each, a year of visits with the demo's flaws (a share far, short, without a
position, surveyed, reviewed) and, on about a quarter of the visits, a hazard found (cloned from
a demo hazard found by a contractor; closed, rectifying or void by age; 1 in 25 major, reported
in time or late). All through bulk inserts. It then opens each contract's scorecard for each of
its quarters in-process with Django's test client as the street office (only the 30-firm
contracts with `--size 1m`), and prints the median, p95 and the query count.
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
    rows = list(Visit.objects.filter(status="planned").exclude(contract__number__startswith="BENCH-"))
    for n, v in enumerate(rows):
        start = dt.datetime.combine(v.planned_on + dt.timedelta(days=rng.randint(0, 9)), dt.time(9 + n % 7), tzinfo=tz)
        v.status, v.started_at, v.ended_at = "done", start, start + dt.timedelta(minutes=rng.choice([15, 45, 60, 90]))
        v.short, v.far = (v.ended_at - start).total_seconds() < 1800, n % 31 == 0
        v.survey_score = rng.choice([None, 3, 4, 5])
        v.report_review = rng.choice(["", "passed", "passed", "failed"])
    Visit.objects.bulk_update(rows, ["status", "started_at", "ended_at", "short", "far", "survey_score", "report_review"],
                              batch_size=500)
    return len(rows)


ENTERPRISES_1M, FIRMS_1M = 25_000, 30
BATCH = 5000


def _flaws(rng: random.Random, visit, start: dt.datetime, n: int) -> None:
    visit.status, visit.started_at = "done", start
    visit.ended_at = start + dt.timedelta(minutes=rng.choice([15, 45, 60, 90]))
    visit.short, visit.far, visit.no_position = (visit.ended_at - start).total_seconds() < 1800, n % 31 == 0, n % 97 == 0
    visit.distance_m = 900 if visit.far else rng.randint(5, 250)
    visit.survey_score = rng.choice([None, 3, 4, 5])
    visit.report_review = rng.choice(["", "passed", "passed", "failed"])


def grow_to_1m() -> dict:
    """The 1M-case proportions, once (a second run finds 30 firms and adds nothing)."""
    from django.db import transaction
    from django.utils import timezone

    from contractors.models import Contract, ContractEnterprise, PlanVersion, ServiceFirm, ServicePlan, Visit
    from contractors.services.plans import default_dates
    from grids.models import User
    from inspections.creditcode import fictional_code
    from inspections.models import Enterprise
    from inspections.services.enterprises import identity_key

    have = ServiceFirm.objects.count()
    if have >= FIRMS_1M:
        return {}
    rng = random.Random(2026)
    street = User.objects.filter(role="street").order_by("pk").first()
    template_contract = Contract.objects.order_by("pk").first()
    now = timezone.now()
    with transaction.atomic():
        templates = list(Enterprise.objects.order_by("pk"))
        clones = []
        for i in range(ENTERPRISES_1M - len(templates)):
            e = _copy(templates[i % len(templates)])
            e.pk, e.id = None, None
            e.name = f"{e.name[:150]}·B{i:05d}"
            e.credit_code = fictional_code(71_000_000 + i)
            e.name_key = identity_key(e.name)
            clones.append(e)
        Enterprise.objects.bulk_create(clones, batch_size=BATCH)
        firms = ServiceFirm.objects.bulk_create(
            [ServiceFirm(name=f"第{n:02d}安全技术服务有限公司", credit_code=fictional_code(92_000_000 + n))
             for n in range(have + 1, FIRMS_1M + 1)])
        contracts = Contract.objects.bulk_create([
            Contract(firm=f, number=f"BENCH-{f.pk}", title=f"{f.name}安全技术服务", amount=rng.choice([310_000, 340_000, 365_000]),
                     starts_on=template_contract.starts_on, ends_on=template_contract.ends_on) for f in firms])
        served = ContractEnterprise.objects.values("enterprise_id")
        free = list(Enterprise.objects.exclude(pk__in=served).order_by("pk").values_list("pk", flat=True))
        scope = [ContractEnterprise(contract=contracts[n % len(contracts)], enterprise_id=pk, visits_per_year=4)
                 for n, pk in enumerate(free)]
        ContractEnterprise.objects.bulk_create(scope, batch_size=BATCH)
        plans = ServicePlan.objects.bulk_create([ServicePlan(contract=row.contract, enterprise_id=row.enterprise_id)
                                                 for row in scope], batch_size=BATCH)
        dates = {c.pk: [default_dates(c, 4, offset_days=k) for k in range(91)] for c in contracts}
        versions = PlanVersion.objects.bulk_create([
            PlanVersion(plan=p, number=1, created_by=street, created_at=now, risks="燃气、消防通道",
                        visit_dates=[d.isoformat() for d in dates[p.contract_id][p.enterprise_id % 91]]) for p in plans],
            batch_size=BATCH)
        for p, v in zip(plans, versions, strict=True):
            p.current = v
        ServicePlan.objects.bulk_update(plans, ["current"], batch_size=BATCH)
        visits = [Visit(plan=p, contract_id=p.contract_id, firm_id=p.contract.firm_id, enterprise_id=p.enterprise_id,
                        planned_on=day, status="planned")
                  for p in plans for day in dates[p.contract_id][p.enterprise_id % 91]]
        Visit.objects.bulk_create(visits, batch_size=BATCH)
    return {"enterprises": len(clones), "firms": len(firms), "plans": len(plans), "visits": len(visits)}


def complete_bench_visits() -> dict:
    """The 30 firms' year of visits, done (as fill_year does for the demo's), with their flaws, and
    on about a quarter of them a hazard found; once (a second run finds no planned visit)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from contractors.models import Finding, Visit
    from inspections.models import Enterprise, Hazard

    rng = random.Random(13_2026)
    now = timezone.now()
    with transaction.atomic():
        planned = Visit.objects.filter(status="planned", contract__number__startswith="BENCH-")
        ids = list(planned.values_list("pk", flat=True))
        # one set-based UPDATE (bulk_update's CASE over 75k rows takes many minutes): the flaws of
        # _flaws, drawn from the row's id instead of a random stream
        with connection.cursor() as cursor:
            cursor.execute("""
                UPDATE contractors_visit SET status = 'done',
                  started_at = (planned_on + (id %% 10)::int) + (1 + id %% 7) * interval '1 hour',
                  ended_at = (planned_on + (id %% 10)::int) + (1 + id %% 7) * interval '1 hour'
                             + (ARRAY[15, 45, 60, 90])[1 + (id * 7) %% 4] * interval '1 minute',
                  short = (ARRAY[15, 45, 60, 90])[1 + (id * 7) %% 4] < 30, far = id %% 31 = 0, no_position = id %% 97 = 0,
                  distance_m = CASE WHEN id %% 31 = 0 THEN 900 ELSE 5 + id %% 245 END,
                  survey_score = (ARRAY[NULL, 3, 4, 5])[1 + (id * 3) %% 4],
                  report_review = (ARRAY['', 'passed', 'passed', 'failed'])[1 + (id * 5) %% 4]
                WHERE id = ANY(%s)""", [ids])
        visits = list(Visit.objects.filter(pk__in=ids).order_by("pk"))
        found = [v for v in visits if rng.random() < 0.24]
        seed = Hazard.objects.filter(finding__isnull=False).exclude(code__startswith="YH-B-").order_by("pk").first()
        first = Hazard.objects.filter(code__startswith="YH-B-").count()
        by_pk = {e.pk: e for e in Enterprise.objects.filter(pk__in={v.enterprise_id for v in found})}
        hazards = []
        for n, v in enumerate(found):
            h = _copy(seed)
            e = by_pk[v.enterprise_id]
            h.pk, h.id, h.code = None, None, f"YH-B-{first + n:07d}"
            h.enterprise_id, h.zone_id, h.community_id, h.grid_cell_id = e.pk, e.zone_id, e.community_id, e.grid_cell_id
            h.recorded_at = v.started_at + dt.timedelta(minutes=10)
            r = rng.random()
            age = (now - h.recorded_at).days
            h.status = "void" if r < 0.05 else "closed" if r < 0.05 + min(0.9, max(0, age) / 60) else "rectifying"
            h.closed_at = h.recorded_at + dt.timedelta(days=rng.randint(1, 30)) if h.status == "closed" else None
            hazards.append(h)
        Hazard.objects.bulk_create(hazards, batch_size=BATCH)
        findings = []
        for v, h in zip(found, hazards, strict=True):
            major = rng.random() < 0.04
            due = h.recorded_at + dt.timedelta(hours=2) if major else None
            late = major and rng.random() < 0.2
            findings.append(Finding(visit=v, firm_id=v.firm_id, contract_id=v.contract_id, hazard=h, major=major,
                                    found_at=h.recorded_at, report_due_at=due, late=late,
                                    reported_at=(due + dt.timedelta(hours=1) if late else due - dt.timedelta(minutes=70))
                                    if major else None))
        Finding.objects.bulk_create(findings, batch_size=BATCH)
    return {"visits done": len(visits), "hazards": len(hazards)}


def _copy(hazard):
    from copy import copy

    return copy(hazard)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--size", choices=["demo", "1m"], default="demo")
    parser.add_argument("--json", help="write the figures to this file")
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
    filled = fill_year()
    begun = time.perf_counter()
    grown = {**grow_to_1m(), **complete_bench_visits()} if args.size == "1m" else {}
    grow_s = time.perf_counter() - begun
    client = Client()
    client.force_login(User.objects.filter(role="street").order_by("pk").first())
    urls = []
    contracts = Contract.objects.order_by("pk")
    if args.size == "demo":
        contracts = contracts.exclude(number__startswith="BENCH-")
    for contract in contracts:
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
    if grown:
        print(f"grown to the 1M size in {grow_s:.0f} s: {grown}")
    if args.json:
        import json

        from contractors.models import ServiceFirm
        from inspections.models import Enterprise

        figures = {"size": args.size, "runs": len(times), "pages": len(urls), "median_ms": round(statistics.median(times), 1),
                   "p95_ms": round(p95, 1), "queries": sorted(queries), "load_average": [round(x, 2) for x in os.getloadavg()],
                   "enterprises": Enterprise.objects.count(), "firms": ServiceFirm.objects.count(),
                   "contracts": len(contracts), "visits": Visit.objects.count(), "grown": grown}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
