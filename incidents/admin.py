from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyInline
from casework.files import private_file_response
from incidents.models import Category, Incident, IncidentEvent, IncidentPhoto, StageDeadline, StageLimit

# --- categories and their time limits ----------------------------------------------------------


class StageLimitInline(admin.TabularInline):
    model = StageLimit
    extra = 0
    max_num = 4
    fields = ["stage", "amount", "kind", "warn_ratio"]


class DomainFilter(admin.SimpleListFilter):
    """Filter by domain (the parent): only the six domains are offered, not every category."""

    title = _("domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Category.objects.domains().values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(parent__isnull=True)
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name", "name_en", "code", "parent", "default_department", "default_severity", "self_handle_allowed", "is_active", "sort",
    ]
    list_filter = [DomainFilter, "is_active", "self_handle_allowed", "default_severity"]
    list_select_related = ["parent", "default_department"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["parent__sort", "sort", "code"]
    inlines = [StageLimitInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.domains()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- cases: read-mostly; the loop is run by incidents.services, never from here ----------------


class IncidentEventInline(ReadOnlyInline):
    model = IncidentEvent
    verbose_name_plural = _("timeline")
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class StageDeadlineInline(ReadOnlyInline):
    model = StageDeadline
    fields = ["stage", "limit_amount", "limit_kind", "started_at", "due_at", "finished_at", "on_time", "extended"]
    readonly_fields = fields


class IncidentPhotoInline(ReadOnlyInline):
    model = IncidentPhoto
    fields = ["preview", "kind", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("photo"))
    def preview(self, obj: IncidentPhoto) -> str:
        if not obj.image:
            return "-"
        url = reverse("admin:incidents_incident_photo", args=[obj.incident_id, obj.pk])
        return format_html('<a href="{0}"><img src="{0}" alt="" style="max-height:80px"></a>', url)


# Written only by the intake and the transition function (incidents.services): shown, not edited.
INCIDENT_WORKFLOW_FIELDS = [
    "code", "category", "grid_cell", "community", "zone", "latitude", "longitude", "source", "reporter", "reported_at",
    "status", "resume_status", "department", "assignee", "result", "stage", "due_at", "warn_at", "paused_remaining",
    "escalation", "extension_pending", "return_count", "rework_count", "extension_count", "registered_at", "closed_at",
    "updated_at",
]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "status", "zone", "department", "reported_at", "escalation"]
    list_filter = ["status", "escalation", "zone", "source", "severity"]
    list_select_related = ["category__parent", "zone", "department"]
    search_fields = ["code", "description"]
    date_hierarchy = "reported_at"
    show_full_result_count = False  # one COUNT(*) over all cases less per page
    raw_id_fields = ["duplicate_of"]
    readonly_fields = INCIDENT_WORKFLOW_FIELDS
    fieldsets = [
        (None, {"fields": ["code", "category", "severity", "description", "address", "duplicate_of"]}),
        (_("Where and who"), {"fields": ["grid_cell", "community", "zone", "latitude", "longitude", "source", "reporter"]}),
        (_("State"), {"fields": [
            "status", "resume_status", "department", "assignee", "result", "stage", "due_at", "warn_at", "paused_remaining",
            "escalation", "extension_pending", "return_count", "rework_count", "extension_count",
        ]}),
        (_("Times"), {"fields": ["reported_at", "registered_at", "closed_at", "updated_at"]}),
    ]
    inlines = [StageDeadlineInline, IncidentPhotoInline, IncidentEventInline]

    def has_add_permission(self, request) -> bool:
        return False  # cases are reported through the intake service

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the timeline keeps a case forever; void it instead

    def get_urls(self):
        photo = path("<int:pk>/photos/<int:photo_pk>/", self.admin_site.admin_view(self.photo_view),
                     name="incidents_incident_photo")
        return [photo, *super().get_urls()]

    def photo_view(self, request, pk: int, photo_pk: int):
        """The preview of a case photo: staff with the view permission, on a case they may see."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
        item = get_object_or_404(IncidentPhoto, pk=photo_pk, incident=incident)
        return private_file_response(item.image, content_type="image/jpeg")

from incidents.open311 import admin as open311_admin  # noqa: E402, F401  (registers the Open311 admin)
