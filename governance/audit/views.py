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

from casework.audit import record_export
from casework.spreadsheets import CONTENT_TYPE as XLSX
from governance.audit import exports
from governance.audit.filters import AuditEntryFilter
from governance.audit.models import AuditEntry
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
    record_export(request, "audit", rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename()}"'
    return response
