"""The API of joint interviews: thin, scoped (ScopedAPIMixin), calling the services. (A refusal to
rectify is the hazard's `refuse` action: POST /api/v1/hazards/{id}/actions/.)

Outside participants (Role.EXTERNAL) may read the interviews they take part in (the viewset is
open to them; `visible_to` narrows the rows); every write refuses them (the table's roles).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from grids.access import ScopedAPIMixin
from grids.external import open_to_external
from inspections.interview_choices import Body, InterviewAction
from inspections.interview_filters import InterviewFilter
from inspections.models import CommitmentItem, InterviewEvent, InterviewParticipant, JointInterview
from inspections.services import interviews as services


class InterviewListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = JointInterview
        fields = ["id", "code", "status", "status_display", "enterprise", "enterprise_name", "organiser", "organiser_name",
                  "proposed_at", "hold_by", "scheduled_at", "place", "held_at", "due_at", "outcome", "outcome_display",
                  "closed_at"]


class ParticipantSerializer(serializers.ModelSerializer):
    body_display = serializers.CharField(source="get_body_display", read_only=True)

    class Meta:
        model = InterviewParticipant
        fields = ["id", "body", "body_display", "name", "organisation", "department", "user", "attended"]


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitmentItem
        fields = ["text", "deadline"]


class InterviewEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = InterviewEvent
        fields = ["kind", "actor", "actor_name", "from_status", "to_status", "note", "data", "created_at"]


class InterviewDetailSerializer(InterviewListSerializer):
    hazards = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True, read_only=True)
    commitments = CommitmentSerializer(many=True, read_only=True)
    commitment_scan_url = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(InterviewListSerializer.Meta):
        fields = [*InterviewListSerializer.Meta.fields, "meeting_title", "proposal_note", "reason", "materials",
                  "notice_sent_at", "principal_name", "attendee_name", "principal_in_person", "stand_in", "record", "minutes",
                  "minutes_sent_at", "commitment_signed_by", "commitment_signed_at", "commitment_scan_url", "report",
                  "report_received_at", "report_on_time", "rechecked_at", "recheck_passed", "recheck_note", "outcome_note",
                  "hazards", "participants", "commitments", "timeline", "available_actions"]

    def get_hazards(self, obj) -> list[dict]:
        return [{"id": h.pk, "code": h.code, "description": h.description, "level": h.level} for h in obj.hazards.all()]

    def get_commitment_scan_url(self, obj) -> str | None:
        return reverse("inspections:interview-scan", args=[obj.pk]) if obj.commitment_scan else None

    def get_timeline(self, obj) -> list[dict]:
        return InterviewEventSerializer(services.interview_timeline(obj), many=True).data

    def get_available_actions(self, obj) -> list[str]:
        return services.available_interview_actions(self.context["request"].user, obj)


class InterviewActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=InterviewAction.choices)


class ParticipantWriteSerializer(serializers.Serializer):
    body = serializers.ChoiceField(choices=Body.choices)
    name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=100)
    department = serializers.IntegerField(required=False, allow_null=True)
    user = serializers.IntegerField(required=False, allow_null=True)


@open_to_external
class InterviewViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Joint interviews the user may see. POST {id}/actions/ takes a step; POST {id}/participants/ seats one."""

    queryset = JointInterview.objects.for_list()
    filterset_class = InterviewFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related("hazards", "participants", "commitments")

    def get_serializer_class(self):
        return InterviewListSerializer if self.action == "list" else InterviewDetailSerializer

    def _detail(self, request, pk):
        interview = self.get_queryset().get(pk=pk)
        return Response(InterviewDetailSerializer(interview, context={"request": request}).data)

    @extend_schema(
        request=InterviewActionSerializer,
        responses={200: InterviewDetailSerializer, 409: OpenApiResponse(description="The step is not possible now.")},
        description="Take a step: schedule (scheduled_at, place, reason, materials), hold (attended: participant ids, "
        "attendee_name, principal_in_person, record, minutes), commit (items: [{text, deadline}], signed_by, scan: file), "
        "report (report), recheck (passed, note), close (outcome, note), comment (note).",
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        self.get_object()  # out of scope or missing: 404 before the body is read
        serializer = InterviewActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = {k: v for k, v in request.data.items() if k not in ("action", "scan", "attended")}
        if hasattr(request.data, "getlist"):
            params["attended"] = request.data.getlist("attended")
        elif "attended" in request.data:
            params["attended"] = request.data["attended"]
        if "scan" in request.FILES:
            params["scan"] = request.FILES["scan"]
        services.apply_interview_action(pk, actor=request.user, action=serializer.validated_data["action"], params=params)
        return self._detail(request, pk)

    @extend_schema(request=ParticipantWriteSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=["post"], url_path="participants")
    def participants(self, request, pk=None):
        self.get_object()  # out of scope or missing: 404 before the body is read
        serializer = ParticipantWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = services.add_participant(pk, actor=request.user, **serializer.validated_data)
        return Response(ParticipantSerializer(seat).data, status=status.HTTP_201_CREATED)



def register(router) -> None:
    router.register("interviews", InterviewViewSet, basename="interview")
