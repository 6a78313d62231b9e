"""Smoke tests of the benchmark's data generator (bench.generate) — not timing tests.

The generator needs PostgreSQL (COPY); these tests skip without it. They check that the rows it
writes are what the app's own services would have written: consistent clocks and cards (the
sweep finds nothing to do), unique codes with the sequence counter continued, deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from decimal import Decimal

import pytest
from django.db import connection

from bench.client import summary
from bench.fastclock import FastClock
from bench.generate import generate, parse_args
from casework.calendar import load_calendar
from casework.choices import LimitKind
from incidents.choices import OPEN_STATUSES, STAGE_OF_STATUS, Escalation, EventKind, Status
from incidents.models import CaseSequence, Incident, IncidentEvent, StageDeadline

NOW = "2026-06-10T07:45:00+00:00"


def _generate(n: int = 200, *extra: str) -> dict:
    return generate(parse_args(["--incidents", str(n), "--now", NOW, "--jobs", "1", "--quiet", *extra]), out=io.StringIO())


def _digest() -> str:
    rows = Incident.objects.order_by("pk").values_list("code", "status", "stage", "due_at", "escalation", "category_id", "grid_cell_id")
    events = IncidentEvent.objects.order_by("pk").values_list("incident_id", "kind", "created_at")
    return hashlib.sha256(repr((list(rows), list(events))).encode()).hexdigest()


@pytest.mark.django_db
def test_generates_consistent_cases(postgres):
    result = _generate()
    now = dt.datetime.fromisoformat(NOW)

    assert result["tables"]["incidents_incident"]["rows"] == 200
    assert Incident.objects.count() == 200
    # Every case has its report on the timeline, and a register-stage clock run.
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).values("incident").distinct().count() == 200
    assert StageDeadline.objects.filter(stage="register").values("incident").distinct().count() == 200
    assert 5 <= IncidentEvent.objects.count() / 200 <= 12
    # Case codes continue from the stored counter.
    for sequence in CaseSequence.objects.all():
        assert Incident.objects.filter(code__startswith=f"{sequence.prefix}{sequence.year}").count() == sequence.last
    # A running clock belongs to the stage of the status; stopped ones have no due time.
    for status, stage, due_at, paused in Incident.objects.values_list("status", "stage", "due_at", "paused_remaining"):
        if due_at is not None:
            assert stage == STAGE_OF_STATUS[Status(status)]
        if status not in OPEN_STATUSES:
            assert due_at is None and paused is None
    # Overdue running cases carry their card; closed ones have closed_at.
    assert not Incident.objects.filter(due_at__lte=now - dt.timedelta(minutes=1), escalation__lt=Escalation.YELLOW).exists()
    assert not Incident.objects.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    # The escalation sweep, run as beat would have a minute earlier, finds nothing left to do.
    from incidents.services import escalate_overdue

    assert escalate_overdue(now=now - dt.timedelta(minutes=1)) == {"warning": 0, "yellow": 0, "red": 0}
    # The indexes and constraints were rebuilt (the loader compares them) and are enforced.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'incidents_incident'")
        assert cursor.fetchone()[0] >= 10


@pytest.mark.django_db
def test_same_seed_same_data_and_refuses_to_overwrite(postgres):
    _generate(120)
    first = _digest()
    with pytest.raises(SystemExit, match="--reset"):
        _generate(120)
    _generate(120, "--reset")
    assert _digest() == first
    _generate(120, "--reset", "--seed", "7")
    assert _digest() != first


@pytest.mark.django_db
def test_fast_clock_agrees_with_the_work_calendar(postgres):
    cal = load_calendar()
    clock = FastClock(cal, dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    rng = random.Random(3)
    start = int(dt.datetime(2025, 1, 10, tzinfo=dt.UTC).timestamp())
    limits = [(Decimal("4"), LimitKind.WORKING_HOURS), (Decimal("0.5"), LimitKind.WORKING_HOURS), (Decimal("3"), LimitKind.WORKING_DAYS),
              (Decimal("15"), LimitKind.WORKING_DAYS), (Decimal("2"), LimitKind.URGENT_HOURS), (Decimal("7"), LimitKind.NATURAL_DAYS)]
    for _ in range(300):
        t = start + rng.randrange(500 * 86400)
        moment = dt.datetime.fromtimestamp(t, dt.UTC)
        for amount, kind in limits:
            due = clock.add(t, float(amount), kind)
            assert abs(due - cal.add(moment, amount, kind).timestamp()) <= 1
            warn = clock.warn_at(t, due, kind, 0.8)
            assert abs(warn - cal.warn_at(moment, amount, kind, Decimal("0.8")).timestamp()) <= 1


def test_summary_uses_nearest_rank_p95():
    figures = summary([i / 1000 for i in range(1, 101)])
    assert figures["median_ms"] == 50.5
    assert figures["p95_ms"] == 95.0
    assert figures["max_ms"] == 100.0
