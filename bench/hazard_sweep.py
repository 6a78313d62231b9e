"""The hazard ladder's sweep with N hazards coming due at once (issue 12: ≤ 3 s for 10,000).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.hazard_sweep --hazards 10000

Uses the database of DATABASE_URL (migrated; the demo organisation is seeded if missing). Makes
`--hazards` rectifying hazards (one enterprise per grid cell, written in bulk, a tenth of them
major) unless that many exist, then, `--rounds` times in a transaction rolled back at the end,
sets every one due a minute ago and times `escalate_overdue_hazards()`: yellow cards for all,
red cards and supervision letters for the majors at once. Prints the median and writes
bench/results/hazard-sweep-<N>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from casework.choices import Escalation
    from grids.demo import seed_organisation
    from grids.models import GridCell, User
    from inspections.choices import HazardLevel, HazardStatus
    from inspections.creditcode import fictional_code
    from inspections.models import Enterprise, Hazard, HazardEvent
    from inspections.services import escalate_overdue_hazards

    if not GridCell.objects.exists():
        seed_organisation()
    cells = list(GridCell.objects.select_related("community").order_by("pk"))
    reporter = User.objects.filter(is_active=True).order_by("pk").first()
    enterprises = {e.grid_cell_id: e for e in Enterprise.objects.filter(name__startswith="基准企业")}
    missing = [c for c in cells if c.pk not in enterprises]
    Enterprise.objects.bulk_create(
        Enterprise(credit_code=fictional_code(900000 + c.pk), name=f"基准企业{c.pk}", address="基准路", grid_cell=c,
                   community_id=c.community_id, zone_id=c.community.zone_id) for c in missing)
    enterprises = {e.grid_cell_id: e for e in Enterprise.objects.filter(name__startswith="基准企业")}
    now = timezone.now()
    have = Hazard.objects.filter(code__startswith="BH-").count()
    rows = [Hazard(code=f"BH-{n:07d}", status=HazardStatus.RECTIFYING, enterprise=enterprises[cell.pk], grid_cell=cell,
                   community_id=cell.community_id, zone_id=cell.community.zone_id, reporter=reporter, recorded_at=now,
                   description="基准隐患", level=HazardLevel.MAJOR if n % 10 == 0 else HazardLevel.GENERAL, stage="rectify",
                   due_at=now + dt.timedelta(days=30))
            for n in range(have, args.hazards) for cell in [cells[n % len(cells)]]]
    Hazard.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM (ANALYZE) "{Hazard._meta.db_table}"')
    ids = list(Hazard.objects.filter(code__startswith="BH-").order_by("pk").values_list("pk", flat=True)[: args.hazards])
    seconds, moved = [], None
    for _round in range(args.rounds):
        with transaction.atomic():
            due = now - dt.timedelta(minutes=1)
            Hazard.objects.filter(pk__in=ids).update(due_at=due, warn_at=due - dt.timedelta(hours=8), escalation=Escalation.NONE,
                                                     missed_deadlines=0, red_at=due + dt.timedelta(days=7))
            Hazard.objects.filter(pk__in=ids, level=HazardLevel.MAJOR).update(red_at=due)
            started = time.perf_counter()
            moved = escalate_overdue_hazards(now=now)
            seconds.append(time.perf_counter() - started)
            events = HazardEvent.objects.filter(hazard_id__in=ids, created_at=now).count()
            transaction.set_rollback(True)
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM (ANALYZE) "{Hazard._meta.db_table}"')
    result = {"hazards_due": len(ids), "seconds": round(statistics.median(seconds), 3), "runs": [round(s, 3) for s in seconds],
              "moved": moved, "events": events, "load": os.getloadavg()}
    print(json.dumps(result, ensure_ascii=False))
    out = Path(__file__).parent / "results" / f"hazard-sweep-{args.hazards}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
