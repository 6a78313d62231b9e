from celery import shared_task

from grids import outbox


@shared_task(ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Enqueued after the commit that made these deliveries; what it misses, the beat task sends."""
    return outbox.send_due(ids=delivery_ids)


@shared_task(ignore_result=True)
def resend_due_notifications() -> dict[str, int]:
    """Beat runs this every minute when channels are configured; safe to run twice, concurrently or late."""
    return outbox.send_due()


@shared_task(ignore_result=True)
def deliver_notifications(key: str = "", recipient_ids: list[int] | None = None) -> dict[str, int]:
    """The previous release's task name: messages it left queued at an upgrade still run (they send
    whatever deliveries are due) instead of failing as unregistered."""
    return outbox.send_due()
