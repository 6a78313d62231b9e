"""A real Celery worker, started as a subprocess against Redis and the test database, runs the sweep."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from governance.celery import app
from incidents.choices import Escalation, EventKind, Status
from incidents.models import Incident, IncidentEvent
from incidents.tasks import sweep_deadlines

# The worker is another process: it sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url, postgres, tmp_path):
    """A worker consuming a queue of its own; always stopped, its log shown when a test fails."""
    queue = f"case-tests-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "governance.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1",
    }
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "governance", "worker", "--pool=solo", "--concurrency=1", "-Q", queue, "--loglevel=INFO",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield queue, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_a_real_worker_runs_the_sweep_task(worker, world, make_case):
    queue, process, log = worker
    # Dispatched three days ago: long past its 4-working-hour handle limit, and the red-card delay.
    case = make_case(Status.DISPATCHED, now=timezone.now() - dt.timedelta(days=3))
    assert case.due_at < timezone.now() and case.escalation == Escalation.NONE

    with app.connection_for_write(settings.REDIS_URL) as conn:
        sweep_deadlines.apply_async(queue=queue, connection=conn)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Incident.objects.filter(pk=case.pk, escalation=Escalation.RED).exists():
            break
        assert process.poll() is None, f"the worker died:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.5)
    else:
        pytest.fail(f"no card within 60 s; worker log:\n{log.read_text(errors='replace')[-3000:]}")

    kinds = list(IncidentEvent.objects.filter(incident=case, kind__in=[EventKind.YELLOW_CARD, EventKind.RED_CARD])
                 .order_by("pk").values_list("kind", flat=True))
    assert kinds == [EventKind.YELLOW_CARD, EventKind.RED_CARD]
    assert world.users.zone_leader.notifications.filter(kind=EventKind.YELLOW_CARD).count() == 1
    assert world.users.street.notifications.filter(kind=EventKind.RED_CARD).count() == 1
    assert "incidents.tasks.sweep_deadlines" in log.read_text(errors="replace")
