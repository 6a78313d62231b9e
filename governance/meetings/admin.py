"""Django admin for the joint meetings: read-only. Meetings change only through the services
(governance.meetings.services), which keep published minutes read-only and apply decisions to
cases; an admin form would bypass both."""

from django.contrib import admin

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from governance.meetings.models import AgendaItem, Decision, Meeting


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ["position", "incident", "reason", "reason_note", "carried_from", "history", "withdrawn_at", "withdrawn_reason"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "held_at", "place", "chair", "status", "published_at"]
    list_filter = ["kind", "status", "year"]
    date_hierarchy = "held_at"
    list_select_related = ["chair"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyModelAdmin):
    list_display = ["meeting", "position", "incident", "reason", "withdrawn_at"]
    list_filter = ["reason"]
    list_select_related = ["meeting", "incident"]
    search_fields = ["incident__code"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyModelAdmin):
    list_display = ["item", "lead_department", "deadline", "applied_at"]
    list_filter = ["lead_department"]
    list_select_related = ["item__meeting", "item__incident", "lead_department"]
    search_fields = ["item__incident__code"]
