"""Sending the outbox: the `Delivery` rows notify_many wrote, through the configured channels.

`send_due()` is run by the task enqueued after the commit that made the deliveries (for those
rows) and every minute by beat (for whatever is due: never sent because the broker was down, or
failed and waiting for its next try). A failure is one attempt: the wait before the next one
doubles, and after MAX_ATTEMPTS the delivery is given up. The inbox row is never affected.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from grids.choices import DeliveryStatus
from grids.models import Delivery, Notification

log = logging.getLogger(__name__)

# A delivery is tried at most this often; the waits between tries double from FIRST_RETRY up to
# LONGEST_WAIT (1, 2, 4 … 60 minutes): about two hours from the first try to giving up.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# Deliveries sent per transaction. Their rows stay locked while they are sent (that is what keeps
# a concurrent run off them), so a crash in the middle of a batch re-sends at most this many.
SEND_BATCH = 50


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> None: ...


def channels() -> dict[str, Channel]:
    """The configured channels by name (the name each `Delivery` row records)."""
    found: dict[str, Channel] = {}
    for path in settings.NOTIFICATION_CHANNELS:
        channel = import_string(path)()
        if channel.name in found:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: two channels are named {channel.name!r}")
        found[channel.name] = channel
    return found


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4 … minutes, at most LONGEST_WAIT."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def send_due(*, ids: list[int] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Send the outstanding deliveries that are due (only those among `ids`, if given); returns how
    many were sent, failed (to be retried) and given up.

    Idempotent and safe to run concurrently: each batch locks its rows with SKIP LOCKED, so a
    second run passes over them, and once this one commits they are no longer outstanding; a row
    sent is never selected again.
    """
    now = now or timezone.now()
    by_name = channels()
    totals: Counter[str] = Counter()
    while True:
        with transaction.atomic():
            due = Delivery.objects.due(now)
            if ids is not None:
                due = due.filter(pk__in=ids)
            # of=self: lock the deliveries only, never the inbox rows or the users they join.
            batch = list(
                due.select_related("notification__recipient")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("next_attempt_at", "pk")[:SEND_BATCH]
            )
            for delivery in batch:
                _attempt(delivery, by_name.get(delivery.channel), now)
                totals[delivery.status] += 1
            Delivery.objects.bulk_update(batch, ["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
        if len(batch) < SEND_BATCH:
            return {"sent": totals[DeliveryStatus.SENT], "failed": totals[DeliveryStatus.FAILED], "gave_up": totals[DeliveryStatus.GAVE_UP]}


def _attempt(delivery: Delivery, channel: Channel | None, now: datetime) -> None:
    delivery.attempts += 1
    if channel is None:  # taken out of NOTIFICATION_CHANNELS since the notification was made
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
        delivery.last_error = f"channel {delivery.channel!r} is not configured"
        return
    try:
        # A savepoint: a channel that fails inside the database (its own bookkeeping, a webhook
        # log) must not abort the batch's transaction, or its attempt would never be counted.
        with transaction.atomic():
            channel.send(delivery.notification)
    except Exception as error:  # whatever a channel raises is one failed try, never the sweep's end
        log.warning("channel %s failed for notification %s", delivery.channel, delivery.notification_id, exc_info=True)
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, now + retry_delay(delivery.attempts)
        return
    delivery.status, delivery.next_attempt_at, delivery.sent_at = DeliveryStatus.SENT, None, now
