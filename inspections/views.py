"""Pages of the registry and the library: thin, scoped (grids.access / grids.listing), calling services."""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework.audit import record_export
from casework.errors import Forbidden
from casework.spreadsheets import CONTENT_TYPE
from grids.access import get_visible_or_404
from grids.listing import FilteredListView
from grids.views import map_config
from inspections import services
from inspections.fieldwork_views import enterprise_sections
from inspections.filters import ClauseFilter, EnterpriseFilter
from inspections.models import ChecklistTemplate, ChecklistVersion, Clause, Enterprise
from inspections.services.sheets import EXPORT_LIMIT, MAX_ROWS

SESSION_UPLOAD = "inspections.import_upload"


class EnterpriseListView(FilteredListView):
    template_name = "inspections/enterprise_list.html"
    filterset_class = EnterpriseFilter
    queryset = Enterprise.objects.for_list()
    context_object_name = "enterprises"

    def get_extra_context(self, context):
        return {"can_write": services.may_write(self.request.user), "export_query": self.request.GET.urlencode()}


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    queryset = Enterprise.objects.select_related("grid_cell", "community", "zone").prefetch_related(
        "sector_rows", "flag_rows", "responsible_departments")
    enterprise = get_visible_or_404(queryset, request.user, pk=pk)
    point = [enterprise.latitude, enterprise.longitude] if enterprise.latitude is not None else None
    context = {
        "enterprise": enterprise,
        "can_write": services.may_write(request.user),
        **enterprise_sections(request.user, enterprise),
        "map_data": {
            "tiles": map_config()["tiles"], "point": point,
            "cell": {"type": "Feature", "geometry": enterprise.grid_cell.boundary, "properties": {"name": enterprise.grid_cell.name}},
        },
    }
    return render(request, "inspections/enterprise_detail.html", context)


@login_required
@require_GET
def enterprise_export(request):
    """The filtered list as Excel: exactly the rows the list shows, every page of them."""
    filterset = EnterpriseFilter(request.GET, queryset=Enterprise.objects.visible_to(request.user), request=request)
    back = reverse("inspections:enterprise-list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not filterset.is_valid():
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(back)
    rows = filterset.qs.count()
    if rows > EXPORT_LIMIT:
        messages.error(request, _("More than %(n)s enterprises: narrow the filter to export.") % {"n": EXPORT_LIMIT})
        return redirect(back)
    response = HttpResponse(services.export_enterprises(filterset.qs, user=request.user), content_type=CONTENT_TYPE)
    record_export(request, "enterprises", rows=rows)
    response["Content-Disposition"] = 'attachment; filename="enterprises.xlsx"'
    return response


def _writer(request) -> None:
    try:
        services.check_writer(request.user)
    except Forbidden as error:
        raise PermissionDenied(error.message) from None


@login_required
@require_GET
def import_template(request):
    _writer(request)
    response = HttpResponse(services.template_workbook(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response


MAX_UPLOAD = 5 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    """Upload → a dry run and its report → confirm (the same file, kept in the session) → imported."""
    _writer(request)
    context: dict = {"max_rows": MAX_ROWS}
    if request.method == "GET":
        return render(request, "inspections/enterprise_import.html", context)
    if request.POST.get("step") == "confirm":
        return _confirm_import(request, context)
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD:
        context["error"] = _("Choose an Excel file.") if upload is None else _("The file is larger than 5 MB.")
        return render(request, "inspections/enterprise_import.html", context, status=400)
    data = upload.read()
    valid_rows_only = request.POST.get("valid_rows_only") == "on"
    report = services.import_enterprises(io.BytesIO(data), actor=request.user, valid_rows_only=valid_rows_only, dry_run=True)
    context.update(report=report, checked=True)
    if not report.created:
        return render(request, "inspections/enterprise_import.html", context, status=400)
    request.session[SESSION_UPLOAD] = {"data": base64.b64encode(data).decode(), "valid_rows_only": valid_rows_only}
    return render(request, "inspections/enterprise_import.html", context)


def _confirm_import(request, context: dict):
    stored = request.session.pop(SESSION_UPLOAD, None)
    if not stored:
        messages.error(request, _("Upload the file again: the checked file has expired."))
        return redirect("inspections:enterprise-import")
    report = services.import_enterprises(
        io.BytesIO(base64.b64decode(stored["data"])), actor=request.user, valid_rows_only=stored["valid_rows_only"])
    if report.created:
        messages.success(request, _("%(n)s enterprises imported.") % {"n": report.created})
        return redirect("inspections:enterprise-list")
    context["report"] = report  # the registry changed since the check (e.g. a duplicate appeared)
    return render(request, "inspections/enterprise_import.html", context, status=400)


class ClauseListView(FilteredListView):
    template_name = "inspections/clause_list.html"
    filterset_class = ClauseFilter
    queryset = Clause.objects.select_related("standard")
    context_object_name = "clauses"
    paginate_by = 100


class ChecklistListView(FilteredListView):
    template_name = "inspections/checklist_list.html"
    queryset = ChecklistTemplate.objects.prefetch_related(Prefetch(
        "versions", queryset=ChecklistVersion.objects.filter(is_current=True), to_attr="current"))
    context_object_name = "templates"


@login_required
@require_GET
def checklist_detail(request, pk: int):
    template = get_visible_or_404(ChecklistTemplate, request.user, pk=pk)
    versions = list(template.versions.order_by("-number"))
    wanted = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == wanted), None) if wanted else next(
        (v for v in versions if v.is_current), None)
    items = version.items.select_related("clause__standard") if version else []
    return render(request, "inspections/checklist_detail.html", {
        "template": template, "versions": versions, "version": version, "items": items,
    })
