from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from grids.choices import Role
from grids.models import (
    Community,
    Delivery,
    Department,
    DutyShift,
    GridCell,
    Notification,
    SubDistrict,
    TrainingAttendance,
    TrainingSession,
    User,
    Zone,
    ZoneTeam,
)


@admin.register(SubDistrict)
class SubDistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district_name", "case_prefix"]


class CommunityInline(admin.TabularInline):
    model = Community
    fields = ["name", "code", "kind"]
    extra = 0
    show_change_link = True


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "subdistrict", "leader"]
    list_select_related = ["subdistrict", "leader"]
    inlines = [CommunityInline]
    raw_id_fields = ["leader"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "zone", "grid_head", "specialist", "households", "population"]
    list_filter = ["zone", "kind"]
    list_select_related = ["zone", "grid_head", "specialist"]
    search_fields = ["name", "code"]
    raw_id_fields = ["grid_head", "specialist"]


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community", "households", "population"]
    list_filter = ["community__zone"]
    list_select_related = ["community"]
    search_fields = ["code", "name"]


class ZoneTeamInline(admin.TabularInline):
    model = ZoneTeam
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "phone", "is_active", "sort"]
    list_filter = ["kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ZoneTeamInline]


@admin.register(ZoneTeam)
class ZoneTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "zone", "phone"]
    list_filter = ["department", "zone"]
    list_select_related = ["department", "zone"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "worker_kind", "zone", "community", "department", "is_active"]
    list_filter = ["role", "worker_kind", "zone", "is_active"]
    list_select_related = ["zone", "community", "department"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    filter_horizontal = ["grid_cells", "groups", "user_permissions"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Role and organisation"),
            {"fields": ["role", "phone", "zone", "community", "department", "worker_kind", "community_post", "grid_cells"]},
        ),
    ]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    raw_id_fields = ["user"]
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "level", "zone", "trainer", "starts_at", "hours"]
    list_filter = ["kind", "level", "zone"]
    inlines = [AttendanceInline]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["community", "officer", "starts_at", "ends_at"]
    list_filter = ["community__zone", "community"]
    list_select_related = ["community", "officer"]
    raw_id_fields = ["officer"]
    date_hierarchy = "starts_at"


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """What the system wrote, to be looked at: the street office's staff may view it (with or
    without the model permission); nobody may add, change or delete it here (the base's rule)."""

    def _street_staff(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.role in (Role.STREET, Role.ADMIN))

    def has_module_permission(self, request) -> bool:
        return self._street_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._street_staff(request) or super().has_view_permission(request, obj)


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["title", "key", "recipient__username"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The outbox: whether each notification went out on each channel, and when it is tried again."""

    list_display = ["notification", "recipient", "channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    list_select_related = ["notification__recipient"]
    search_fields = ["notification__title", "notification__key", "notification__recipient__username"]
    raw_id_fields = ["notification"]

    @admin.display(description=_("recipient"), ordering="notification__recipient__username")
    def recipient(self, delivery: Delivery):
        return delivery.notification.recipient
