"""Pages of inspections and hazards: thin, scoped (grids.access / grids.listing), calling services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from casework.errors import Forbidden, Refused
from casework.http import forbid, refusal_message
from grids.access import get_visible_or_404
from grids.listing import FilteredListView
from grids.models import Department
from inspections import services
from inspections.choices import HazardAction, HazardLevel, SignatureKind
from inspections.fieldwork_api import inspection_detail_queryset
from inspections.fieldwork_filters import HazardFilter
from inspections.models import Hazard, HazardPhoto, Inspection, InspectionPhoto
from inspections.services.hazards import hazard_timeline

ENTERPRISE_ROWS = 20  # the latest inspections and hazards shown on the enterprise page


def enterprise_sections(user, enterprise) -> dict:
    """The enterprise page's latest inspections and hazards: one query each (one row more than
    shown says whether to link to the rest)."""
    inspections = list(Inspection.objects.visible_to(user).filter(enterprise=enterprise)
                       .select_related("version__template")[:ENTERPRISE_ROWS + 1])
    hazards = list(Hazard.objects.visible_to(user).filter(enterprise=enterprise)
                   .select_related("clause__standard")[:ENTERPRISE_ROWS + 1])
    return {
        "inspections": inspections[:ENTERPRISE_ROWS], "more_inspections": len(inspections) > ENTERPRISE_ROWS,
        "hazards": hazards[:ENTERPRISE_ROWS], "more_hazards": len(hazards) > ENTERPRISE_ROWS,
    }


class HazardListView(FilteredListView):
    template_name = "inspections/hazard_list.html"
    filterset_class = HazardFilter
    queryset = Hazard.objects.for_list()
    context_object_name = "hazards"


@login_required
@require_GET
def hazard_detail(request, pk: int):
    hazard = get_visible_or_404(Hazard.objects.for_list().select_related("item", "inspection", "reporter", "confirmed_by")
                                .prefetch_related("photos"), request.user, pk=pk)
    actions = services.available_hazard_actions(request.user, hazard)
    return render(request, "inspections/hazard_detail.html", {
        "hazard": hazard, "events": hazard_timeline(hazard), "actions": actions,
        "can_confirm": HazardAction.CONFIRM in actions, "can_void": HazardAction.VOID in actions,
        "can_comment": HazardAction.COMMENT in actions, "levels": HazardLevel.choices,
        "departments": Department.objects.filter(is_active=True).order_by("name") if HazardAction.CONFIRM in actions else [],
    })


@login_required
@require_POST
def hazard_act(request, pk: int):
    action = request.POST.get("action", "")
    params = {k: v for k, v in request.POST.items() if k not in ("action", "csrfmiddlewaretoken")}
    try:
        services.apply_hazard_action(pk, actor=request.user, action=action, params=params,
                                     photos=request.FILES.getlist("photos"))
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, HazardAction(action).label)
    if not Hazard.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return redirect("inspections:hazard-detail", pk)


def _serve(field) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def hazard_photo(request, pk: int, photo_pk: int):
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    return _serve(get_object_or_404(HazardPhoto, pk=photo_pk, hazard=hazard).image)


@login_required
@require_GET
def inspection_detail(request, pk: int):
    inspection = get_visible_or_404(inspection_detail_queryset().prefetch_related(
        Prefetch("photos", queryset=InspectionPhoto.objects.filter(answer__isnull=True), to_attr="general_photos")),
        request.user, pk=pk)
    answers = list(inspection.answers.all())
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "answers": answers, "failed": sum(1 for a in answers if a.passed is False),
        "may_raise": services.hazards.may_record(request.user), "signature_kinds": SignatureKind,
    })


@login_required
@require_POST
def raise_hazard(request, pk: int, answer_pk: int):
    """One tap on a failed item of the inspection page."""
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    if not inspection.answers.filter(pk=answer_pk).exists():
        raise Http404
    try:
        hazard = services.hazard_from_answer(answer_pk, actor=request.user)
    except Forbidden as error:
        raise forbid(error) from None
    except ValidationError as error:
        messages.error(request, refusal_message(error))
        return redirect("inspections:inspection-detail", pk)
    return redirect("inspections:hazard-detail", hazard.pk)


@login_required
@require_GET
def inspection_photo(request, pk: int, photo_pk: int):
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    return _serve(get_object_or_404(InspectionPhoto, pk=photo_pk, inspection=inspection).image)


@login_required
@require_GET
def inspection_signature(request, pk: int):
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    if not inspection.signature:
        raise Http404
    return _serve(inspection.signature)
