"""A hand-built set of hazards for the hazard measures: each row set directly (not through the
loop's services) so that every edge of every definition is present once — closed just before
the period, voided, confirmed after it, a first recheck failed in it or before it, a repeat and
an almost-repeat, overdue now, 挂牌督办 closed and open, an on-the-spot closure without a notice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from governance.dashboard.selectors import Period
from inspections.models import Hazard, Recheck, RectificationNotice

PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
TZ = dt.timezone(dt.timedelta(hours=8))


def at(month: int, day: int, year: int = 2026, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def build(world, enterprises, item) -> SimpleNamespace:
    """The data set; returns the hazards by name."""
    users = world.users
    made: dict[str, Hazard] = {}
    counter = [0]

    def notice(ent, issued):
        counter[0] += 1
        return RectificationNotice.objects.create(
            number=f"ZG-T-{counter[0]:04d}", enterprise=ent, issuer=users.safety, issued_at=issued, mode="deadline",
            working_days=5, due_at=issued + dt.timedelta(days=7), responsible_person="张经理", measures="整改",
            funds=Decimal("100.00"), time_limit="5日", emergency_plan="预案")

    def hazard(name, cell="a1x", *, status="closed", recorded=None, confirmed=None, issued=None, **fields):
        ent = enterprises[cell]
        recorded = recorded or (confirmed - dt.timedelta(hours=2) if confirmed else at(9, 1))
        row = Hazard.objects.create(
            code=f"T-{name}", status=status, enterprise=ent, grid_cell=ent.grid_cell, community=ent.community, zone=ent.zone,
            reporter=users.safety, recorded_at=recorded, confirmed_at=confirmed, description=f"测试隐患{name}",
            level=fields.pop("level", "general") if confirmed else "", notice=notice(ent, issued) if issued else None,
            **{"mode": "deadline" if issued else "", **fields})
        made[name] = row
        return row

    def recheck(h, decided, result):
        Recheck.objects.create(hazard=h, submitted_by=users.worker, submitted_at=decided - dt.timedelta(days=1),
                               due_at=decided + dt.timedelta(days=3), result=result, decided_at=decided, decided_by=users.safety)

    now = timezone.now()
    hazard("closed_on_time", confirmed=at(9, 10), issued=at(9, 11), first_due_at=at(10, 8), closed_at=at(10, 5),
           completed_at=at(10, 4), closed_on_time=True)
    hazard("closed_before", confirmed=at(9, 1), issued=at(9, 2), first_due_at=at(9, 15), closed_at=at(9, 20),
           closed_on_time=False)
    hazard("overdue_major", "a1y", status="rectifying", confirmed=at(10, 3), issued=at(10, 3), level="major",
           first_due_at=at(10, 20), due_at=now - dt.timedelta(days=2), stage="rectify", supervised_at=at(10, 25))
    hazard("voided", status="void", confirmed=at(10, 10), first_due_at=at(10, 15))
    hazard("confirmed_after", "a2x", status="confirmed", confirmed=at(11, 5))
    hazard("supervised_closed", "a2x", confirmed=at(8, 1), issued=at(8, 2), level="major", supervised_at=at(9, 1),
           first_due_at=at(9, 1), closed_at=at(10, 20), closed_on_time=False)
    hazard("on_the_spot", "b1x", confirmed=at(10, 2), closed_at=at(10, 2, hour=11), mode="immediate", closed_on_time=True)
    failed_first = hazard("failed_first", confirmed=at(9, 20), issued=at(9, 21), closed_at=at(10, 15), recheck_failures=1,
                          closed_on_time=False)
    recheck(failed_first, at(10, 10), "failed")
    recheck(failed_first, at(10, 15), "passed")
    passed_first = hazard("passed_first", "b1x", confirmed=at(10, 1), issued=at(10, 1), closed_at=at(10, 12),
                          first_due_at=at(10, 9), closed_on_time=False)
    recheck(passed_first, at(10, 12), "passed")
    earlier = hazard("recheck_before", confirmed=at(9, 1), issued=at(9, 2), closed_at=at(10, 5), recheck_failures=1)
    recheck(earlier, at(9, 25), "failed")
    recheck(earlier, at(10, 5), "passed")
    # repeats: the same enterprise and item as a hazard closed in the 12 months before
    hazard("repeat_source", confirmed=at(5, 2), recorded=at(5, 1), closed_at=at(6, 1), item=item)
    hazard("repeat", status="confirmed", confirmed=at(10, 8, hour=12), recorded=at(10, 8), item=item)
    hazard("other_enterprise", "b1x", status="confirmed", confirmed=at(10, 9, hour=12), recorded=at(10, 9), item=item)
    hazard("old_source", "a1y", confirmed=at(5, 2, 2025), recorded=at(5, 1, 2025), closed_at=at(6, 1, 2025), item=item)
    hazard("too_old", "a1y", status="confirmed", confirmed=at(10, 9, hour=12), recorded=at(10, 9), item=item)
    hazard("unconfirmed", status="recorded", recorded=at(10, 9))
    return SimpleNamespace(**made)
