"""The scorecard of a contract and quarter, each line's drill-down, its Excel, the comparison of
the firms, and the spot checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import Forbidden, Refused
from casework.http import forbid, refusal_message
from casework.spreadsheets import CONTENT_TYPE
from contractors.choices import Kpi
from contractors.models import Contract, SpotCheck
from contractors.selectors import scorecard as cards
from contractors.selectors.comparison import comparison
from contractors.services import spotchecks
from contractors.services.access import may_manage
from contractors.sheets import scorecard_workbook
from grids.access import get_visible_or_404, visible
from inspections.models import Hazard

DRILL_ROWS = 500


@login_required
@require_GET
def scorecard_page(request, pk: int):
    contract = get_visible_or_404(Contract.objects.select_related("firm"), request.user, pk=pk)
    period = cards.Period.parse(request.GET.get("period"))
    card = cards.scorecard(contract, period)
    return render(request, "contractors/scorecard.html", {
        "contract": contract, "card": card, "period": period, "may_manage": may_manage(request.user),
        "checks": SpotCheck.objects.filter(contract=contract).select_related("enterprise").order_by("-drawn_at")[:50],
    })


@login_required
@require_GET
def scorecard_drill(request, pk: int, key: str):
    contract = get_visible_or_404(Contract.objects.select_related("firm"), request.user, pk=pk)
    if key not in Kpi.values and key != "misses":
        raise Http404
    period = cards.Period.parse(request.GET.get("period"))
    if key == "misses":
        base, counted = cards.miss_rows(contract, period), None
        rows = list(base.select_related("enterprise")[:DRILL_ROWS])
        counted_ids = {r.pk for r in rows}
    else:
        base, counted = cards.rows(contract, period, key)
        rows = list(_with_related(base, key)[:DRILL_ROWS])
        counted_ids = set(counted.values_list("pk", flat=True)[:DRILL_ROWS * 2])
    return render(request, "contractors/drill.html", {
        "contract": contract, "period": period, "key": key, "rows": rows, "counted": counted_ids,
        "label": dict(Kpi.choices).get(key, _("Major hazards missed (spot checks)")),
        "help": cards.DRILL_LABELS.get(key, ""), "total": base.count(), "counted_total": len(counted_ids),
        "kind": _kind(key),
    })


def _kind(key: str) -> str:
    if key == Kpi.COVERAGE:
        return "enterprise"
    if key in (Kpi.QUALITY, Kpi.CLOSURE, Kpi.REPORTING):
        return "finding"
    if key == "misses":
        return "check"
    return "visit"


def _with_related(queryset, key: str):
    kind = _kind(key)
    if kind == "enterprise":
        return queryset.select_related("enterprise").order_by("enterprise__name")
    if kind == "finding":
        return queryset.select_related("hazard", "visit__enterprise").order_by("found_at", "pk")
    return queryset.select_related("enterprise", "staff").order_by("planned_on", "pk")


@login_required
@require_GET
def scorecard_export(request, pk: int):
    contract = get_visible_or_404(Contract.objects.select_related("firm"), request.user, pk=pk)
    period = cards.Period.parse(request.GET.get("period"))
    response = HttpResponse(scorecard_workbook(cards.scorecard(contract, period), user=request.user), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="scorecard-{contract.pk}-{period.label}.xlsx"'
    return response


@login_required
@require_GET
def compare(request):
    period = cards.Period.parse(request.GET.get("period"))
    rows = comparison(visible(Contract, request.user), period)
    return render(request, "contractors/compare.html", {"rows": rows, "period": period, "chart": {
        "firms": [r.contract.firm.name for r in rows],
        "lines": [{"name": str(label), "values": [float(r.line(key).score) for r in rows]} for key, label in Kpi.choices],
        "totals": [float(r.total) for r in rows],
    }})


@login_required
@require_GET
def dashboard_panel(request):
    """The street dashboard's panel (a fragment fetched by static/js/contractors-panel.js)."""
    if not may_manage(request.user):
        raise Http404
    period = cards.Period.parse(request.GET.get("period"))
    return render(request, "contractors/_dashboard_panel.html", {
        "period": period, "cards": comparison(visible(Contract, request.user), period)})


@login_required
@require_POST
def spotcheck_draw(request, pk: int):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    try:
        drawn = spotchecks.draw_sample(actor=request.user, contract=contract.pk, size=request.POST.get("size") or 20)
    except Forbidden as error:
        raise forbid(error) from None
    except (ValidationError, Refused) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("%(n)s enterprises drawn.") % {"n": len(drawn)})
    return redirect("contractors:scorecard", pk)


@login_required
@require_http_methods(["GET", "POST"])
def spotcheck_detail(request, pk: int):
    check = get_visible_or_404(SpotCheck.objects.for_list(), request.user, pk=pk)
    if request.method == "POST":
        try:
            spotchecks.record_spot_check(check.pk, actor=request.user, hazards=request.POST.getlist("hazards"),
                                         note=request.POST.get("note", ""))
        except Forbidden as error:
            raise forbid(error) from None
        except (ValidationError, Refused) as error:
            messages.error(request, refusal_message(error))
        else:
            messages.success(request, _("Spot check recorded."))
        return redirect("contractors:spotcheck-detail", pk)
    candidates = (visible(Hazard, request.user).filter(enterprise_id=check.enterprise_id, recorded_at__gte=check.visit.started_at
                                                       or check.drawn_at).select_related("finding")[:50]
                  if check.checked_at is None and may_manage(request.user) else [])
    return render(request, "contractors/spotcheck_detail.html", {
        "check": check, "found": check.hazards.all(), "candidates": candidates, "may_manage": may_manage(request.user)})
