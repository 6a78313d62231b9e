"""REST API of the rectification loop: the list of what waits (one FilterSet with the page) and
rectification notices (one for several hazards: issue, serve). The loop's moves on one hazard
are the hazards' actions endpoint (POST /api/v1/hazards/{id}/actions/)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from grids.access import ScopedAPIMixin
from inspections import services
from inspections.choices import RectificationMode
from inspections.models import Hazard, RectificationNotice
from inspections.rectification_filters import RectificationFilter, rectification_queryset


class RectificationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    notice_number = serializers.CharField(source="notice.number", read_only=True, default=None)

    class Meta:
        model = Hazard
        fields = ["id", "code", "status", "status_display", "level", "enterprise", "enterprise_name", "zone", "zone_name",
                  "notice", "notice_number", "mode", "due_at", "first_due_at", "warn_at", "escalation", "missed_deadlines",
                  "extensions", "recheck_due_at", "recheck_failures", "production_halted", "supervised_at", "refusals",
                  "completed_at", "closed_at", "closed_on_time", "reopen_count"]


class RectificationViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Hazards in the rectification loop the user may see, soonest due first; `queue` picks what waits
    (notices to serve, deadline tomorrow, overdue, rechecks to do or overdue, 挂牌督办, refused, referred)."""

    queryset = rectification_queryset()
    filterset_class = RectificationFilter
    serializer_class = RectificationSerializer


class NoticeSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    issuer_name = serializers.CharField(source="issuer.display_name", read_only=True)
    hazards = serializers.SerializerMethodField()
    print_url = serializers.SerializerMethodField()

    class Meta:
        model = RectificationNotice
        fields = ["id", "number", "enterprise", "enterprise_name", "issuer", "issuer_name", "issued_at", "mode", "working_days",
                  "due_at", "responsible_person", "measures", "funds", "time_limit", "emergency_plan", "served_at",
                  "served_to", "service_kind", "hazards", "print_url"]

    def get_hazards(self, obj) -> list[dict]:
        return [{"id": h.pk, "code": h.code, "status": h.status} for h in obj.hazards.all()]

    def get_print_url(self, obj) -> str:
        return reverse("inspections:notice-print", args=[obj.pk])


class NoticeCreateSerializer(serializers.Serializer):
    """The shape of the body; the service checks every rule (one enterprise, confirmed hazards, 五落实)."""

    hazards = serializers.ListField(child=serializers.IntegerField(), help_text="Confirmed hazards of one enterprise.")
    mode = serializers.ChoiceField(RectificationMode.choices, required=False)
    working_days = serializers.IntegerField(required=False, help_text="The deadline, in working days from now.")
    responsible_person = serializers.CharField(allow_blank=True)
    measures = serializers.CharField(allow_blank=True)
    funds = serializers.CharField(help_text="Yuan, e.g. 12000.50")
    time_limit = serializers.CharField(allow_blank=True)
    emergency_plan = serializers.CharField(allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class NoticeViewSet(ScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rectification notices of the enterprises the user sees. POST issues one for several hazards;
    POST {id}/serve/ records the proof of service (signature data URL or file, or photos)."""

    queryset = RectificationNotice.objects.select_related("enterprise", "issuer").prefetch_related("hazards")
    serializer_class = NoticeSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        notice = self.get_queryset().get(pk=pk)
        return Response(NoticeSerializer(notice).data, status=code)

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer,
                                                              404: OpenApiResponse(description="A hazard is not visible."),
                                                              409: OpenApiResponse(description="A hazard is not confirmed.")})
    def create(self, request, *args, **kwargs):
        serializer = NoticeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        hazards = data.pop("hazards")
        notice = services.issue_notice(actor=request.user, hazards=hazards, params=data)
        return self._detail(request, notice.pk, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "signature": {"type": "string", "description": "A drawn signature: a data URL or an image file."},
        "served_to": {"type": "string"}, "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        responses={200: NoticeSerializer, 409: OpenApiResponse(description="Not possible now.")})
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        notice = self.get_object()
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        signature = request.FILES.get("signature") if hasattr(request.FILES, "get") and request.FILES.get("signature") else (
            request.data.get("signature"))
        services.serve_notice(notice.pk, actor=request.user, signature=signature, photos=photos,
                              served_to=request.data.get("served_to", ""))
        return self._detail(request, notice.pk)


def register(router) -> None:
    router.register("rectification", RectificationViewSet, basename="rectification")
    router.register("notices", NoticeViewSet, basename="notice")
