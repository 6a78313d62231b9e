"""The personal-data log in the admin: read only (rows are written by "show full number" alone)."""

from django.contrib import admin

from casework.admin import ReadOnlyModelAdmin
from governance.security.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "user", "model", "object_id", "field"]
    list_filter = ["model", "field"]
    search_fields = ["user__username", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user"]
