"""The audit trail in the admin: read only, like the personal-data log."""

from django.contrib import admin

from casework.admin import ReadOnlyModelAdmin
from governance.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "kind", "username", "ip", "path", "target_type", "target_id"]
    list_filter = ["kind"]
    search_fields = ["username", "target_id", "ip"]
    date_hierarchy = "at"
