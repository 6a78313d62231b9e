"""Open311 clients in the admin: add a client (its reporting account is made with it), issue it an
api_key (shown once, here), revoke keys. Reports received are read only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from incidents.models import Open311Client, Open311Key, Open311Request
from incidents.open311.keys import create_client, issue_key, revoke_key


class KeyInline(ReadOnlyInline):
    model = Open311Key
    fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = fields


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "is_active", "rate_limit_per_hour", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact"]
    readonly_fields = ["account", "created_at"]
    inlines = [KeyInline]
    actions = ["issue_new_key"]

    def get_fields(self, request, obj=None):
        fields = ["name", "contact", "rate_limit_per_hour", "is_active"]
        return fields if obj is None else [*fields, "account", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = create_client(name=obj.name, contact=obj.contact, rate_limit_per_hour=obj.rate_limit_per_hour, actor=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return
        obj.pk, obj.account_id, obj.created_at = created.pk, created.account_id, created.created_at
        if not obj.is_active:
            Open311Client.objects.filter(pk=obj.pk).update(is_active=False)

    @admin.action(description=_("Issue a new api_key"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            _key, raw = issue_key(client=client, actor=request.user)
            messages.warning(request, _("New api_key for %(client)s (shown only now, copy it): %(key)s") % {
                "client": client.name, "key": raw,
            })


@admin.register(Open311Key)
class Open311KeyAdmin(ReadOnlyModelAdmin):
    list_display = ["client", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["client"]
    list_select_related = ["client", "created_by"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # for the revoke action; every field stays read only

    def get_readonly_fields(self, request, obj=None):
        return ["client", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    @admin.action(description=_("Revoke the selected api_keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_key(key=key, actor=request.user)
        messages.success(request, _("Revoked."))


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyModelAdmin):
    list_display = ["submitted_at", "client", "incident", "linked"]
    list_filter = ["client", "linked"]
    list_select_related = ["client", "incident"]
    search_fields = ["incident__code", "token"]
