"""Sending notifications: rows in the in-app inbox, then delivery through pluggable channels.

`notify()` is called inside the transaction of the change that causes it; the inbox rows commit
or roll back with that change, and delivery to other channels (e-mail, later a WeCom or DingTalk
webhook) is enqueued only after commit. A channel is any class with `name` and
`send(notification)`; settings.NOTIFICATION_CHANNELS lists the dotted paths of those in use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from grids.models import Notification

log = logging.getLogger(__name__)


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


def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", key: str) -> int:
    """Put a notification in each recipient's inbox once per `key`; deliver elsewhere after commit.

    Returns the number of recipients; duplicates of an already-sent key are ignored silently.
    """
    recipient_ids = sorted({r if isinstance(r, int) else r.pk for r in recipients})
    if not recipient_ids:
        return 0
    Notification.objects.bulk_create(
        [Notification(recipient_id=rid, kind=kind, title=str(title), body=str(body), url=url, key=key) for rid in recipient_ids],
        ignore_conflicts=True,
    )
    if settings.NOTIFICATION_CHANNELS:
        from grids.jobs import enqueue_after_commit
        from grids.tasks import deliver_notifications

        enqueue_after_commit(deliver_notifications, key, recipient_ids)
    return len(recipient_ids)


def deliver(key: str, recipient_ids: list[int]) -> int:
    """Send the inbox rows of `key` through every configured channel (called by a Celery task)."""
    sent = 0
    rows = Notification.objects.filter(key=key, recipient_id__in=recipient_ids).select_related("recipient")
    for notification in rows:
        for channel in channels():
            try:
                channel.send(notification)
                sent += 1
            except Exception:  # one failing channel must not stop the others
                log.exception("channel %s failed for notification %s", channel.name, notification.pk)
    return sent


@transaction.atomic
def mark_read(user, ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
