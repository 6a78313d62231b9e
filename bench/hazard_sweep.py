"""The hazard ladder's sweep with N hazards coming due at once (issue 12: ≤ 3 s for 10,000).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.hazard_sweep --hazards 10000

Uses the database of DATABASE_URL (migrated; the demo organisation is seeded if missing). Makes
`--hazards` rectifying hazards (one enterprise per grid cell, written in bulk, a tenth of them
major) unless that many exist, then, `--rounds` times, sets every one due a minute ago (committed,
then VACUUM FULL: the table compact, as freshly loaded) and times `escalate_overdue_hazards()` in a
transaction rolled back at the end: yellow cards for all,
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
    escalate_overdue_hazards(now=now - dt.timedelta(days=3650))  # warms the code paths (a beat worker is long-running)
    load_before = os.getloadavg()
    table = connection.ops.quote_name(Hazard._meta.db_table)
    for _round in range(args.rounds):
        # The deadlines are set (and committed) before the sweep, as in life, and the table is then
        # rewritten compactly (to its fillfactor), as a freshly loaded one is: the sweep's UPDATE
        # finds no free space left behind by earlier rounds.
        due = now - dt.timedelta(minutes=1)
        with transaction.atomic():
            # the bench's other hazards (left due by a run with a larger --hazards) back to not due
            Hazard.objects.filter(code__startswith="BH-", due_at__lte=now).exclude(pk__in=ids).update(
                due_at=now + dt.timedelta(days=30), warn_at=now + dt.timedelta(days=29), escalation=Escalation.NONE,
                missed_deadlines=0, red_at=now + dt.timedelta(days=37))
            Hazard.objects.filter(pk__in=ids).update(due_at=due, warn_at=due - dt.timedelta(hours=8), escalation=Escalation.NONE,
                                                     missed_deadlines=0, red_at=due + dt.timedelta(days=7))
            Hazard.objects.filter(pk__in=ids, level=HazardLevel.MAJOR).update(red_at=due)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        with transaction.atomic():
            started = time.perf_counter()
            moved = escalate_overdue_hazards(now=now)
            seconds.append(time.perf_counter() - started)
            events = HazardEvent.objects.filter(hazard_id__in=ids, created_at=now).count()
            transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Hazard._meta.db_table])
        options = cursor.fetchone()[0] or []
    result = {"hazards_due": len(ids), "seconds": round(statistics.median(seconds), 3), "runs": [round(s, 3) for s in seconds],
              "moved": moved, "events": events, "table_options": options,
              "load_before": load_before, "load": os.getloadavg()}
    print(json.dumps(result, ensure_ascii=False))
    out = Path(__file__).parent / "results" / f"hazard-sweep-{args.hazards}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
