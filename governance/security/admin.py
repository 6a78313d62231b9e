"""The personal-data log in the admin: read only (rows are written by "show full number" alone);
the users' API tokens, revocable."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from casework.admin import ReadOnlyModelAdmin
from governance.security.devices import revoke_token
from governance.security.models import ApiToken, PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "user", "model", "object_id", "field"]
    list_filter = ["model", "field"]
    search_fields = ["user__username", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    """The users' devices; the administrator may revoke a token (never see or make a key)."""

    list_display = ["user", "device_name", "created_at", "last_used_at", "expires_at"]
    search_fields = ["user__username", "device_name"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # for the revoke action; every field stays read only

    def get_readonly_fields(self, request, obj=None):
        return ["user", "device_name", "created_at", "last_used_at", "expires_at"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(token=token, actor=request.user, reason="revoked")
        messages.success(request, _("Revoked."))


# DRF's own token admin would make plain-text tokens that no longer authenticate: tokens are made
# by logging in (governance.security.devices) only.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
