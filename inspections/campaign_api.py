"""REST API of campaigns: list and detail (scoped), create and edit for the street office and the
safety office, the phase actions, the progress figures and the targets with their state."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from grids.access import ScopedAPIMixin
from inspections.choices import CampaignAction, CampaignTheme, Flag, Sector
from inspections.fieldwork_filters import CampaignFilter
from inspections.models import Campaign, CampaignEvent, ChecklistVersion
from inspections.services import campaigns as service


class CampaignListSerializer(serializers.ModelSerializer):
    theme_display = serializers.CharField(source="get_theme_display", read_only=True)
    phase_display = serializers.CharField(source="get_phase_display", read_only=True)
    lead_name = serializers.CharField(source="lead.display_name", read_only=True)
    zones = serializers.SerializerMethodField()
    due = serializers.IntegerField(read_only=True, help_text="Targets the caller sees.")
    inspected = serializers.IntegerField(read_only=True, help_text="Of those, inspected under the campaign (submitted).")

    class Meta:
        model = Campaign
        fields = ["id", "title", "theme", "theme_display", "phase", "phase_display", "lead", "lead_name", "sectors", "flags",
                  "zones", "starts_on", "ends_on", "started_at", "due", "inspected"]

    def get_zones(self, obj) -> list[int]:
        return [z.pk for z in obj.zones.all()]


class CampaignExpertSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    qualification = serializers.CharField(max_length=100, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    user = serializers.IntegerField(source="user_id", required=False, allow_null=True)


class PinnedVersionSerializer(serializers.ModelSerializer):
    template = serializers.IntegerField(source="template_id", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "template", "template_name", "number"]


class CampaignEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = CampaignEvent
        fields = ["kind", "actor", "actor_name", "from_status", "to_status", "note", "data", "created_at"]


class CampaignDetailSerializer(CampaignListSerializer):
    experts = CampaignExpertSerializer(many=True, read_only=True)
    versions = PinnedVersionSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(CampaignListSerializer.Meta):
        fields = [*CampaignListSerializer.Meta.fields, "description", "experts", "versions", "phase_changed_at", "timeline",
                  "available_actions"]

    def get_timeline(self, obj) -> list[dict]:
        return CampaignEventSerializer(service.campaign_timeline(obj), many=True).data

    def get_available_actions(self, obj) -> list[str]:
        return service.available_campaign_actions(self.context["request"].user, obj)


class CampaignWriteSerializer(serializers.Serializer):
    """The shape of the body; the service checks every rule (window, one version per template, frozen scope)."""

    title = serializers.CharField(max_length=200)
    theme = serializers.ChoiceField(CampaignTheme.choices)
    description = serializers.CharField(required=False, allow_blank=True)
    lead = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    sectors = serializers.ListField(child=serializers.ChoiceField(Sector.choices), required=False)
    flags = serializers.ListField(child=serializers.ChoiceField(Flag.choices), required=False)
    zones = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    versions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     help_text="Pinned checklist versions, one per template.")
    experts = CampaignExpertSerializer(many=True, required=False)


class CampaignActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CampaignAction.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class FiguresSerializer(serializers.Serializer):
    due = serializers.IntegerField()
    inspected = serializers.IntegerField()
    with_hazards = serializers.IntegerField()
    with_major = serializers.IntegerField()
    hazards = serializers.IntegerField()
    major = serializers.IntegerField()
    coverage = serializers.FloatField(help_text="Inspected ÷ due, in per cent.")
    per_100 = serializers.FloatField(help_text="Hazards per 100 enterprises.")
    major_share = serializers.FloatField(help_text="Major hazards ÷ hazards, in per cent.")


class BreakdownRowSerializer(FiguresSerializer):
    name = serializers.CharField()


ProgressSerializer = inline_serializer("CampaignProgress", fields={
    "progress": FiguresSerializer(), "by_zone": BreakdownRowSerializer(many=True),
    "by_sector": BreakdownRowSerializer(many=True)})


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    zone_name = serializers.CharField(source="enterprise.zone.name")
    grid_cell_name = serializers.CharField(source="enterprise.grid_cell.name")
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True,
                                          help_text="The latest submitted inspection under the campaign.")
    inspected = serializers.SerializerMethodField()
    hazards = serializers.IntegerField()
    major = serializers.IntegerField()

    def get_inspected(self, obj) -> bool:
        return obj.inspection_id is not None


def _lists(data: dict) -> dict:
    if "experts" in data:
        data["experts"] = [{**row, "user": row.pop("user_id", None)} for row in map(dict, data["experts"])]
    return data


class CampaignViewSet(ScopedAPIMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns the user sees (street office and safety office: all; others: those with a target
    they see). POST creates one, PATCH edits it (the scope only before the start: 409 after),
    POST {id}/actions/ starts it or moves its phase; {id}/progress/ and {id}/targets/ read it."""

    queryset = Campaign.objects.all()
    filterset_class = CampaignFilter

    def get_queryset(self):
        queryset = service.campaigns_for_list(self.request.user)
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "experts", Prefetch("versions", queryset=ChecklistVersion.objects.select_related("template")))

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CampaignWriteSerializer
        return CampaignListSerializer if self.action == "list" else CampaignDetailSerializer

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        campaign = self.get_queryset().get(pk=pk)
        return Response(CampaignDetailSerializer(campaign, context={"request": request}).data, status=code)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignDetailSerializer})
    def create(self, request, *args, **kwargs):
        service.check_keeper(request.user)
        serializer = CampaignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = service.create_campaign(actor=request.user, **_lists(dict(serializer.validated_data)))
        return self._detail(request, campaign.pk, status.HTTP_201_CREATED)

    @extend_schema(request=CampaignWriteSerializer, responses={
        200: CampaignDetailSerializer, 409: OpenApiResponse(description="The campaign has started: the scope is frozen.")})
    def update(self, request, *args, partial=False, **kwargs):
        campaign = self.get_object()
        service.check_keeper(request.user)
        serializer = CampaignWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        service.edit_campaign(campaign.pk, actor=request.user, **_lists(dict(serializer.validated_data)))
        return self._detail(request, campaign.pk)

    @extend_schema(request=CampaignWriteSerializer, responses={
        200: CampaignDetailSerializer, 409: OpenApiResponse(description="The campaign has started: the scope is frozen.")})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        request=CampaignActionSerializer,
        responses={200: CampaignDetailSerializer, 409: OpenApiResponse(description="The move is not allowed now.")},
        description="start (mobilise → self-check, freezing the enterprises in scope), inspect (→ inspection), "
        "review (→ review).",
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        self.get_object()  # out of scope or missing: 404 before the body is read
        serializer = CampaignActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service.move_campaign(pk, actor=request.user, action=serializer.validated_data["action"],
                              params={"note": serializer.validated_data.get("note", "")})
        return self._detail(request, pk)

    @extend_schema(responses={200: ProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        campaign = self.get_object()
        data = service.report_data(campaign, request.user)
        return Response({"progress": data["progress"], "by_zone": data["by_zone"], "by_sector": data["by_sector"]})

    @extend_schema(responses={200: TargetSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def targets(self, request, pk=None):
        campaign = self.get_object()
        page = self.paginate_queryset(service.targets_with_state(campaign, request.user))
        return self.get_paginated_response(TargetSerializer(page, many=True).data)


def register(router) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
