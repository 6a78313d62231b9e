"""Admin of the registry and the library. Cited clauses and used checklist versions are read-only
(the models refuse the change too); a change to them is a new version (services.revise_clause,
services.revise_template)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from inspections.models import (
    Campaign,
    CampaignEvent,
    CampaignExpert,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Clause,
    Enterprise,
    EnterpriseFlag,
    EnterpriseSector,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionAnswer,
    InspectionExpert,
    InspectionInspector,
    RectificationNotice,
    Standard,
)
from inspections.models.criteria import FROZEN_FIELDS
from inspections.services.enterprises import duplicate_error, identity_key


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "issued_on", "in_force_from", "in_force_until"]
    search_fields = ["name", "number"]


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["standard", "number", "version", "is_major", "is_current", "cited_at", "valid_from", "valid_until"]
    list_filter = ["is_major", "is_current", "standard"]
    search_fields = ["number", "summary"]
    readonly_fields = ["version", "supersedes", "is_current", "cited_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.cited:
            fields += [f.removesuffix("_id") for f in FROZEN_FIELDS if f.removesuffix("_id") not in fields]
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.cited)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["position", "code", "text", "answer_type", "threshold", "comparison", "unit", "photo_required", "clause",
              "rectification_days"]
    raw_id_fields = ["clause"]


class UsedItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ItemInline.fields


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "is_current", "used_at", "created_at"]
    list_filter = ["template"]
    readonly_fields = ["template", "number", "is_current", "used_at"]

    def get_inlines(self, request, obj):
        return [UsedItemInline] if obj is not None and obj.used else [ItemInline]

    def has_add_permission(self, request) -> bool:
        return False  # a version is made by services.add_version / revise_template

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.used)


class VersionInline(ReadOnlyInline):
    model = ChecklistVersion
    fields = ["number", "note", "is_current", "used_at", "created_at"]
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sector", "flag"]
    search_fields = ["code", "name"]
    inlines = [VersionInline]


class SectorInline(admin.TabularInline):
    model = EnterpriseSector
    extra = 0


class FlagInline(admin.TabularInline):
    model = EnterpriseFlag
    extra = 0


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name", "legal_representative", "principal", "safety_officer", "safety_officer_phone", "address", "employees",
            "target_kind", "risk_level", "risk_assessed_on", "risk_method", "responsible_departments", "status",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk and ("name" in self.changed_data or "address" in self.changed_data):
            error = duplicate_error(
                credit_code=self.instance.credit_code, name_key=identity_key(data.get("name", "")),
                address_key=identity_key(data.get("address", "")), exclude_pk=self.instance.pk,
            )
            if error is not None:
                raise forms.ValidationError(list(error.message_dict.values())[0])
        return data


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Edit the profile; code and place change through the API or a new registration."""

    form = EnterpriseForm
    list_display = ["name", "credit_code", "zone", "community", "risk_level", "target_kind", "status"]
    list_filter = ["risk_level", "target_kind", "status", "zone"]
    search_fields = ["name", "credit_code", "address"]
    list_select_related = ["zone", "community"]
    readonly_fields = ["credit_code", "latitude", "longitude", "grid_cell", "community", "zone", "created_at", "updated_at"]
    filter_horizontal = ["responsible_departments"]
    inlines = [SectorInline, FlagInline]
    fieldsets = [
        (None, {"fields": ["credit_code", "name", "legal_representative", "principal", "safety_officer", "safety_officer_phone"]}),
        (_("Place"), {"fields": ["address", "latitude", "longitude", "grid_cell", "community", "zone"]}),
        (_("Oversight"), {"fields": ["employees", "target_kind", "risk_level", "risk_assessed_on", "risk_method",
                                     "responsible_departments", "status", "created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False  # registered through services.register_enterprise (the import, the API)

    def save_model(self, request, obj, form, change):
        obj.name_key, obj.address_key = identity_key(obj.name), identity_key(obj.address)
        super().save_model(request, obj, form, change)


# --- inspections and hazards: written only by their services (read-only here) ----------------------

class InspectorInline(ReadOnlyInline):
    model = InspectionInspector
    fields = ["user", "certificate_no"]


class ExpertInline(ReadOnlyInline):
    model = InspectionExpert
    fields = ["name", "qualification", "organisation"]


class AnswerInline(ReadOnlyInline):
    model = InspectionAnswer
    fields = ["item", "answer", "value", "passed", "note"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "kind", "status", "started_at", "distance_m", "location_flagged"]
    list_filter = ["kind", "status", "location_flagged", "zone"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["enterprise", "version", "created_by"]
    inlines = [InspectorInline, ExpertInline, AnswerInline]


class HazardEventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]


@admin.register(Hazard)
class HazardAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "enterprise", "status", "proposed_level", "level", "recorded_at"]
    list_filter = ["status", "level", "proposed_level", "factor_kind", "source", "zone"]
    list_select_related = ["enterprise"]
    search_fields = ["code", "description", "enterprise__name"]
    raw_id_fields = ["enterprise", "inspection", "answer", "item", "clause", "reporter", "confirmed_by", "notice"]
    inlines = [HazardEventInline]


# --- campaigns: read-only here; they are planned and moved through their pages and services ------

class CampaignExpertInline(ReadOnlyInline):
    model = CampaignExpert
    fields = ["name", "qualification", "organisation", "user"]


class CampaignEventInline(ReadOnlyInline):
    model = CampaignEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "theme", "phase", "starts_on", "ends_on", "lead"]
    list_filter = ["theme", "phase"]
    list_select_related = ["lead"]
    search_fields = ["title"]
    inlines = [CampaignExpertInline, CampaignEventInline]
@admin.register(RectificationNotice)
class RectificationNoticeAdmin(ReadOnlyModelAdmin):
    """Notices change only through the loop's services: read-only here."""

    list_display = ["number", "enterprise", "mode", "issued_at", "due_at", "served_at"]
    list_filter = ["mode"]
    list_select_related = ["enterprise"]
    search_fields = ["number", "enterprise__name"]
    raw_id_fields = ["enterprise", "issuer"]
