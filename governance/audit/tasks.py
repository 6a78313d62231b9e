"""The audit trail's retention, run daily by beat (settings: "purge-audit-trail")."""

from __future__ import annotations

from celery import shared_task

from governance.audit import services


@shared_task(ignore_result=True)
def purge_audit_trail() -> int:
    """Entries older than AUDIT_RETENTION_DAYS (at least 180) deleted; returns how many."""
    return services.purge_expired()
