"""Admin of the contractors' rows. A firm's name, address, contacts, qualifications and staff may be
corrected here (its credit code only through the firm form, which checks it). Contracts, plans,
visits, findings, spot checks and pension proofs are read-only: they change only through their
services (a paid milestone, a plan version, a visit's timeline are history)."""

from __future__ import annotations

from django.contrib import admin

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from contractors.models import (
    Contract,
    ContractEnterprise,
    Finding,
    FirmContact,
    FirmStaff,
    Milestone,
    PensionProof,
    PlanVersion,
    Qualification,
    ServiceFirm,
    ServicePlan,
    SpotCheck,
    Visit,
    VisitEvent,
    VisitPhoto,
)


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class ContactInline(admin.TabularInline):
    model = FirmContact
    extra = 0


class StaffInline(admin.TabularInline):
    model = FirmStaff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(ServiceFirm)
class ServiceFirmAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["credit_code", "created_at"]
    inlines = [QualificationInline, ContactInline, StaffInline]

    def has_add_permission(self, request) -> bool:
        return False  # registered through the firm form (credit-code check)


@admin.register(FirmStaff)
class FirmStaffAdmin(admin.ModelAdmin):
    list_display = ["name", "firm", "certificate_no", "user", "is_active"]
    list_filter = ["is_active", "firm"]
    list_select_related = ["firm", "user"]
    search_fields = ["name", "certificate_no", "firm__name"]
    raw_id_fields = ["user"]


@admin.register(PensionProof)
class PensionProofAdmin(ReadOnlyModelAdmin):
    list_display = ["staff", "month", "recorded_at"]
    list_select_related = ["staff__firm"]
    date_hierarchy = "month"


class ScopeInline(ReadOnlyInline):
    model = ContractEnterprise
    raw_id_fields = ["enterprise"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "amount", "due_on", "condition", "paid_at", "paid_amount", "paid_by"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyModelAdmin):
    list_display = ["number", "firm", "title", "amount", "starts_on", "ends_on"]
    list_filter = ["firm"]
    list_select_related = ["firm"]
    search_fields = ["number", "title", "firm__name"]
    inlines = [MilestoneInline, ScopeInline]


class VersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "note", "created_by", "created_at"]


@admin.register(ServicePlan)
class ServicePlanAdmin(ReadOnlyModelAdmin):
    list_display = ["contract", "enterprise", "current", "created_at"]
    list_select_related = ["contract", "enterprise", "current"]
    search_fields = ["contract__number", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    inlines = [VersionInline]


class VisitEventInline(ReadOnlyInline):
    model = VisitEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ["image", "uploaded_by"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "firm", "planned_on", "status", "far", "short", "no_position", "flag_review"]
    list_filter = ["status", "far", "short", "no_position", "flag_review", "firm"]
    list_select_related = ["enterprise", "firm"]
    search_fields = ["enterprise__name"]
    date_hierarchy = "planned_on"
    inlines = [VisitEventInline, VisitPhotoInline]


@admin.register(VisitEvent)
class VisitEventAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "visit", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["visit__enterprise", "actor"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyModelAdmin):
    list_display = ["hazard", "firm", "major", "found_at", "report_due_at", "reported_at", "late"]
    list_filter = ["major", "late", "firm"]
    list_select_related = ["hazard", "firm"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "firm", "contract", "drawn_at", "checked_at", "missed_major", "result"]
    list_filter = ["result", "firm"]
    list_select_related = ["enterprise", "firm", "contract"]
