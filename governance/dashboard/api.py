"""`GET /api/v1/dashboard/` (the sub-district) and `GET /api/v1/dashboard/zones/{id}/` (one zone):
the dashboard report as JSON — the same figures, definitions and drill-down queries as the page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.dashboard.report import dashboard_report
from governance.dashboard.selectors import period_from, resolve_scope

PERIOD_PARAMETERS = [
    OpenApiParameter("period", str, description="this_week, last_week, this_month (default), last_month, this_quarter, "
                     "this_year, last_30_days, or custom with start/end"),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (custom period)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, included (custom period; default today)"),
]


class DashboardAPIView(APIView):
    """Headline figures (value, previous period, change, definition, drill-down), weekly trend,
    categories, rankings, cells and the most overdue cases. Each drill-down `api` link lists
    exactly the counted cases through /api/v1/incidents/."""

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="Bad period"), 404: OpenApiResponse(description="Not yours")},
    )
    def get(self, request, zone_id: int | None = None):
        scope = resolve_scope(request.user, zone_id)
        try:
            period = period_from(request.query_params)
        except ValidationError as error:
            return Response(error.message_dict, status=400)
        return Response(dashboard_report(request.user, scope, period))
