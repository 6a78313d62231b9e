"""Plans and visits: the plan with its versions, the visit on a phone (start, findings, finish,
report), the 2-hour report of a major finding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import Refused
from casework.files import private_file_response
from casework.http import refusal_message
from contractors.choices import VisitAction, VisitStatus
from contractors.filters import VisitFilter
from contractors.models import Finding, ServicePlan, Visit
from contractors.services import findings as finding_services
from contractors.services import visits as visit_services
from contractors.services.access import may_manage, staff_row
from grids.access import get_visible_or_404
from grids.listing import FilteredListView


class VisitListView(FilteredListView):
    template_name = "contractors/visit_list.html"
    filterset_class = VisitFilter
    queryset = Visit.objects.for_list()
    context_object_name = "visits"


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = get_visible_or_404(ServicePlan.objects.for_list(), request.user, pk=pk)
    return render(request, "contractors/plan_detail.html", {
        "plan": plan, "can_revise": may_manage(request.user) or staff_row(request.user, plan.contract.firm_id) is not None,
        "versions": plan.versions.select_related("created_by").prefetch_related("templates"),
        "visits": plan.visits.select_related("staff").order_by("planned_on"),
    })


@login_required
@require_GET
def visit_detail(request, pk: int):
    visit = get_visible_or_404(Visit.objects.for_list().select_related("plan__current"), request.user, pk=pk)
    actions = visit_services.available_visit_actions(request.user, visit)
    findings = visit.findings.select_related("hazard").order_by("found_at")
    return render(request, "contractors/visit_detail.html", {
        "visit": visit, "actions": actions, "findings": findings, "photos": visit.photos.all(),
        "events": visit.events.select_related("actor").order_by("created_at", "pk"),
        "can_start": VisitAction.START in actions, "can_finish": VisitAction.FINISH in actions,
        "can_review": VisitAction.REVIEW in actions, "can_cancel": VisitAction.CANCEL in actions,
        "can_accept_flagged": VisitAction.ACCEPT_FLAGGED in actions, "can_reject_flagged": VisitAction.REJECT_FLAGGED in actions,
        "can_find": visit.status == VisitStatus.STARTED and VisitAction.FINISH in actions,
        "can_upload": visit.status == VisitStatus.DONE and not visit.report_review and visit_services._staff_of(request.user, visit),
        "now": timezone.now(),
    })


@login_required
@require_POST
def visit_act(request, pk: int):
    get_visible_or_404(Visit, request.user, pk=pk)  # out of scope: 404 before the body is read
    action = request.POST.get("action", "")
    try:
        visit_services.apply_visit_action(pk, actor=request.user, action=action, params=request.POST.dict(),
                                          photos=request.FILES.getlist("photos"), signature=request.FILES.get("signature"))
    except (ValidationError, Refused) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("contractors:visit-detail", pk)


@login_required
@require_POST
def visit_finding(request, pk: int):
    get_visible_or_404(Visit, request.user, pk=pk)
    try:
        finding = finding_services.record_finding(
            pk, actor=request.user, description=request.POST.get("description", ""), major=request.POST.get("major") == "on",
            location=request.POST.get("location", ""), photos=request.FILES.getlist("photos"))
    except (ValidationError, Refused) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Hazard %(code)s recorded.") % {"code": finding.hazard.code})
    return redirect("contractors:visit-detail", pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_report(request, pk: int):
    visit = get_visible_or_404(Visit, request.user, pk=pk)
    if request.method == "GET":
        if not visit.report:
            raise Http404
        return private_file_response(visit.report, content_type=visit_services.report_content_type(visit.report))
    try:
        visit_services.upload_report(visit.pk, actor=request.user, report=request.FILES.get("report"))
    except (ValidationError, Refused) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Report uploaded."))
    return redirect("contractors:visit-detail", pk)


@login_required
@require_POST
def finding_report(request, pk: int):
    finding = get_visible_or_404(Finding, request.user, pk=pk)
    try:
        finding_services.report_major(finding.pk, actor=request.user)
    except (ValidationError, Refused) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Reported."))
    return redirect("contractors:visit-detail", finding.visit_id)
