"""REST API of the organisation: read-only, scoped, filterable, paginated; and one's notification inbox."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from grids.access import ScopedAPIMixin
from grids.filters import CommunityFilter, DepartmentFilter, GridCellFilter, UserFilter, ZoneFilter
from grids.models import Community, Department, GridCell, Notification, User, Zone
from grids.notifications import mark_read


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "name", "number", "office_address"]


class CommunitySerializer(serializers.ModelSerializer):
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "name", "code", "kind", "kind_display", "zone", "zone_name", "households", "population"]


class GridCellSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    zone = serializers.IntegerField(source="community.zone_id", read_only=True)

    class Meta:
        model = GridCell
        fields = [
            "id", "code", "name", "community", "community_name", "zone", "households", "population",
            "centroid_lat", "centroid_lng", "boundary",
        ]


def cell_feature(cell: GridCell) -> dict:
    """A GeoJSON Feature for a cell; the map and the API share this shape."""
    return {
        "type": "Feature",
        "id": cell.pk,
        "geometry": cell.boundary,
        "properties": {
            "code": cell.code,
            "name": cell.name,
            "community": cell.community.name,
            "households": cell.households,
            "population": cell.population,
        },
    }


class DepartmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "slug", "kind", "kind_display", "phone", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "role_display", "phone", "zone", "community", "department", "worker_kind"]


class MeSerializer(UserSerializer):
    grid_cells = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "community_post", "grid_cells", "is_superuser"]


class ZoneViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilter


class CommunityViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Community.objects.select_related("zone")
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilter


class GridCellViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = GridCell.objects.select_related("community")
    serializer_class = GridCellSerializer
    filterset_class = GridCellFilter

    @extend_schema(
        parameters=[OpenApiParameter("zone", int), OpenApiParameter("community", int), OpenApiParameter("q", str)],
        responses={200: dict},
        description="All visible cells (after filters) as one GeoJSON FeatureCollection, unpaginated.",
    )
    @action(detail=False, url_path="geojson")
    def geojson(self, request):
        cells = self.filter_queryset(self.get_queryset())
        return Response({"type": "FeatureCollection", "features": [cell_feature(c) for c in cells]})


class DepartmentViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter


class UserViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.filter(is_active=True)
    serializer_class = UserSerializer
    filterset_class = UserFilter


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "unread"]

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class NotificationViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread_count"] = Notification.objects.visible_to(request.user).unread().count()
        return response

    @extend_schema(request=None, responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="read")
    def read(self, request):
        ids = request.data.get("ids")
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
            return Response({"ids": ["A list of notification ids."]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"marked": mark_read(request.user, ids)})


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


def register(router) -> None:
    router.register("zones", ZoneViewSet, basename="zone")
    router.register("communities", CommunityViewSet, basename="community")
    router.register("grid-cells", GridCellViewSet, basename="gridcell")
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("users", UserViewSet, basename="user")
    router.register("notifications", NotificationViewSet, basename="notification")
