"""A hand-built October 2026 for the assessment tests: rows written directly (the reads only
care about the columns), with every figure worked out by hand in the tests.

Zone A, cell a1x (the world's `worker`; community a1, population 5000):
  W1 patrol report, registered, urban, closed 8 Oct; handle and check on time.
  W2 patrol report, rejected.
  W3 patrol report, registered, urban, closed 12 Oct after one rework; handle late, check on time.
  V1 patrol report, registered, then voided.
  P1 reported by staff (public), registered on time, safety, still dispatched; a red card on 15 Oct.
  P2 reported by the API (public), registered late, safety, closed 20 Oct; handle on time, check late.
Zone B, cell b1x (`worker_b`):
  B1 patrol report, registered, urban, closed 4 Oct; everything on time.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from casework.choices import LimitKind
from governance.rollups.services import rebuild
from incidents.choices import EventKind, Source, Stage, Status
from incidents.models import IncidentEvent, StageDeadline
from tests.incidents import factories as cf


def oct_(day: int, hh: int = 10) -> dt.datetime:
    return cf.local(2026, 10, day, hh)


def _run(case, stage: str, start: dt.datetime, on_time: bool) -> None:
    due = start + dt.timedelta(days=1)
    StageDeadline.objects.create(incident=case, stage=stage, limit_amount=1, limit_kind=LimitKind.NATURAL_DAYS,
                                 started_at=start, due_at=due, finished_at=due + dt.timedelta(hours=-1 if on_time else 5),
                                 on_time=on_time)


def build(world, cats) -> SimpleNamespace:
    world.community_a1.population = 5000
    world.community_a1.save(update_fields=["population"])
    u = world.users
    c = SimpleNamespace()

    def case(cell, reporter, day, status, *, source=Source.GRID_WORKER, registered=None, closed=None, department=None, **kw):
        return cf.IncidentFactory(
            grid_cell=cell, reporter=reporter, reported_at=oct_(day), status=status, source=source,
            registered_at=registered, closed_at=closed, department=department, category=cats.gas, **kw)

    a1x, b1x = world.cell_a1x, world.cell_b1x
    c.W1 = case(a1x, u.worker, 5, Status.CLOSED, registered=oct_(5, 11), closed=oct_(8), department=world.urban)
    _run(c.W1, Stage.HANDLE, oct_(5, 12), True)
    _run(c.W1, Stage.VERIFY, oct_(7), True)
    c.W2 = case(a1x, u.worker, 6, Status.REJECTED)
    c.W3 = case(a1x, u.worker, 7, Status.CLOSED, registered=oct_(7, 11), closed=oct_(12), department=world.urban,
                rework_count=1)
    _run(c.W3, Stage.HANDLE, oct_(7, 12), False)
    _run(c.W3, Stage.VERIFY, oct_(11), True)
    c.V1 = case(a1x, u.worker, 11, Status.VOID, registered=oct_(11, 11))
    c.P1 = case(a1x, u.street, 9, Status.DISPATCHED, source=Source.STAFF, registered=oct_(9, 11), department=world.safety)
    _run(c.P1, Stage.REGISTER, oct_(9), True)
    IncidentEvent.objects.create(incident=c.P1, kind=EventKind.RED_CARD, created_at=oct_(15))
    c.P2 = case(a1x, u.street, 10, Status.CLOSED, source=Source.API, registered=oct_(10, 11), closed=oct_(20),
                department=world.safety)
    _run(c.P2, Stage.REGISTER, oct_(10), False)
    _run(c.P2, Stage.HANDLE, oct_(12), True)
    _run(c.P2, Stage.VERIFY, oct_(18), False)
    c.B1 = case(b1x, u.worker_b, 3, Status.CLOSED, registered=oct_(3, 11), closed=oct_(4), department=world.urban)
    _run(c.B1, Stage.HANDLE, oct_(3, 12), True)
    _run(c.B1, Stage.VERIFY, oct_(4, 8), True)
    rebuild("incidents")  # rows written directly, as a load: the per-day rollups recounted
    return c
