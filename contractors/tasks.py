"""Celery tasks of the contractors app: one line of real work each."""

from __future__ import annotations

from celery import shared_task

from contractors.services.findings import sweep_late_reports


@shared_task
def sweep_major_reports() -> int:
    return sweep_late_reports()
