"""The hazard statistics tables' page and workbook: the sub-district's (street office, admin) and
a zone's (its leader, or the street office), optionally for one enterprise the user sees."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casework.spreadsheets import CONTENT_TYPE
from governance.dashboard.hazard_stats import hazard_statistics, statistics_workbook, stats_period
from governance.dashboard.selectors import can_view_dashboard, resolve_scope
from grids.access import get_visible_or_404
from inspections.models import Enterprise


def _enterprise(request):
    raw = request.GET.get("enterprise") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"enterprise": _("Unknown enterprise.")})
    return get_visible_or_404(Enterprise, request.user, pk=int(raw))


def _zone_leader_home(request, name: str):
    user = request.user
    if not user.sees_everything and can_view_dashboard(user):
        target = reverse(name, args=[user.zone_id])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    return None


def _stats(request, zone_id):
    scope = resolve_scope(request.user, zone_id)
    try:
        period, errors = stats_period(request.GET), {}
        enterprise = _enterprise(request)
    except ValidationError as error:
        period, errors, enterprise = stats_period({}), error.message_dict, None
    return scope, period, enterprise, errors


@login_required
@require_GET
def statistics(request, zone_id: int | None = None):
    if zone_id is None and (sent := _zone_leader_home(request, "dashboard:hazard-stats-zone")):
        return sent
    scope, period, enterprise, errors = _stats(request, zone_id)
    stats = hazard_statistics(request.user, scope, period, enterprise=enterprise)
    export = (reverse("dashboard:hazard-stats-zone-export", args=[scope.zone.pk]) if scope.zone
              else reverse("dashboard:hazard-stats-export"))
    year = timezone.localdate().year
    return render(request, "governance/dashboard/hazard_stats.html", {
        "stats": stats, "scope": scope, "errors": errors, "years": list(range(year, year - 6, -1)),
        "quarters": [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))],
        "chosen_quarter": period.preset[1:] if period.preset.startswith("q") else "",
        "export_url": f"{export}?{request.GET.urlencode()}",
    }, status=400 if errors else 200)


@login_required
@require_GET
def statistics_export(request, zone_id: int | None = None):
    if zone_id is None and not request.user.sees_everything and can_view_dashboard(request.user):
        zone_id = request.user.zone_id
    scope, period, enterprise, errors = _stats(request, zone_id)
    if errors:
        return HttpResponse(" ".join(m for messages in errors.values() for m in messages), status=400,
                            content_type="text/plain; charset=utf-8")
    stats = hazard_statistics(request.user, scope, period, enterprise=enterprise)
    name = scope.zone.name if scope.zone else _("Whole sub-district")
    response = HttpResponse(statistics_workbook(stats, user=request.user, scope_name=name), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (f'attachment; filename="hazard-statistics-{scope.key}-{period.start:%Y}-'
                                       f'{period.preset}.xlsx"')
    return response
