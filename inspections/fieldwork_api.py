"""REST API of inspections (nested answers, retry-safe by client_key) and hazards (the actions endpoint)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from grids.access import ScopedAPIMixin, get_visible_or_404
from inspections import services
from inspections.choices import FactorKind, HazardAction, InspectionKind, SignatureKind
from inspections.fieldwork_filters import HazardFilter, InspectionFilter
from inspections.models import Hazard, HazardEvent, Inspection, InspectionAnswer, InspectionInspector
from inspections.services.hazards import hazard_timeline

# --- inspections ---------------------------------------------------------------------------------

class InspectionListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    template_name = serializers.CharField(source="version.template.name", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "client_key", "campaign", "enterprise", "enterprise_name", "zone", "zone_name", "kind", "kind_display", "status",
                  "version", "template_name", "version_number", "started_at", "ended_at", "distance_m", "location_flagged",
                  "submitted_at"]


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)
    hazard = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = InspectionAnswer
        fields = ["id", "item", "code", "text", "answer", "value", "passed", "note", "hazard", "photos"]

    def get_hazard(self, obj) -> int | None:
        hazard = getattr(obj, "hazard", None)  # the reverse one-to-one: absent when none was raised
        return hazard.pk if hazard else None

    def get_photos(self, obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class InspectorSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.display_name", read_only=True)
    certificate_no = serializers.CharField()


class ExpertSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    qualification = serializers.CharField(max_length=100, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True)


class InspectionDetailSerializer(InspectionListSerializer):
    inspectors = InspectorSerializer(source="inspector_rows", many=True, read_only=True)
    experts = ExpertSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()
    signature_url = serializers.SerializerMethodField()

    class Meta(InspectionListSerializer.Meta):
        fields = [*InspectionListSerializer.Meta.fields, "latitude", "longitude", "summary", "inspectors", "experts", "answers",
                  "photos", "signature_url", "signature_kind", "signed_by"]

    def get_photos(self, obj) -> list[dict]:
        return [{"id": p.pk, "answer": p.answer_id, "url": reverse("inspections:inspection-photo", args=[obj.pk, p.pk])}
                for p in obj.photos.all()]

    def get_signature_url(self, obj) -> str | None:
        return reverse("inspections:inspection-signature", args=[obj.pk]) if obj.signature else None


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    answer = serializers.CharField(required=False, allow_blank=True)
    value = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class InspectorInSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    certificate_no = serializers.CharField(required=False, allow_blank=True)


class InspectionCreateSerializer(serializers.Serializer):
    """The shape of the body; the service checks every rule (two inspectors, items of the version)."""

    client_key = serializers.CharField(help_text="A UUID the client generates once per inspection and resends on retry.")
    enterprise = serializers.IntegerField()
    campaign = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="A running campaign the enterprise is a target of (optional).")
    kind = serializers.ChoiceField(InspectionKind.choices)
    version = serializers.IntegerField(help_text="The checklist version answered against.")
    started_at = serializers.CharField(required=False)
    ended_at = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    submit = serializers.BooleanField(required=False, default=False)
    inspectors = InspectorInSerializer(many=True, required=False)
    experts = ExpertSerializer(many=True, required=False)
    answers = AnswerInSerializer(many=True, required=False)


def inspection_detail_queryset():
    return Inspection.objects.for_list().prefetch_related(
        Prefetch("inspector_rows", queryset=InspectionInspector.objects.select_related("user")),
        "experts", "photos",
        Prefetch("answers", queryset=InspectionAnswer.objects.select_related("item", "hazard").prefetch_related("photos")),
    )


class InspectionViewSet(ScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections of the enterprises the user sees. POST records one (201; 200 with the stored
    inspection when its client_key is known: a draft of the caller's is updated, a submitted one
    returned unchanged); {id}/submit/ (refused while a failed photo-required item has no photo),
    {id}/photos/, {id}/signature/."""

    queryset = Inspection.objects.for_list()
    filterset_class = InspectionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "list":
            return super().get_queryset()
        return inspection_detail_queryset().visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return InspectionCreateSerializer
        return InspectionDetailSerializer if self.action != "list" else InspectionListSerializer

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        inspection = inspection_detail_queryset().visible_to(request.user).get(pk=pk)
        return Response(InspectionDetailSerializer(inspection, context={"request": request}).data, status=code)

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionDetailSerializer, 200: InspectionDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = InspectionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("inspectors", "experts", "answers"):
            if name in data:
                data[name] = [dict(row) for row in data[name]]
        inspection, created = services.save_inspection(actor=request.user, **data)
        return self._detail(request, inspection.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: InspectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        inspection = services.submit_inspection(self.get_object().pk, actor=request.user)
        return self._detail(request, inspection.pk)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}, "answer": {"type": "integer"}}}},
        responses={200: InspectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        inspection = self.get_object()
        files = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        services.add_inspection_photos(inspection.pk, actor=request.user, photos=files, answer=request.data.get("answer"))
        return self._detail(request, inspection.pk)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "signature": {"type": "string", "format": "binary"}, "signature_kind": {"enum": SignatureKind.values},
        "signed_by": {"type": "string"}}}}, responses={200: InspectionDetailSerializer})
    @action(detail=True, methods=["post"])
    def signature(self, request, pk=None):
        inspection = self.get_object()
        services.sign_inspection(inspection.pk, actor=request.user, image=request.FILES.get("signature"),
                                 kind=request.data.get("signature_kind") or SignatureKind.DRAWN,
                                 signed_by=request.data.get("signed_by", ""))
        return self._detail(request, inspection.pk)


# --- hazards -------------------------------------------------------------------------------------

class HazardListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    grid_cell_name = serializers.CharField(source="grid_cell.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    clause_label = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = ["id", "code", "status", "status_display", "source", "enterprise", "enterprise_name", "inspection", "item",
                  "clause", "clause_label", "proposed_level", "level", "factor_kind", "description", "location",
                  "department", "department_name", "rectification_days", "grid_cell", "grid_cell_name", "community", "zone",
                  "zone_name", "recorded_at"]

    def get_clause_label(self, obj) -> str | None:
        return f"{obj.clause.standard.number} {obj.clause.number}" if obj.clause_id else None


class HazardEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = HazardEvent
        fields = ["kind", "actor", "actor_name", "from_status", "to_status", "note", "data", "created_at"]


class HazardDetailSerializer(HazardListSerializer):
    timeline = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(HazardListSerializer.Meta):
        fields = [*HazardListSerializer.Meta.fields, "answer", "major_basis", "major_reason", "reporter", "confirmed_at",
                  "confirmed_by", "timeline", "photos", "available_actions",
                  # the rectification loop (issue 12)
                  "notice", "mode", "due_at", "first_due_at", "warn_at", "escalation", "missed_deadlines", "extensions",
                  "recheck_due_at", "recheck_failures", "production_halted", "supervised_at", "refusals", "completed_at",
                  "closed_at", "closed_on_time", "reopen_count"]

    def get_timeline(self, obj) -> list[dict]:
        return HazardEventSerializer(hazard_timeline(obj), many=True).data

    def get_photos(self, obj) -> list[dict]:
        return [{"id": p.pk, "url": reverse("inspections:hazard-photo", args=[obj.pk, p.pk])} for p in obj.photos.all()]

    def get_available_actions(self, obj) -> list[str]:
        return services.available_hazard_actions(self.context["request"].user, obj)


class HazardCreateSerializer(serializers.Serializer):
    """Either `answer` (a failed item: the rest is pre-filled) or `enterprise` and `description`."""

    answer = serializers.IntegerField(required=False)
    enterprise = serializers.IntegerField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    clause = serializers.IntegerField(required=False, allow_null=True)
    factor_kind = serializers.ChoiceField(FactorKind.choices, required=False)
    location = serializers.CharField(required=False, allow_blank=True)
    department = serializers.IntegerField(required=False, allow_null=True)
    rectification_days = serializers.IntegerField(required=False, allow_null=True)


class HazardActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=HazardAction.choices)


class HazardViewSet(ScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Hazards the user may see. POST records one; POST {id}/actions/ confirms, voids or comments."""

    queryset = Hazard.objects.for_list()
    filterset_class = HazardFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.prefetch_related("photos")

    def get_serializer_class(self):
        if self.action == "create":
            return HazardCreateSerializer
        return HazardListSerializer if self.action == "list" else HazardDetailSerializer

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        hazard = self.get_queryset().filter(pk=pk).first()
        if hazard is None:
            return Response({"detail": "done", "visible": False}, status=code)
        return Response(HazardDetailSerializer(hazard, context={"request": request}).data, status=code)

    @extend_schema(request=HazardCreateSerializer, responses={201: HazardDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = HazardCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        if "answer" in data:
            extra = {k: data[k] for k in ("description", "factor_kind", "location", "department") if k in data}
            hazard = services.hazard_from_answer(data["answer"], actor=request.user, photos=photos, **extra)
        else:
            data.setdefault("enterprise", None)
            data.setdefault("description", "")
            hazard = services.record_hazard(actor=request.user, photos=photos, **data)
        return self._detail(request, hazard.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=HazardActionSerializer,
        responses={200: HazardDetailSerializer, 409: OpenApiResponse(description="The move is not allowed now.")},
        description="Take an action: confirm (level, major_reason, clause, department, rectification_days, note), "
        "void (reason), comment (note); the rectification loop: notify (mode, working_days, responsible_person, measures, "
        "funds, time_limit, emergency_plan), serve (signature data URL or photos, served_to), submit (photos, latitude, "
        "longitude, note), start_recheck (reviewers), pass_recheck / fail_recheck (reason), close_on_spot (photos), "
        "request_extension (working_days, reason), decide_extension (approve, note), refer (department, reason), "
        "referral_feedback (feedback, penalty_ref), plan (goals, methods, funds_materials, organisation, "
        "time_requirements, safety_measures, evaluation_report, evaluated_by), apply_resume (note), decide_resume "
        "(approve, note), refuse (ground, evidence, photos), edit (description, location, rectification_days and the "
        "notice's 五落实 — never the deadline), reopen (reason, working_days).",
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        get_visible_or_404(Hazard, request.user, pk=pk)  # out of scope: 404 whatever the body
        serializer = HazardActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = {k: v for k, v in request.data.items() if k not in ("action", "photos")}
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        services.apply_hazard_action(pk, actor=request.user, action=serializer.validated_data["action"], params=params,
                                     photos=photos)
        return self._detail(request, pk)


def register(router) -> None:
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("hazards", HazardViewSet, basename="hazard")

