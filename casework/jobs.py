"""Enqueueing Celery work after the surrounding transaction commits.

A write never fails because the broker is down: the job is sent after commit (so a rolled-back
transaction sends nothing), without Celery's connection retries, and a broker error is logged,
not raised. So enqueue this way only work that is also recorded in the database and picked up by
a periodic sweep when the message is lost: the notification deliveries (`Delivery` rows, re-sent
by the beat task grids.tasks.resend_due_notifications) and the photos to re-encode (`processed`
False, caught up by casework.tasks.process_pending_photos).
"""

from __future__ import annotations

import logging
import reprlib

from django.db import transaction

log = logging.getLogger(__name__)


def _send(task, args: tuple) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises several types when the broker is unreachable
        log.warning("could not enqueue %s%s; the periodic sweep will catch up", task.name, reprlib.repr(args), exc_info=True)


def enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: _send(task, args), robust=True)
