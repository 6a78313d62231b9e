from celery import shared_task

from grids import notifications


@shared_task(ignore_result=True)
def deliver_notifications(key: str, recipient_ids: list[int]) -> int:
    return notifications.deliver(key, recipient_ids)
