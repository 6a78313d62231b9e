"""Firms and contracts: lists and details (scoped), paying a milestone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.errors import Forbidden, Refused
from casework.http import forbid, refusal_message
from contractors.models import Contract, FirmStaff, Milestone, ServiceFirm, ServicePlan
from contractors.selectors.scorecard import Period
from contractors.services import contracts as contract_services
from contractors.services.access import may_manage, staff_row
from grids.access import get_visible_or_404, visible


@login_required
@require_GET
def firm_list(request):
    firms = (visible(ServiceFirm, request.user)
             .annotate(contract_count=Count("contracts", distinct=True), amount=Sum("contracts__amount")).order_by("name"))
    return render(request, "contractors/firm_list.html", {"firms": firms, "may_manage": may_manage(request.user),
                                                          "period": Period.parse(request.GET.get("period"))})


@login_required
@require_GET
def firm_detail(request, pk: int):
    firm = get_visible_or_404(ServiceFirm, request.user, pk=pk)
    return render(request, "contractors/firm_detail.html", {
        "firm": firm, "qualifications": firm.qualifications.all(), "contacts": firm.contacts.all(),
        "staff": FirmStaff.objects.filter(firm=firm).prefetch_related("pension_proofs"),
        "contracts": visible(Contract, request.user).filter(firm=firm), "may_manage": may_manage(request.user),
    })


@login_required
@require_GET
def contract_detail(request, pk: int):
    contract = get_visible_or_404(Contract.objects.select_related("firm"), request.user, pk=pk)
    plans = visible(ServicePlan, request.user).filter(contract=contract).for_list()
    return render(request, "contractors/contract_detail.html", {
        "contract": contract, "milestones": contract.milestones.select_related("paid_by"),
        "plans": plans[:300], "plan_count": plans.count(), "may_manage": may_manage(request.user),
        "can_plan": may_manage(request.user) or staff_row(request.user, contract.firm_id) is not None,
        "weights": [(key, contract.weights.get(key)) for key in contract.weights],
        "period": Period.parse(request.GET.get("period")),
    })


@login_required
@require_POST
def milestone_pay(request, pk: int, milestone_pk: int):
    milestone = get_visible_or_404(Milestone, request.user, pk=milestone_pk, contract_id=pk)
    try:
        contract_services.pay_milestone(milestone.pk, actor=request.user)
    except Forbidden as error:
        raise forbid(error) from None
    except Refused as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Marked as paid."))
    return redirect("contractors:contract-detail", pk)
