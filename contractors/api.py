"""The contractors API: thin, scoped (ScopedAPIMixin), calling the services and selectors.

Contractor staff see their firm's rows only; the office sees all. Writes: pay a milestone, take
a visit's step (start, finish, cancel, review), record a finding on a visit, upload its report,
report a major finding, draw and record spot checks.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from contractors.choices import VisitAction
from contractors.filters import VisitFilter
from contractors.models import Contract, Finding, Milestone, ServiceFirm, ServicePlan, SpotCheck, Visit
from contractors.selectors.scorecard import Period, scorecard
from contractors.services import contracts as contract_services
from contractors.services import findings as finding_services
from contractors.services import spotchecks as spotcheck_services
from contractors.services import visits as visit_services
from grids.access import ScopedAPIMixin


class FirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceFirm
        fields = ["id", "name", "credit_code", "address", "is_active"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "contract", "title", "amount", "due_on", "condition", "paid_at", "paid_amount", "paid_by"]


class ContractSerializer(serializers.ModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "firm", "firm_name", "number", "title", "amount", "starts_on", "ends_on", "deliverables", "weights",
                  "miss_penalty", "pass_mark", "withhold_percent", "min_visit_minutes", "geofence_m"]


class PlanSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    version = serializers.IntegerField(source="current.number", read_only=True, default=None)
    risks = serializers.CharField(source="current.risks", read_only=True, default="")
    visit_dates = serializers.JSONField(source="current.visit_dates", read_only=True, default=list)
    training = serializers.CharField(source="current.training", read_only=True, default="")
    targets = serializers.CharField(source="current.targets", read_only=True, default="")

    class Meta:
        model = ServicePlan
        fields = ["id", "contract", "enterprise", "enterprise_name", "version", "risks", "visit_dates", "training", "targets"]


class VisitSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    visit_status = serializers.CharField(source="status", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "plan", "contract", "firm", "enterprise", "enterprise_name", "staff", "visit_status", "planned_on",
                  "started_at", "ended_at", "latitude", "longitude", "distance_m", "far", "short", "no_position", "guidance",
                  "signed_by", "report_uploaded_at", "report_review", "survey_score", "survey_comment"]


class FindingSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "visit", "firm", "contract", "hazard", "hazard_code", "major", "found_at", "report_due_at",
                  "reported_at", "late"]


class SpotCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpotCheck
        fields = ["id", "firm", "contract", "enterprise", "visit", "sample", "drawn_at", "checked_at", "missed_major",
                  "result", "note", "hazards"]


class VisitActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=VisitAction.choices)


class FindingWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    major = serializers.BooleanField(required=False, default=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SpotCheckWriteSerializer(serializers.Serializer):
    hazards = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True)


class DrawSerializer(serializers.Serializer):
    size = serializers.IntegerField(required=False, default=20)


class FirmViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServiceFirm.objects.all()
    serializer_class = FirmSerializer


class ContractViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Contracts; GET {id}/scorecard/?period=2026Q4 gives its scorecard; POST {id}/spot-checks/ draws a sample."""

    queryset = Contract.objects.select_related("firm")
    serializer_class = ContractSerializer

    @extend_schema(parameters=[OpenApiParameter("period", str, description="e.g. 2026Q4 (default: this quarter)")],
                   responses={200: OpenApiResponse(description="The scorecard lines, total and pay consequence.")})
    @action(detail=True, methods=["get"], url_path="scorecard")
    def scorecard(self, request, pk=None):
        contract = self.get_object()
        card = scorecard(contract, Period.parse(request.query_params.get("period")))
        return Response({
            "period": card.period.label, "total": card.total, "misses": card.misses, "period_cost": card.period_cost,
            "cost_per_enterprise": card.cost_per_enterprise, "cost_per_closed": card.cost_per_closed,
            "withheld": card.withheld, "payable": card.payable,
            "lines": [{"key": line.key, "label": str(line.label), "weight": line.weight, "numerator": line.numerator,
                       "denominator": line.denominator, "penalty": line.penalty, "score": line.score,
                       "measured": line.measured} for line in card.lines],
        })

    @extend_schema(request=DrawSerializer, responses={201: SpotCheckSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="spot-checks")
    def draw(self, request, pk=None):
        contract = self.get_object()
        serializer = DrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        drawn = spotcheck_services.draw_sample(actor=request.user, contract=contract.pk, size=serializer.validated_data["size"])
        return Response(SpotCheckSerializer(drawn, many=True).data, status=status.HTTP_201_CREATED)


class MilestoneViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer

    @extend_schema(request=None, responses={200: MilestoneSerializer, 409: OpenApiResponse(description="Already paid.")})
    @action(detail=True, methods=["post"], url_path="pay")
    def pay(self, request, pk=None):
        self.get_object()
        return Response(MilestoneSerializer(contract_services.pay_milestone(pk, actor=request.user)).data)


class PlanViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServicePlan.objects.for_list()
    serializer_class = PlanSerializer


class VisitViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Visits. POST {id}/actions/ (start: latitude, longitude; finish: guidance, signed_by, survey_score,
    photos, signature; cancel: reason; review: result, note); POST {id}/findings/; POST {id}/report/."""

    queryset = Visit.objects.for_list()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=VisitActionSerializer, responses={200: VisitSerializer, 409: OpenApiResponse(description="Not now.")})
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        self.get_object()
        serializer = VisitActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = {k: v for k, v in request.data.items() if k not in ("action", "photos", "signature")}
        visit = visit_services.apply_visit_action(pk, actor=request.user, action=serializer.validated_data["action"],
                                                  params=params, photos=request.FILES.getlist("photos"),
                                                  signature=request.FILES.get("signature"))
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=FindingWriteSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"], url_path="findings")
    def findings(self, request, pk=None):
        self.get_object()
        serializer = FindingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = finding_services.record_finding(pk, actor=request.user, photos=request.FILES.getlist("photos"),
                                                  **serializer.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {"report": {"type": "string",
                                                                                             "format": "binary"}}}},
                   responses={200: VisitSerializer})
    @action(detail=True, methods=["post"], url_path="report")
    def report(self, request, pk=None):
        self.get_object()
        visit = visit_services.upload_report(pk, actor=request.user, report=request.FILES.get("report"))
        return Response(VisitSerializer(visit).data)


class FindingViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Finding.objects.for_list()
    serializer_class = FindingSerializer

    @extend_schema(request=None, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"], url_path="report")
    def report(self, request, pk=None):
        self.get_object()
        return Response(FindingSerializer(finding_services.report_major(pk, actor=request.user)).data)


class SpotCheckViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SpotCheck.objects.for_list().prefetch_related("hazards")
    serializer_class = SpotCheckSerializer

    @extend_schema(request=SpotCheckWriteSerializer, responses={200: SpotCheckSerializer})
    @action(detail=True, methods=["post"], url_path="record")
    def record(self, request, pk=None):
        self.get_object()
        serializer = SpotCheckWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = spotcheck_services.record_spot_check(pk, actor=request.user, **serializer.validated_data)
        return Response(SpotCheckSerializer(check).data)


def register(router) -> None:
    router.register("contractor-firms", FirmViewSet, basename="contractor-firm")
    router.register("service-contracts", ContractViewSet, basename="service-contract")
    router.register("milestones", MilestoneViewSet, basename="milestone")
    router.register("service-plans", PlanViewSet, basename="service-plan")
    router.register("service-visits", VisitViewSet, basename="service-visit")
    router.register("visit-findings", FindingViewSet, basename="visit-finding")
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
