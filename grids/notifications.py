"""Sending notifications: rows in the in-app inbox, then delivery through pluggable channels.

`notify_many()` (and `notify()`, its one-event form) is called inside the transaction of the
change that causes it. The inbox rows commit or roll back with that change, and so does the
outbox: one `Delivery` row per new notification and configured channel (e-mail, later a WeCom or
DingTalk webhook). After commit a task is enqueued to send those deliveries at once; whatever it
does not send (the broker was down, a channel failed) the beat task `resend_due_notifications`
sends later (grids.outbox: backing off after each failure, giving up after a cap).

A channel is any class with `name` and `send(notification)` that raises when it could not deliver;
settings.NOTIFICATION_CHANNELS lists the dotted paths of those in use (e.g. this module's
EmailChannel).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from casework.jobs import enqueue_after_commit
from grids.models import Delivery, Notification
from grids.outbox import channels
from grids.tasks import send_deliveries

# Rows per INSERT at most: well under PostgreSQL's 65,535 parameters (7 per row); fewer where the
# database allows fewer (SQLite).
INSERT_CHUNK = 5000
COLUMNS = ("recipient_id", "kind", "title", "body", "url", "key", "created_at")


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
    fields = [Notification._meta.get_field(c.removesuffix("_id")) for c in COLUMNS]
    size = max(1, min(INSERT_CHUNK, connection.ops.bulk_batch_size(fields, unique)))
    new_ids = [pk for start in range(0, len(unique), size) for pk in _insert_new(unique[start : start + size])]
    names = list(channels())
    if new_ids and names:
        now = timezone.now()
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification_id=pk, channel=name, next_attempt_at=now) for pk in new_ids for name in names
        )
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
    rows = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(notes))
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in COLUMNS)}) VALUES {rows} "
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


@transaction.atomic
def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
