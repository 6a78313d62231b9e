"""REST API of the assessment: periods, score sheets (with their lines), appeals and schemes, each
scoped by its model's `visible_to(user)`. Writes call the services; refusals answer 409 (403 for a
role that may not act), bad input 400, out of scope 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.assessment import appeals, selectors, services
from governance.assessment.choices import AppealAction
from governance.assessment.models import Appeal, Indicator, Period, Scheme, ScoreSheet
from grids.access import ScopedAPIMixin


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "kind", "start", "end", "status", "computed_at", "published_at", "appeal_until"]


class SheetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreSheet
        fields = ["id", "period", "scheme", "subject_type", "subject_id", "subject_name", "zone", "community", "population",
                  "version", "is_current", "total", "grade", "grade_label", "coefficient", "rank", "flags"]


class SheetDetailSerializer(SheetSerializer):
    class Meta(SheetSerializer.Meta):
        fields = [*SheetSerializer.Meta.fields, "lines", "combined", "computed_at", "reason"]


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["id", "sheet", "line_key", "incident", "reason", "evidence", "status", "submitted_by", "submitted_at",
                  "due_at", "zone_opinion", "decision_note", "decided_by", "decided_at", "result_sheet"]


class AppealCreateSerializer(serializers.Serializer):
    line_key = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=2000)
    incident = serializers.IntegerField(required=False, allow_null=True)


class AppealActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a for a in AppealAction.values if a != AppealAction.EXPIRE])
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    points = serializers.CharField(required=False, allow_blank=True, max_length=10)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["key", "label", "numerator", "denominator", "scoring", "direction", "weight", "bands", "low", "high",
                  "per_item", "cap"]


class SchemeSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "subject_type", "worker_kind", "name", "version", "is_current", "grades", "bonus_cap", "indicators"]


class PeriodViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Assessment periods. POST {id}/publish/ freezes one (street office)."""

    queryset = Period.objects.order_by("-start", "kind")
    serializer_class = PeriodSerializer
    filterset_fields = ["kind", "status"]

    @extend_schema(request=None, responses={200: PeriodSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        period = self.get_object()
        if not request.user.sees_everything:
            raise Http404  # periods are no secret, but publishing is the street office's: outsiders see 404
        return Response(PeriodSerializer(services.publish_period(period.pk, actor=request.user)).data)


class SheetViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Score sheets; the list is the ranking (no lines); one sheet has its lines with the case ids.
    POST {id}/appeal/ appeals against one line."""

    queryset = ScoreSheet.objects.order_by("period", "subject_type", "rank", "subject_name")
    filterset_fields = ["period", "subject_type", "is_current", "subject_id", "grade"]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action != "list" else queryset.only(*selectors.RANKING_FIELDS, "scheme_id")

    def get_serializer_class(self):
        return SheetSerializer if self.action == "list" else SheetDetailSerializer

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        sheet = self.get_object()
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeal = appeals.submit_appeal(sheet.pk, actor=request.user, line_key=v["line_key"], reason=v["reason"],
                                       evidence=v["evidence"], incident_id=v.get("incident"))
        return Response(AppealSerializer(appeal).data, status=201)


class AppealViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Appeals. POST {id}/actions/ moves one through the table (forward, uphold, adjust, exclude, comment)."""

    queryset = Appeal.objects.order_by("-submitted_at")
    serializer_class = AppealSerializer
    filterset_fields = ["status", "sheet"]

    @extend_schema(request=AppealActionSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        appeal = self.get_object()
        data = AppealActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = {k: v for k, v in data.validated_data.items() if k != "action"}
        moved = appeals.act(appeal.pk, actor=request.user, action=data.validated_data["action"], params=params)
        return Response(AppealSerializer(moved).data)


class SchemeViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Assessment schemes and their indicators (every version)."""

    queryset = Scheme.objects.prefetch_related("indicators").order_by("subject_type", "worker_kind", "-version")
    serializer_class = SchemeSerializer
    filterset_fields = ["subject_type", "is_current"]


def register(router) -> None:
    router.register("assessment/periods", PeriodViewSet, basename="assessment-period")
    router.register("assessment/sheets", SheetViewSet, basename="assessment-sheet")
    router.register("assessment/appeals", AppealViewSet, basename="assessment-appeal")
    router.register("assessment/schemes", SchemeViewSet, basename="assessment-scheme")
