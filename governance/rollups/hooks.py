"""Connecting the rollups to the timeline (called once, from GovernanceConfig.ready)."""

from __future__ import annotations

from casework.models.timeline import APPEND_HOOKS


def connect(app_config=None) -> None:
    from django.db.models.signals import post_migrate

    from governance.rollups.services import backfill_after_migrate, events_appended
    from governance.rollups.sources import incidents  # noqa: F401  (registers the cases' source)

    if events_appended not in APPEND_HOOKS:
        APPEND_HOOKS.append(events_appended)
    if app_config is not None:
        post_migrate.connect(backfill_after_migrate, sender=app_config, dispatch_uid="rollups-backfill")
