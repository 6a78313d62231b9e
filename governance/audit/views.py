"""The audit trail's pages: the filtered list and its Excel export, for the street office and
administrators only (others: 403, itself recorded)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casework.spreadsheets import CONTENT_TYPE as XLSX
from governance.audit import exports
from governance.audit.filters import AuditEntryFilter
from governance.audit.models import AuditEntry, Kind
from governance.audit.services import record
from grids.listing import FilteredListView


def _require_office(user) -> None:
    if not user.sees_everything:
        raise PermissionDenied(_("Only the street office and administrators see the audit trail."))


class AuditListView(FilteredListView):
    template_name = "governance/audit/list.html"
    filterset_class = AuditEntryFilter
    queryset = AuditEntry.objects.all()
    context_object_name = "entries"
    paginate_by = 100
    lenient_pages = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_office(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_extra_context(self, context: dict) -> dict:
        return {"query": self.request.GET.urlencode()}


def filters_of(request) -> dict:
    """The query string an export was filtered with, as the audit trail records it."""
    return {name: values if len(values) > 1 else values[0] for name, values in request.GET.lists() if name != "page"}


@login_required
@require_GET
def export(request):
    _require_office(request.user)
    filterset = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.visible_to(request.user), request=request)
    if not filterset.is_valid():
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(reverse("audit:list") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    rows = min(filterset.qs.count(), exports.EXPORT_LIMIT)
    content = exports.export_entries(filterset.qs, exported_by=request.user)
    record(Kind.EXPORT, request=request, export="audit", filters=filters_of(request), rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename()}"'
    return response
