from celery import shared_task

from inspections import services
from inspections.services.interview_steps import sweep_interview_deadlines


@shared_task(ignore_result=True)
def sweep_hazard_deadlines() -> dict[str, int]:
    """Beat runs this every minute; safe to run twice, concurrently or late."""
    return services.escalate_overdue_hazards()


@shared_task(ignore_result=True)
def sweep_interviews() -> dict[str, int]:
    """Beat runs this every few minutes: the follow-up reports' ladder; safe to run twice, concurrently or late."""
    return sweep_interview_deadlines()
