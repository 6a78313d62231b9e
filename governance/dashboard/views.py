"""The dashboard pages: the sub-district's (street office, admin) and a zone's (its leader, or the
street office). Thin: scope and period from the request, the report from the selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from casework.audit import record_export
from casework.spreadsheets import CONTENT_TYPE as XLSX
from governance.dashboard import exports as dashboard_exports
from governance.dashboard import hazards as hazard_measures
from governance.dashboard.cache import cached_hazard_counts
from governance.dashboard.report import dashboard_report
from governance.dashboard.selectors import PRESETS, can_view_dashboard, period_from, resolve_scope
from grids.models import Zone
from grids.views import map_config

# How the page groups the headline figures: what happened in the period, and what needs supervision.
FIGURE_GROUPS = [
    ("period", gettext_lazy("In the period"),
     ["reported", "registered", "closed", "handling_rate", "on_time_rate", "rework_rate", "extension_rate"]),
    ("supervision", gettext_lazy("Supervision"), ["open_overdue", "yellow", "red", "disputed"]),
]


def _zone_leader_home(request):
    """A zone leader's dashboard is their zone's: /dashboard/ takes them there."""
    user = request.user
    if not user.sees_everything and can_view_dashboard(user):
        target = reverse("dashboard:zone", args=[user.zone_id])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    return None


def _period(request):
    try:
        return period_from(request.GET), {}
    except ValidationError as error:
        return period_from({}), error.message_dict


@login_required
@require_GET
def dashboard(request, zone_id: int | None = None):
    if zone_id is None and (sent := _zone_leader_home(request)):
        return sent
    scope = resolve_scope(request.user, zone_id)
    period, errors = _period(request)
    report = dashboard_report(request.user, scope, period)
    chart_data = {
        "weeks": report["weeks"],
        "categories": report["categories"],
        "cells": report["cells"],
        "map": map_config(),
        "labels": {
            "reported": _("Reported"), "registered": _("Registered"), "closed": _("Closed"),
            "onTime": _("On-time closure rate"), "open": _("Open now"), "overdue": _("Open overdue"),
            "community": _("Community"), "empty": _("No case in the period"),
        },
    }
    figures = {fig["key"]: fig for fig in report["figures"]}
    context = {
        "report": report,
        "figure_groups": [
            {"key": key, "title": title, "figures": [figures[k] for k in keys]} for key, title, keys in FIGURE_GROUPS
        ],
        "scope": scope,
        "period": period,
        "period_errors": errors,
        "presets": PRESETS,
        "chart_data": chart_data,
        "zones": list(Zone.objects.visible_to(request.user).order_by("number")) if request.user.sees_everything else [],
        "export_url": (reverse("dashboard:zone-export", args=[scope.zone.pk]) if scope.zone else reverse("dashboard:export"))
        + f"?start={period.start.isoformat()}&end={period.end.isoformat()}",
    }
    # the hazards section (issue 12): its own measures, same scope and period
    counts = cached_hazard_counts(request.user, scope, period)
    context["hazards"] = hazard_measures.hazard_section(request.user, scope, period, counts=counts)
    context["hazard_definitions"] = hazard_measures.definitions()
    return render(request, "governance/dashboard/dashboard.html", context, status=400 if errors else 200)


@login_required
@require_GET
def export(request, zone_id: int | None = None):
    """The monthly report: the dashboard's figures for the period as an Excel workbook."""
    if zone_id is None and not request.user.sees_everything and can_view_dashboard(request.user):
        zone_id = request.user.zone_id
    scope = resolve_scope(request.user, zone_id)
    period, errors = _period(request)
    if errors:
        return HttpResponse(" ".join(m for messages in errors.values() for m in messages), status=400, content_type="text/plain")
    report = dashboard_report(request.user, scope, period)
    response = HttpResponse(dashboard_exports.export_report(report, exported_by=request.user), content_type=XLSX)
    record_export(request, "dashboard", rows=None, scope=str(report["scope"]["key"]),
                  period=[str(period.start), str(period.end)])
    response["Content-Disposition"] = f'attachment; filename="{dashboard_exports.filename(report)}"'
    return response
