from celery import shared_task

from inspections import services


@shared_task(ignore_result=True)
def sweep_hazard_deadlines() -> dict[str, int]:
    """Beat runs this every minute; safe to run twice, concurrently or late."""
    return services.escalate_overdue_hazards()
