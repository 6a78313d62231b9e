"""Pages of inspections and hazards: thin, scoped (grids.access / grids.listing), calling services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.errors import Forbidden, Refused
from casework.files import private_file_response
from casework.http import forbid, refusal_message
from grids.access import get_visible_or_404
from grids.choices import DepartmentKind, Role
from grids.listing import FilteredListView
from grids.models import Department, User
from inspections import services
from inspections.choices import ENFORCEMENT_KINDS, HazardAction, HazardLevel, InspectionKind, InspectionStatus, SignatureKind
from inspections.fieldwork_api import inspection_detail_queryset
from inspections.fieldwork_filters import HazardFilter, InspectionFilter
from inspections.models import Campaign, ChecklistTemplate, Enterprise, Hazard, HazardPhoto, Inspection, InspectionPhoto
from inspections.rectification_views import rectification_context
from inspections.services.checklists import current_version
from inspections.services.hazards import hazard_timeline
from inspections.services.inspections import may_inspect

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
        "may_inspect": may_inspect(user),
    }


class HazardListView(FilteredListView):
    template_name = "inspections/hazard_list.html"
    filterset_class = HazardFilter
    queryset = Hazard.objects.for_list()
    context_object_name = "hazards"


class InspectionListView(FilteredListView):
    """The inspections of the enterprises the user sees; the home links here for one's own drafts."""

    template_name = "inspections/inspection_list.html"
    filterset_class = InspectionFilter
    queryset = Inspection.objects.for_list()
    context_object_name = "inspections"


@login_required
@require_GET
def hazard_detail(request, pk: int):
    hazard = get_visible_or_404(Hazard.objects.for_list().select_related("item", "inspection", "reporter", "confirmed_by")
                                .prefetch_related("photos"), request.user, pk=pk)
    actions = services.available_hazard_actions(request.user, hazard)
    return render(request, "inspections/hazard_detail.html", {
        **rectification_context(request.user, hazard, actions),
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
    if "reviewers" in request.POST:  # a multiple select: every chosen reviewer, not only the last
        params["reviewers"] = request.POST.getlist("reviewers")
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


def _serve(field):
    """A photo, through the one way files are sent (casework.files: re-encoded first if it is still
    as received; X-Accel in production)."""
    return private_file_response(field, content_type="image/jpeg")


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


# --- the inspection form on a phone ----------------------------------------------------------------

def _co_inspectors(user):
    """Who may be named beside the inspector: the safety office's and the street office's people."""
    return User.objects.filter(Q(department__kind=DepartmentKind.SAFETY) | Q(role=Role.STREET), is_active=True).exclude(
        pk=user.pk).order_by("username")


def _answers_from_post(post, version) -> list[dict]:
    rows = []
    for item in version.items.all():
        answer, value = post.get(f"answer_{item.pk}", ""), post.get(f"value_{item.pk}", "")
        if not answer and value in ("", None):
            continue  # not answered
        row = {"item": item.pk, "note": post.get(f"note_{item.pk}", "")}
        if answer:
            row["answer"] = answer
        if value not in ("", None):
            row["value"] = value
        rows.append(row)
    return rows


def _answer_state(post, draft, items) -> list[tuple]:
    """Each item with what the form shows for it: what was just sent, else the draft's answer."""
    stored = {a.item_id: a for a in draft.answers.annotate(n_photos=Count("photos"))} if draft else {}
    rows = []
    for item in items:
        if post:
            state = {"answer": post.get(f"answer_{item.pk}", ""), "value": post.get(f"value_{item.pk}", ""),
                     "note": post.get(f"note_{item.pk}", ""), "photos": 0}
        elif item.pk in stored:
            a = stored[item.pk]
            state = {"answer": a.answer, "value": "" if a.value is None else f"{a.value.normalize():f}", "note": a.note,
                     "photos": a.n_photos}
        else:
            state = {"answer": "", "value": "", "note": "", "photos": 0}
        if item.pk in stored:
            state["photos"] = stored[item.pk].n_photos
        rows.append((item, state))
    return rows


def _chosen_version(request, enterprise, templates, campaign, draft):
    if draft is not None:
        return draft.version.template, draft.version
    pinned = {v.template_id: v for v in campaign.versions.all()} if campaign else {}
    wanted = request.GET.get("template", request.POST.get("template"))
    chosen = next((t for t in templates if str(t.pk) == wanted), None)
    candidates = [t for t in templates if t.pk in pinned] or templates
    chosen = chosen or next((t for t in candidates if t.sector in enterprise.sector_codes), None) or (
        next((t for t in candidates if t.code == "general"), candidates[0] if candidates else None))
    if chosen is None:
        return None, None
    return chosen, pinned.get(chosen.pk) or current_version(chosen)


@login_required
def inspection_form(request, pk: int):
    """Inspect an enterprise on a phone (optionally under a campaign: ?campaign=)."""
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    if not may_inspect(request.user):
        raise forbid(Forbidden(_("Your role may not record inspections.")))
    wanted = request.GET.get("campaign") or request.POST.get("campaign")
    campaign = get_visible_or_404(Campaign.objects.prefetch_related("versions"), request.user, pk=wanted) if wanted else None
    return _inspection_page(request, enterprise, campaign=campaign, draft=None)


@login_required
def inspection_edit(request, pk: int):
    """Re-open a draft on the phone: its answers shown, the same client key, until it is submitted."""
    draft = get_visible_or_404(Inspection.objects.select_related("enterprise", "version__template", "campaign"),
                               request.user, pk=pk)
    if draft.status != InspectionStatus.DRAFT:
        return redirect("inspections:inspection-detail", draft.pk)
    if draft.created_by_id != request.user.pk:
        raise forbid(Forbidden(_("Only the person who recorded the inspection may change it.")))
    return _inspection_page(request, draft.enterprise, campaign=draft.campaign, draft=draft)


def _inspection_page(request, enterprise, *, campaign, draft):
    """The form: kind, co-inspector, answers per item with photos, summary and the representative's
    signature drawn on screen (static/js/inspections-form.js); “save draft” or “submit”."""
    templates = list(ChecklistTemplate.objects.order_by("code"))
    chosen, version = _chosen_version(request, enterprise, templates, campaign, draft)
    kinds = [(k, label) for k, label in InspectionKind.choices
             if request.user.role != Role.GRID_WORKER or k == InspectionKind.PATROL]
    items = list(version.items.select_related("clause")) if version else []
    post = request.POST if request.method == "POST" else None
    shown = post or (_draft_fields(draft) if draft else {})
    context = {"enterprise": enterprise, "templates": templates, "template": chosen, "version": version, "kinds": kinds,
               "rows": _answer_state(post, draft, items), "enforcement": ENFORCEMENT_KINDS, "campaign": campaign,
               "draft": draft, "co_inspectors": _co_inspectors(request.user) if request.user.role != Role.GRID_WORKER else [],
               "client_key": draft.client_key if draft else (request.POST.get("client_key") or uuid.uuid4()), "post": shown}
    if request.method != "POST" or version is None:
        return render(request, "inspections/inspection_form.html", context)
    inspectors = [{"user": request.user.pk, "certificate_no": post.get("certificate_no", "")}]
    if post.get("co_inspector"):
        inspectors.append({"user": post.get("co_inspector"), "certificate_no": post.get("co_certificate_no", "")})
    # The draft button sends intent=draft; the submit button (or a form sent without a button) submits.
    # (Not named "submit": a control of that name would hide the form's submit() from the script.)
    submit = post.get("intent", "submit") != "draft"
    try:
        inspection, _created = services.save_inspection(
            actor=request.user, client_key=post.get("client_key"), enterprise=enterprise.pk, kind=post.get("kind"),
            version=version.pk, campaign=campaign.pk if campaign else None, inspectors=inspectors,
            answers=_answers_from_post(post, version), latitude=post.get("latitude") or None,
            longitude=post.get("longitude") or None, summary=post.get("summary", ""), submit=submit,
            photos={item.pk: request.FILES.getlist(f"photos_{item.pk}") for item in items
                    if request.FILES.getlist(f"photos_{item.pk}")})
        if request.FILES.get("signature") and not inspection.signature and inspection.changed:
            services.sign_inspection(inspection.pk, actor=request.user, image=request.FILES["signature"],
                                     kind=post.get("signature_kind") or SignatureKind.DRAWN, signed_by=post.get("signed_by", ""))
    except Forbidden as error:
        raise forbid(error) from None
    except (Refused, ValidationError) as error:
        context["error"] = refusal_message(error)
        if "inspection" in locals():  # saved; the signature failed: say so on its page
            messages.error(request, context["error"])
            return redirect("inspections:inspection-detail", inspection.pk)
        return render(request, "inspections/inspection_form.html", context, status=400)
    if inspection.status == InspectionStatus.DRAFT:
        messages.success(request, _("Draft saved: you can continue it until it is submitted."))
        return redirect("inspections:inspection-edit", inspection.pk)
    messages.success(request, _("Inspection saved."))
    return redirect("inspections:inspection-detail", inspection.pk)


def _draft_fields(draft) -> dict:
    """The draft's own fields as the form shows them (kind, certificates, co-inspector, summary, position)."""
    rows = list(draft.inspector_rows.all())
    mine = next((r for r in rows if r.user_id == draft.created_by_id), None)
    other = next((r for r in rows if r.user_id != draft.created_by_id), None)
    return {"kind": draft.kind, "certificate_no": mine.certificate_no if mine else "", "summary": draft.summary,
            "co_inspector": str(other.user_id) if other else "", "co_certificate_no": other.certificate_no if other else "",
            "latitude": "" if draft.latitude is None else draft.latitude,
            "longitude": "" if draft.longitude is None else draft.longitude}
