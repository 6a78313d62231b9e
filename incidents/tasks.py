from celery import shared_task

from incidents import services


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Beat runs this every minute; safe to run twice, concurrently or late."""
    return services.escalate_overdue()
