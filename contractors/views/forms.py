"""The office's create/edit pages: a firm, its qualifications, contacts, staff and pension proofs, a
contract, a service plan and its next version. Thin: the form reads the fields, the service
decides; a refusal becomes a form error (400) and nothing is saved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casework.errors import Forbidden, Refused
from casework.http import forbid
from casework.once import create_once
from contractors.forms import FORMS_BY_PART, ContractForm, FirmEditForm, FirmForm, PlanForm
from contractors.models import Contract, ServiceFirm, ServicePlan
from contractors.services import contracts as contract_services
from contractors.services import firms as firm_services
from contractors.services import plans as plan_services
from contractors.services.access import check_manager, may_manage, staff_row
from grids.access import get_visible_or_404

PART_TITLES = {
    "qualification": gettext_lazy("Add a qualification"), "contact": gettext_lazy("Add a contact"),
    "staff": gettext_lazy("Add a member of staff"), "pension": gettext_lazy("Record a pension-insurance proof"),
}


def _manager(request) -> None:
    try:
        check_manager(request.user)
    except Forbidden as error:
        raise forbid(error) from None


def _errors_to(form, error: ValidationError | Refused) -> None:
    if isinstance(error, Refused):
        form.add_error(None, error.message)
        return
    for field, errors in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        form.add_error(field if field in form.fields else None, errors)


def _page(request, form, *, title, back: tuple[str, str], **context):
    """`back`: (label, url) of the page the form belongs to."""
    return render(request, "contractors/form.html", {"form": form, "title": title, "back": back, **context},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def firm_form(request, pk: int | None = None):
    firm = get_visible_or_404(ServiceFirm, request.user, pk=pk) if pk is not None else None
    _manager(request)
    if firm is None:
        form = FirmForm(request.POST or None)
    else:
        form = FirmEditForm(request.POST or None, initial={"name": firm.name, "credit_code": firm.credit_code,
                                                           "address": firm.address, "phone": firm.phone,
                                                           "is_active": firm.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            if firm is None:
                firm, _created = create_once(request, lambda: firm_services.register_firm(actor=request.user, **form.cleaned_data))
            else:
                firm_services.edit_firm(firm.pk, actor=request.user, **form.cleaned_data)
        except (ValidationError, Refused) as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("Firm saved."))
            return redirect("contractors:firm-detail", firm.pk)
    return _page(request, form, title=_("Edit the firm") if firm else _("New service firm"), once=firm is None,
                 back=(firm.name, reverse("contractors:firm-detail", args=[firm.pk])) if firm
                 else (_("Safety contractors"), reverse("contractors:firm-list")))


@login_required
@require_http_methods(["GET", "POST"])
def firm_part_form(request, pk: int, part: str):
    """Add a qualification, a contact, a member of staff or a month's pension proof to a firm."""
    firm = get_visible_or_404(ServiceFirm, request.user, pk=pk)
    if part not in FORMS_BY_PART:
        raise Http404
    _manager(request)
    form_class = FORMS_BY_PART[part]
    extra = {"firm": firm} if part in ("staff", "pension") else {}
    form = form_class(request.POST or None, request.FILES or None, **extra)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if part == "qualification":
                firm_services.add_qualification(firm.pk, actor=request.user, **data)
            elif part == "contact":
                firm_services.add_contact(firm.pk, actor=request.user, **data)
            elif part == "staff":
                firm_services.add_staff(actor=request.user, firm=firm.pk, **data)
            else:
                firm_services.record_pension_proof(actor=request.user, firm=firm, staff=data["staff"].pk, month=data["month"],
                                                   document=data["document"])
        except (ValidationError, Refused) as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("contractors:firm-detail", firm.pk)
    return _page(request, form, title=PART_TITLES[part], multipart=part == "pension",
                 back=(firm.name, reverse("contractors:firm-detail", args=[firm.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def contract_form(request):
    _manager(request)
    initial = {}
    if request.GET.get("firm", "").isdigit():
        initial["firm"] = int(request.GET["firm"])
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract, _created = create_once(
                request, lambda: contract_services.create_contract(actor=request.user, **form.service_data()))
        except (ValidationError, Refused) as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("contractors:contract-detail", contract.pk)
    return render(request, "contractors/contract_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _plan_keeper(request, firm_id: int) -> None:
    """Plans are drawn up by the office or by the firm's own staff (the firm writes 一企一策)."""
    if not (may_manage(request.user) or staff_row(request.user, firm_id)):
        raise forbid(Forbidden(_("Only the street office, the safety office or the firm's staff may do this.")))


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk: int):
    contract = get_visible_or_404(Contract.objects.select_related("firm"), request.user, pk=pk)
    _plan_keeper(request, contract.firm_id)
    form = PlanForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.create_plan(actor=request.user, contract=contract.pk, **form.service_data())
        except (ValidationError, Refused) as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("contractors:plan-detail", plan.pk)
    return _page(request, form, title=_("New service plan"),
                 back=(contract.number, reverse("contractors:contract-detail", args=[contract.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request, pk: int):
    """The plan's next version, prefilled with the current one; the old versions stay visible."""
    plan = get_visible_or_404(ServicePlan.objects.select_related("contract", "current", "enterprise"), request.user, pk=pk)
    _plan_keeper(request, plan.contract.firm_id)
    current = plan.current
    initial = {"risks": current.risks, "training": current.training, "targets": current.targets,
               "visit_dates": ", ".join(current.visit_dates), "templates": list(current.templates.all())}
    form = PlanForm(request.POST or None, initial=initial, revising=True)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            plan_services.revise_plan(plan.pk, actor=request.user, **data)
        except (ValidationError, Refused) as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The plan has a new version."))
            return redirect("contractors:plan-detail", pk)
    return _page(request, form, title=_("New version of the plan"), plan=plan,
                 back=(str(plan.enterprise), reverse("contractors:plan-detail", args=[plan.pk])))
