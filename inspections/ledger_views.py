"""The hazard ledger's download: the hazard list's filter (page and API: HazardFilter) over the
hazards the user sees, as the 隐患台账 workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from casework.spreadsheets import CONTENT_TYPE
from inspections.fieldwork_filters import HazardFilter
from inspections.models import Hazard
from inspections.services.hazard_ledger import hazard_ledger


@login_required
@require_GET
def hazard_ledger_export(request):
    """Exactly the hazards the list shows for the same query string (drill-downs included)."""
    filterset = HazardFilter(request.GET, queryset=Hazard.objects.visible_to(request.user), request=request)
    if not filterset.is_valid():
        text = " ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(hazard_ledger(filterset.qs, user=request.user), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hazard-ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
