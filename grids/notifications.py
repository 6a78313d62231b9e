"""Sending notifications: rows in the in-app inbox, then delivery through pluggable channels.

`notify_many()` (and `notify()`, its one-event form) is called inside the transaction of the
change that causes it. The inbox rows commit or roll back with that change, and so does the
outbox: one `Delivery` row per new notification and configured channel (e-mail, later a WeCom or
DingTalk webhook). After commit a task is enqueued to send those deliveries at once; whatever it
does not send (the broker was down, a channel failed) the beat task `resend_due_notifications`
sends later, backing off after each failure and giving up after `MAX_ATTEMPTS`.

A channel is any class with `name` and `send(notification)` that raises when it could not deliver;
settings.NOTIFICATION_CHANNELS lists the dotted paths of those in use.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from grids.choices import DeliveryStatus
from grids.models import Delivery, Notification

log = logging.getLogger(__name__)

# A delivery is tried at most this often; the waits between tries double from FIRST_RETRY up to
# LONGEST_WAIT (1, 2, 4 … 60 minutes): about four hours from the first try to giving up.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# Deliveries sent per transaction. Their rows stay locked while they are sent (that is what keeps
# a concurrent run off them), so a crash in the middle of a batch re-sends at most this many.
SEND_BATCH = 50
# Rows per INSERT: well under PostgreSQL's 65,535 parameters (7 per row).
INSERT_CHUNK = 5000


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> None: ...


class EmailChannel:
    """Sends a notification by e-mail to recipients who have an address."""

    name = "email"

    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            return
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
        send_mail(notification.title, body, None, [address], fail_silently=False)


def channels() -> dict[str, Channel]:
    """The configured channels by name (the name each `Delivery` row records)."""
    found: dict[str, Channel] = {}
    for path in settings.NOTIFICATION_CHANNELS:
        channel = import_string(path)()
        if channel.name in found:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: two channels are named {channel.name!r}")
        found[channel.name] = channel
    return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """One notification for one person: `recipient` is a user id. `key` makes it idempotent: a
    person gets a key once, however often (or concurrently) the change that raises it runs."""

    recipient: int
    kind: str
    title: str
    key: str
    body: str = ""
    url: str = ""


def notify_many(notes: Iterable[Note]) -> int:
    """Put each note in its recipient's inbox unless that (recipient, key) is there already, and
    queue the new ones for every configured channel; returns how many were new.

    One INSERT for the notifications (per INSERT_CHUNK of them) and, with channels configured, one
    for their deliveries: the number of queries does not grow with the number of notes.
    """
    unique = list({(n.recipient, n.key): n for n in notes}.values())
    new_ids = [pk for start in range(0, len(unique), INSERT_CHUNK) for pk in _insert_new(unique[start : start + INSERT_CHUNK])]
    names = list(channels())
    if new_ids and names:
        now = timezone.now()
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification_id=pk, channel=name, next_attempt_at=now) for pk in new_ids for name in names
        )
        from grids.jobs import enqueue_after_commit
        from grids.tasks import send_deliveries

        enqueue_after_commit(send_deliveries, [d.pk for d in deliveries])
    return len(new_ids)


def _insert_new(notes: list[Note]) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the ids of the rows this call created, not of
    those already there (bulk_create(ignore_conflicts=True) cannot tell them apart). PostgreSQL and
    SQLite (3.35+) both speak it."""
    if not notes:
        return []
    meta = Notification._meta
    q = connection.ops.quote_name
    created_at = meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    columns = ["recipient_id", "kind", "title", "body", "url", "key", "created_at"]
    rows = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(notes))
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in columns)}) VALUES {rows} "
        f"ON CONFLICT ({q('recipient_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}"
    )
    params = [v for n in notes for v in (n.recipient, n.kind, str(n.title), str(n.body), n.url, n.key, created_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", key: str) -> int:
    """One event for several people (users or user ids): `notify_many` with one note each.

    Returns the number of recipients; those who already had `key` are skipped silently.
    """
    recipient_ids = sorted({r if isinstance(r, int) else r.pk for r in recipients})
    notify_many(Note(recipient=rid, kind=kind, title=str(title), body=str(body), url=url, key=key) for rid in recipient_ids)
    return len(recipient_ids)


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


@transaction.atomic
def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
