"""Enqueueing Celery work after the surrounding transaction commits.

A write never fails because the broker is down: the job is sent after commit (so a rolled-back
transaction sends nothing), without Celery's connection retries, and a broker error is logged,
not raised. Everything enqueued this way is also caught up by a periodic sweep.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def _send(task, args: tuple) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises several types when the broker is unreachable
        log.warning("could not enqueue %s%r; the periodic sweep will catch up", task.name, args, exc_info=True)


def enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: _send(task, args), robust=True)
