"""Celery tasks of the street office: each calls one service (ARCHITECTURE.md)."""

from __future__ import annotations

from celery import shared_task

from governance.dashboard import cache as dashboard_cache
from governance.meetings import services as meetings
from governance.security import retention


@shared_task(ignore_result=True)
def prepare_weekly_agenda() -> int:
    """Beat runs this every Monday 08:00 (settings.MEETING_AGENDA_*): this week's weekly meeting
    with its agenda. Safe to run twice, concurrently or late: one meeting per week."""
    meeting, _created = meetings.prepare_weekly_meeting()
    return meeting.pk


@shared_task(ignore_result=True)
def refresh_weekly_agenda() -> int:
    """Beat runs this every MEETING_AGENDA_REFRESH_MINUTES: new candidates join the coming weekly
    meeting's agenda (next week's once this week's is in session). Returns how many it added."""
    return meetings.keep_weekly_agenda_current()


@shared_task(ignore_result=True)
def warm_dashboards() -> int:
    """Beat runs this every DASHBOARD_WARM_SECONDS (with Redis): the default dashboard views
    recomputed where cases changed, so that nobody waits for them. Returns how many it recomputed."""
    return sum(dashboard_cache.warm_dashboards().values())


@shared_task(ignore_result=True)
def remove_expired_personal_data() -> int:
    """Beat runs this daily: personal numbers removed from cases closed more than
    PERSONAL_DATA_RETENTION_DAYS ago (the cases stay). Returns how many cases changed."""
    return retention.remove_expired_personal_data()


from governance.audit.tasks import purge_audit_trail  # noqa: E402,F401  (autodiscovery finds the app's tasks module only)


@shared_task(ignore_result=True)
def compute_assessment_scores() -> int:
    """Beat runs this nightly: the provisional scores of the current month, quarter, half-year
    and year (published periods are frozen and skipped). Returns how many sheets it wrote."""
    from governance.assessment import services as assessment

    return assessment.compute_current_periods()


@shared_task(ignore_result=True)
def sweep_appeals() -> int:
    """Beat runs this every ASSESSMENT_APPEAL_SWEEP_SECONDS: overdue zone reviews pass to the street
    office, overdue street reviews are reported once. Returns how many appeals it moved or reported."""
    from governance.assessment import appeals

    return sum(appeals.sweep_appeals().values())
