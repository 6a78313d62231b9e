"""The heartbeat in the admin: read only (the worker writes it); the street office's page with the
lateness judgement is /operations/heartbeats/."""

from django.contrib import admin

from casework.admin import ReadOnlyModelAdmin
from governance.operations.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "task", "last_started_at", "last_finished_at", "last_outcome", "last_duration_ms", "runs"]
