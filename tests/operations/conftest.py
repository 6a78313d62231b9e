"""Fixtures of the operations tests: a heartbeat that is fresh for every beat entry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from governance.operations.models import BEAT_STARTED, Heartbeat


def beat_all(at=None) -> None:
    """Every entry (and beat itself) ran at `at` (now by default)."""
    at = at or timezone.now()
    Heartbeat.objects.update_or_create(name=BEAT_STARTED, defaults={"last_started_at": at})
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        Heartbeat.objects.update_or_create(name=name, defaults={"task": entry["task"], "last_started_at": at,
                                                                "last_finished_at": at, "last_outcome": "success"})


@pytest.fixture
def fresh_heartbeat(db):
    beat_all()
