"""REST API of the joint meetings: meetings, agenda items and decisions, each scoped by its model's
`visible_to(user)`. Writes call governance.meetings.services; its refusals answer 409 (403 for a
user who does not run meetings), with a JSON reason."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.meetings import selectors, services
from governance.meetings.agenda import decision_outcome, follow_up, week_of
from governance.meetings.choices import DecisionAction, ItemReason, MeetingKind
from governance.meetings.filters import AgendaItemFilter, DecisionFilter, MeetingFilter
from governance.meetings.models import AgendaItem, Decision, Meeting
from grids.access import ScopedAPIMixin
from grids.models import Department, User

# --- meetings ------------------------------------------------------------------------------------

class MeetingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    chair_name = serializers.CharField(source="chair.display_name", read_only=True, default=None)
    item_count = serializers.IntegerField(read_only=True)
    decided_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "kind", "kind_display", "title", "year", "number", "week_start", "held_at", "place", "chair", "chair_name",
            "status", "status_display", "item_count", "decided_count", "started_at", "published_at",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="item.meeting_id", read_only=True)
    incident = serializers.IntegerField(source="item.incident_id", read_only=True)
    incident_code = serializers.CharField(source="item.incident.code", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True)
    cooperating = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id", "item", "meeting", "incident", "incident_code", "lead_department", "lead_department_name", "cooperating",
            "deadline", "note", "applied_at", "outcome",
        ]

    def get_cooperating(self, obj) -> list[dict]:
        return [{"id": d.pk, "name": d.name} for d in obj.cooperating.all()]

    def get_outcome(self, obj) -> str:
        return decision_outcome(obj, as_of=timezone.now(), superseded_at=getattr(obj, "superseded_at", None))


class ItemDecisionSerializer(DecisionSerializer):
    """A decision inside its item: no outcome (that needs the ledger's joins)."""

    class Meta(DecisionSerializer.Meta):
        fields = ["id", "action", "lead_department", "lead_department_name", "cooperating", "deadline", "note", "applied_at"]


class AgendaItemSerializer(serializers.ModelSerializer):
    incident_code = serializers.CharField(source="incident.code", read_only=True)
    incident_status = serializers.CharField(source="incident.status", read_only=True)
    category_name = serializers.CharField(source="incident.category.name", read_only=True)
    community_name = serializers.CharField(source="incident.community.name", read_only=True)
    description = serializers.CharField(source="incident.description", read_only=True)
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, default=None)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    withdrawn = serializers.BooleanField(source="is_withdrawn", read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id", "meeting", "position", "incident", "incident_code", "incident_status", "category_name", "community_name",
            "description", "hazard", "hazard_code", "reason", "reason_display", "reason_note", "carried_from", "history", "withdrawn",
            "withdrawn_reason", "decision",
        ]

    def get_decision(self, obj) -> dict | None:
        decision = getattr(obj, "decision", None)
        return ItemDecisionSerializer(decision).data if decision else None


class FollowUpSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision.pk")
    meeting = serializers.IntegerField(source="decision.item.meeting_id")
    incident = serializers.IntegerField(source="decision.item.incident_id")
    incident_code = serializers.CharField(source="decision.item.incident.code")
    lead_department_name = serializers.CharField(source="decision.lead_department.name")
    deadline = serializers.DateTimeField(source="decision.deadline")
    outcome = serializers.CharField()
    outcome_display = serializers.CharField(source="outcome_label")


class MeetingDetailSerializer(MeetingSerializer):
    attending_departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    items = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attending_departments", "attendees", "guests", "summary", "items", "follow_up"]

    def get_items(self, obj) -> list[dict]:
        return AgendaItemSerializer(selectors.agenda_items(obj), many=True).data

    def get_follow_up(self, obj) -> list[dict]:
        return FollowUpSerializer(follow_up(obj), many=True).data


class MeetingWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    held_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(required=False, max_length=200)
    chair = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    attending_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False
    )
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True, required=False)
    guests = serializers.CharField(required=False, allow_blank=True, max_length=500)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    fill = serializers.BooleanField(required=False, default=True)


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField())


class MeetingViewSet(ScopedAPIMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Joint meetings. POST prepares one (street office); PATCH changes its details; POST
    {id}/start/, {id}/publish/, {id}/refresh/, {id}/reorder/ run it."""

    queryset = Meeting.objects.all()
    filterset_class = MeetingFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.meeting_detail(self.request.user)
        return selectors.meeting_list(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return MeetingWriteSerializer
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def _detail(self, pk) -> Response:
        meeting = selectors.meeting_detail(self.request.user).get(pk=pk)
        return Response(MeetingDetailSerializer(meeting, context=self.get_serializer_context()).data)

    @extend_schema(request=MeetingWriteSerializer, responses={201: MeetingDetailSerializer, 200: MeetingDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MeetingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("summary", None)
        held_at = data.pop("held_at", None)
        meeting, created = services.prepare_meeting(
            kind=data.pop("kind", MeetingKind.WEEKLY), week_start=week_of(held_at or timezone.now()), actor=request.user,
            held_at=held_at, **data,
        )
        response = self._detail(meeting.pk)
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return response

    @extend_schema(request=MeetingWriteSerializer, responses={200: MeetingDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = MeetingWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        if "kind" in fields:
            return Response({"kind": ["The kind of a meeting cannot change."]}, status=status.HTTP_400_BAD_REQUEST)
        services.update_meeting(meeting.pk, actor=request.user, **fields)
        return self._detail(meeting.pk)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.partial_update(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: MeetingDetailSerializer, 409: OpenApiResponse(description="Not allowed now.")})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        meeting = self.get_object()
        services.start_session(meeting.pk, actor=request.user)
        return self._detail(meeting.pk)

    @extend_schema(
        request=None,
        responses={200: MeetingDetailSerializer, 409: OpenApiResponse(description="A decision could not be applied: nothing changed.")},
        description="Apply every decision to its case and publish the minutes, all or nothing.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        meeting = self.get_object()
        services.publish_minutes(meeting.pk, actor=request.user)
        return self._detail(meeting.pk)

    @extend_schema(request=None, responses={200: inline_serializer("AgendaRefreshed", {"added": serializers.IntegerField()})})
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        meeting = self.get_object()
        return Response({"added": services.refresh_agenda(meeting.pk, actor=request.user)})

    @extend_schema(request=ReorderSerializer, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        meeting = self.get_object()
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reorder_items(meeting.pk, actor=request.user, order=serializer.validated_data["order"])
        return self._detail(meeting.pk)


# --- agenda items ------------------------------------------------------------------------------

class AddItemSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    incident = serializers.CharField(help_text="The case's id or code.")
    reason_note = serializers.CharField(max_length=300)
    reason = serializers.ChoiceField(choices=[ItemReason.MANUAL, ItemReason.FOLLOW_UP], required=False, default=ItemReason.MANUAL)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MoveSerializer(serializers.Serializer):
    offset = serializers.IntegerField(min_value=-1000, max_value=1000)


class AgendaItemViewSet(ScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Agenda items. POST adds a case by hand (with a reason); POST {id}/withdraw/ removes it
    (with a reason); POST {id}/move/ moves it up (-1) or down (+1)."""

    queryset = AgendaItem.objects.all()
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter

    def get_queryset(self):
        return selectors.item_list(self.request.user).prefetch_related("decision__cooperating")

    @extend_schema(request=AddItemSerializer, responses={201: AgendaItemSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AddItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not Meeting.objects.visible_to(request.user).filter(pk=data["meeting"]).exists():
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        item = services.add_item(data.pop("meeting"), actor=request.user, **data)
        return Response(AgendaItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        item = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.withdraw_item(item.pk, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(AgendaItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=MoveSerializer, responses={200: inline_serializer("AgendaOrder", {"order": serializers.ListField()})})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        item = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"order": services.move_item(item.pk, actor=request.user, offset=serializer.validated_data["offset"])})


# --- decisions ---------------------------------------------------------------------------------

class DecisionWriteSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    lead_department = serializers.IntegerField()
    cooperating = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    deadline = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    action = serializers.ChoiceField(choices=DecisionAction.choices, required=False, allow_null=True, default=None,
                                     help_text="For a hazard: interview or refer. A case is always assigned.")


class DecisionViewSet(ScopedAPIMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Meeting decisions with their outcome. POST records (or changes) the decision on an item of a
    meeting in session; DELETE takes it back. Both refused (409) once the minutes are published."""

    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_list(self.request.user)

    @extend_schema(request=DecisionWriteSerializer, responses={201: DecisionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DecisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision = services.record_decision(data.pop("item"), actor=request.user, **data)
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        decision = self.get_object()
        services.clear_decision(decision.item_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
    router.register("meeting-decisions", DecisionViewSet, basename="meeting-decision")
