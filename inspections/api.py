"""REST API of the registry (list, detail, create and update for its keepers) and the library (read)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from grids.access import ScopedAPIMixin
from inspections import services
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, RiskMethod, Sector, TargetKind
from inspections.filters import ClauseFilter, EnterpriseFilter
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Clause, Enterprise


class EnterpriseListSerializer(serializers.ModelSerializer):
    grid_cell_name = serializers.CharField(source="grid_cell.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    sectors = serializers.ListField(source="sector_codes", child=serializers.CharField(), read_only=True)
    flags = serializers.ListField(source="flag_codes", child=serializers.CharField(), read_only=True)
    risk_level_display = serializers.CharField(source="get_risk_level_display", read_only=True)
    safety_officer_phone = serializers.CharField(source="masked_officer_phone", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "credit_code", "name", "address", "grid_cell", "grid_cell_name", "community", "community_name", "zone",
            "zone_name", "sectors", "flags", "risk_level", "risk_level_display", "target_kind", "status", "employees",
            "safety_officer", "safety_officer_phone", "latitude", "longitude",
        ]


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnterpriseDetailSerializer(EnterpriseListSerializer):
    # Masked like the list; the full number: POST /api/v1/personal-data/enterprise_officer_phone/{id}/.
    responsible_departments = DepartmentRefSerializer(many=True, read_only=True)
    fictional = serializers.BooleanField(read_only=True)

    class Meta(EnterpriseListSerializer.Meta):
        fields = [
            *EnterpriseListSerializer.Meta.fields, "legal_representative", "principal", "risk_assessed_on", "risk_method",
            "responsible_departments", "fictional", "created_at", "updated_at",
        ]


class EnterpriseWriteSerializer(serializers.Serializer):
    """What a keeper sends; the service validates it (credit code, cell, duplicates)."""

    credit_code = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=60, required=False, allow_blank=True)
    principal = serializers.CharField(max_length=60, required=False, allow_blank=True)
    safety_officer = serializers.CharField(max_length=60, required=False, allow_blank=True)
    safety_officer_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    grid_cell = serializers.IntegerField(required=False, allow_null=True, help_text="Only where the point lies outside every cell.")
    sectors = serializers.ListField(child=serializers.ChoiceField(Sector.choices), required=False)
    flags = serializers.ListField(child=serializers.ChoiceField(Flag.choices), required=False)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1_000_000)
    target_kind = serializers.ChoiceField(TargetKind.choices, required=False)
    risk_level = serializers.ChoiceField(RiskLevel.choices, required=False)
    risk_assessed_on = serializers.DateField(required=False, allow_null=True)
    risk_method = serializers.ChoiceField(RiskMethod.choices, required=False, allow_blank=True)
    responsible_departments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    status = serializers.ChoiceField(EnterpriseStatus.choices, required=False)


class EnterpriseViewSet(ScopedAPIMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprises the user may see; the street office and the safety office create and update them."""

    queryset = Enterprise.objects.for_list()
    filterset_class = EnterpriseFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.prefetch_related("responsible_departments") if self.action != "list" else queryset

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return EnterpriseWriteSerializer
        return EnterpriseDetailSerializer if self.action == "retrieve" else EnterpriseListSerializer

    def _answer(self, request, enterprise, code):
        """The saved record as the detail shows it, with the credit code's warnings (if any)."""
        fresh = self.get_queryset().get(pk=enterprise.pk)
        data = EnterpriseDetailSerializer(fresh, context={"request": request}).data
        return Response({**data, "warnings": enterprise.warnings}, status=code)

    @extend_schema(request=EnterpriseWriteSerializer, responses={201: EnterpriseDetailSerializer})
    def create(self, request, *args, **kwargs):
        services.check_writer(request.user)
        serializer = EnterpriseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = services.register_enterprise(actor=request.user, **serializer.validated_data)
        return self._answer(request, enterprise, status.HTTP_201_CREATED)

    @extend_schema(request=EnterpriseWriteSerializer, responses={200: EnterpriseDetailSerializer})
    def update(self, request, *args, partial=False, **kwargs):
        enterprise = self.get_object()
        services.check_writer(request.user)
        serializer = EnterpriseWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        enterprise = services.update_enterprise(enterprise, actor=request.user, **serializer.validated_data)
        return self._answer(request, enterprise, status.HTTP_200_OK)

    @extend_schema(request=EnterpriseWriteSerializer, responses={200: EnterpriseDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class ClauseSerializer(serializers.ModelSerializer):
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    standard_number = serializers.CharField(source="standard.number", read_only=True)
    cited = serializers.BooleanField(read_only=True)

    class Meta:
        model = Clause
        fields = [
            "id", "standard", "standard_name", "standard_number", "number", "summary", "sectors", "flags", "is_major",
            "valid_from", "valid_until", "version", "supersedes", "is_current", "cited",
        ]


class ClauseViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The criteria library (判定依据): every version of every clause; `current=true` for the ones in force."""

    queryset = Clause.objects.select_related("standard")
    serializer_class = ClauseSerializer
    filterset_class = ClauseFilter


class ChecklistItemSerializer(serializers.ModelSerializer):
    clause_is_major = serializers.BooleanField(source="clause.is_major", read_only=True, default=None)

    class Meta:
        model = ChecklistItem
        fields = [
            "id", "position", "code", "text", "answer_type", "threshold", "comparison", "unit", "photo_required", "clause",
            "clause_is_major", "rectification_days",
        ]


class ChecklistVersionSerializer(serializers.ModelSerializer):
    used = serializers.BooleanField(read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "number", "note", "used", "created_at", "items"]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "name", "sector", "flag", "description", "source", "current_version"]

    @extend_schema_field(ChecklistVersionSerializer(allow_null=True))
    def get_current_version(self, obj):
        current = obj.current[0] if obj.current else None
        return ChecklistVersionSerializer(current).data if current else None


class ChecklistTemplateViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Checklist templates with their current version and its items."""

    queryset = ChecklistTemplate.objects.prefetch_related(Prefetch(
        "versions", queryset=ChecklistVersion.objects.filter(is_current=True).prefetch_related("items__clause"),
        to_attr="current",
    ))
    serializer_class = ChecklistTemplateSerializer
    filterset_fields = ["sector", "flag", "code"]


def register(router) -> None:
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("criteria", ClauseViewSet, basename="criterion")
    router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklisttemplate")
