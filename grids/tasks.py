from celery import shared_task

from grids import notifications


@shared_task(ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Enqueued after the commit that made these deliveries; what it misses, the beat task sends."""
    return notifications.send_due(ids=delivery_ids)


@shared_task(ignore_result=True)
def resend_due_notifications() -> dict[str, int]:
    """Beat runs this every minute when channels are configured; safe to run twice, concurrently or late."""
    return notifications.send_due()
