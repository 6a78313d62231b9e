"""REST API of cases: list/create, detail with deadlines, timeline and available actions, and
one endpoint that takes any action of the transition table."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework.files import private_file_response
from grids.access import ScopedAPIMixin, get_visible_or_404
from incidents import selectors, services
from incidents.choices import Action
from incidents.filters import IncidentFilter
from incidents.models import Category, Incident, IncidentEvent, IncidentPhoto, StageDeadline, StageLimit


class IncidentListSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.display_name", read_only=True)
    domain_name = serializers.CharField(source="category.parent.display_name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    grid_cell_name = serializers.CharField(source="grid_cell.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    escalation_display = serializers.CharField(source="get_escalation_display", read_only=True)
    deadline_badge = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id", "code", "category", "category_name", "domain_name", "description", "status", "status_display",
            "severity", "grid_cell", "grid_cell_name", "community", "community_name", "department", "department_name",
            "reported_at", "stage", "due_at", "escalation", "escalation_display", "deadline_badge", "latitude", "longitude",
        ]

    def get_deadline_badge(self, obj) -> str:
        return selectors.deadline_badge(obj)


class DeadlineSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = StageDeadline
        fields = ["stage", "stage_display", "limit_amount", "limit_kind", "started_at", "due_at", "finished_at", "on_time", "extended"]


class EventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = IncidentEvent
        fields = ["id", "kind", "kind_display", "actor", "actor_name", "from_status", "to_status", "note", "data", "created_at"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The photo, sent only to users who see the case (token or session).")

    def get_url(self, obj) -> str:
        path = reverse("incident-photo", args=[obj.incident_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    class Meta:
        model = IncidentPhoto
        fields = ["id", "kind", "url", "width", "height", "created_at"]


class IncidentDetailSerializer(IncidentListSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)
    timeline = EventSerializer(source="events", many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(IncidentListSerializer.Meta):
        fields = [
            *IncidentListSerializer.Meta.fields, "address", "source", "reporter", "assignee", "result", "warn_at",
            "extension_pending", "return_count", "rework_count", "extension_count", "registered_at", "closed_at", "observed_at",
            "duplicate_of", "deadlines", "timeline", "photos", "available_actions",
        ]

    def get_available_actions(self, obj) -> list[str]:
        return services.available_actions(self.context["request"].user, obj)


class IncidentCreateSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    description = serializers.CharField(max_length=2000)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    severity = serializers.CharField(required=False, allow_blank=True)
    grid_cell = serializers.IntegerField(required=False, allow_null=True)
    fixed_on_spot = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    # The phone's estimate of its fix in metres (a vague one is flagged for the zone leader).
    location_accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0)
    # A client's one-time key for this report: sending it again returns the case already filed (200).
    intake_token = serializers.UUIDField(required=False, allow_null=True)
    # The client's key for this report (or the Idempotency-Key header): a resend returns the first case (200).
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)
    # When the worker observed it, by the phone's clock (a report queued offline): at most
    # INTAKE_OBSERVED_MAX_DAYS old, not in the future. The case's clock starts when it is received.
    observed_at = serializers.DateTimeField(required=False, allow_null=True)
    # When the phone took its location fix.
    located_at = serializers.DateTimeField(required=False, allow_null=True)


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="A UUID the client makes for this report; sending it again returns the case it filed (200), never a second.",
)


def _idempotency_key(request, data: dict):
    """The report's key, from the Idempotency-Key header or the body; both given, they must agree."""
    header = (request.headers.get("Idempotency-Key") or "").strip()
    body = data.get("idempotency_key")
    if header and body is not None and header.lower() != str(body):
        raise ValidationError({"idempotency_key": _("The Idempotency-Key header and the body's idempotency_key differ.")})
    return header or body


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)


class IncidentViewSet(ScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases the user may see. POST files a case; POST {id}/actions/ moves it."""

    queryset = Incident.objects.all()
    filterset_class = IncidentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.case_detail(self.request.user)
        return selectors.case_list(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        if self.action == "photo":  # a file, whatever the client accepts; errors still answer JSON
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def get_serializer_class(self):
        if self.action == "create":
            return IncidentCreateSerializer
        if self.action == "retrieve":
            return IncidentDetailSerializer
        return IncidentListSerializer

    @extend_schema(
        request=IncidentCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: inline_serializer("IncidentCreated", {
            "id": serializers.IntegerField(), "code": serializers.CharField(),
            "grid_cell": serializers.IntegerField(), "status": serializers.CharField(),
        })},
    )
    def create(self, request, *args, **kwargs):
        services.check_reporter(request.user)  # 403 before anything about the body
        serializer = IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else data.pop("photos", [])
        data.pop("photos", None)
        data["idempotency_key"] = _idempotency_key(request, data)
        incident = services.report_incident(reporter=request.user, photos=photos, source="api", **data)
        return Response(
            {"id": incident.pk, "code": incident.code, "grid_cell": incident.grid_cell_id, "status": incident.status},
            status=status.HTTP_200_OK if incident.repeated else status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ActionSerializer,
        responses={200: IncidentDetailSerializer, 409: OpenApiResponse(description="The move is not allowed now.")},
        description="Take an action: register, reject, confirm, dispatch (department, assignee, deadline), accept, "
        "return (reason), handle (result, photos), verify (passed, note, photos), close, dispute (reason), "
        "request_extension (days, reason), approve_extension, refuse_extension (reason), suspend (reason), resume, "
        "void (reason), comment (note).",
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        get_visible_or_404(Incident, request.user, pk=pk)  # out of scope: 404 whatever the body
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = {k: v for k, v in request.data.items() if k not in ("action", "photos")}
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        # A refusal answers 409 with its reason through casework.http.exception_handler.
        services.apply_action(pk, actor=request.user, action=serializer.validated_data["action"], params=params, photos=photos)
        incident = selectors.case_detail(request.user).filter(pk=pk).first()
        if incident is None:  # e.g. a department returned the case and no longer sees it
            return Response({"detail": "done", "visible": False}, status=status.HTTP_200_OK)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data)


    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No such photo in a case you see.")},
        description="A photo of the case, for users who see the case.",
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_pk>[0-9]+)", url_name="photo")
    def photo(self, request, pk=None, photo_pk=None):
        incident = get_visible_or_404(Incident, request.user, pk=pk)
        item = get_object_or_404(IncidentPhoto, pk=photo_pk, incident=incident)
        return private_file_response(item.image, content_type="image/jpeg")


class StageLimitSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageLimit
        fields = ["stage", "amount", "kind", "warn_ratio"]


class CategorySerializer(serializers.ModelSerializer):
    limits = StageLimitSerializer(many=True, read_only=True)
    domain = serializers.IntegerField(source="parent_id", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "domain", "default_department", "default_severity", "self_handle_allowed", "limits"]


class CategoryViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(is_active=True).prefetch_related("limits").order_by("sort", "code")
    serializer_class = CategorySerializer
    filterset_fields = ["parent", "code"]


def register(router) -> None:
    router.register("incidents", IncidentViewSet, basename="incident")
    router.register("categories", CategoryViewSet, basename="category")


