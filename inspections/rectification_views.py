"""Pages of the rectification loop (phone-first): the list of what waits, the loop's panel on the
hazard page (only the actions the engine offers the user), the notice (issue for several hazards,
serve with a drawn signature or a photo, print on A4) and the printable supervision letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.errors import Forbidden, Refused
from casework.files import private_file_response
from casework.http import forbid, refusal_message
from casework.once import create_once
from grids.access import get_visible_or_404
from grids.choices import DepartmentKind, Role
from grids.listing import FilteredListView
from grids.models import Department, SubDistrict, User
from inspections import services
from inspections.choices import (
    HazardAction,
    HazardLevel,
    HazardStatus,
    RectificationMode,
    RefusalGround,
)
from inspections.models import (
    Enterprise,
    GovernancePlan,
    Hazard,
    RectificationNotice,
    RectificationPhoto,
    SupervisionLetter,
)
from inspections.rectification_filters import RectificationFilter, rectification_queryset
from inspections.services.rectification import closing_conditions

A = HazardAction
# The loop's actions that the panel offers as forms (notify and serve have pages of their own).
PANEL_ACTIONS = [A.SUBMIT, A.START_RECHECK, A.PASS_RECHECK, A.FAIL_RECHECK, A.CLOSE_ON_SPOT, A.REQUEST_EXTENSION,
                 A.DECIDE_EXTENSION, A.REFER, A.REFERRAL_FEEDBACK, A.PLAN, A.APPLY_RESUME, A.DECIDE_RESUME, A.REFUSE,
                 A.EDIT, A.REOPEN]


class RectificationListView(FilteredListView):
    template_name = "inspections/rectification/list.html"
    filterset_class = RectificationFilter
    queryset = rectification_queryset()
    context_object_name = "hazards"

    def get_extra_context(self, context: dict) -> dict:
        return {"now": timezone.now()}


def _reviewers(user):
    return User.objects.filter(Q(department__kind=DepartmentKind.SAFETY) | Q(role=Role.STREET), is_active=True).order_by("username")


def rectification_context(user, hazard: Hazard, actions: list[str]) -> dict:
    """What the hazard page's loop panel shows: its deadline and counters, the notice, rechecks,
    extensions, referrals, the plan, letters, evidence, and a form per action the user may take."""
    offered = [a for a in PANEL_ACTIONS if a in actions]
    plan = GovernancePlan.objects.filter(hazard=hazard).first()
    return {
        "loop_actions": offered, "may_notify": A.NOTIFY in actions, "may_serve": A.SERVE in actions,
        "rechecks": list(hazard.rechecks.prefetch_related("reviewers").order_by("pk")),
        "extension_rows": list(hazard.extension_rows.order_by("pk")),
        "referrals": list(hazard.referrals.select_related("department").order_by("pk")),
        "resume_requests": list(hazard.resume_requests.order_by("pk")),
        "letters": list(hazard.letters.order_by("pk")),
        "evidence": list(hazard.evidence.order_by("pk")),
        "plan": plan,
        "missing_to_close": closing_conditions(hazard) if hazard.status in (HazardStatus.SUBMITTED, HazardStatus.RECHECKING) else [],
        "reviewer_choices": _reviewers(user) if A.START_RECHECK in offered else [],
        "departments": Department.objects.filter(is_active=True).order_by("name") if A.REFER in offered else [],
        "refusal_grounds": RefusalGround.choices,
        "plan_parts": [(name, GovernancePlan._meta.get_field(name).verbose_name, getattr(plan, name) if plan else "")
                       for name in (*GovernancePlan.PARTS, "evaluation_report")] if A.PLAN in offered else [],
        "is_major": hazard.level == HazardLevel.MAJOR,
    }


@login_required
def notice_create(request, pk: int):
    """Issue one notice for one or more confirmed hazards of an enterprise."""
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    candidates = [h for h in Hazard.objects.visible_to(request.user).filter(enterprise=enterprise, status=HazardStatus.CONFIRMED)
                  .order_by("pk") if A.NOTIFY in services.available_hazard_actions(request.user, h)]
    if not candidates and request.method != "POST":
        messages.info(request, _("No confirmed hazard of this enterprise awaits a notice that you may issue."))
        return redirect("inspections:enterprise-detail", enterprise.pk)
    chosen = request.POST.getlist("hazards") if request.method == "POST" else request.GET.getlist("hazard")
    context = {"enterprise": enterprise, "candidates": candidates, "chosen": [str(c) for c in chosen],
               "modes": RectificationMode.choices, "post": request.POST}
    if request.method != "POST":
        return render(request, "inspections/rectification/notice_form.html", context)
    params = {k: request.POST.get(k, "") for k in ("mode", "working_days", "responsible_person", "measures", "funds",
                                                   "time_limit", "emergency_plan", "note")}
    try:
        notice, created = create_once(request, lambda: services.issue_notice(actor=request.user, hazards=chosen, params=params))
    except Forbidden as error:
        raise forbid(error) from None
    except (Refused, ValidationError) as error:
        context["error"] = refusal_message(error)
        return render(request, "inspections/rectification/notice_form.html", context, status=400)
    if created:
        messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
    return redirect("inspections:notice-detail", notice.pk)


def _notice(request, pk: int) -> RectificationNotice:
    return get_visible_or_404(RectificationNotice.objects.select_related("enterprise", "issuer"), request.user, pk=pk)


@login_required
@require_GET
def notice_detail(request, pk: int):
    notice = _notice(request, pk)
    hazards = list(Hazard.objects.visible_to(request.user).filter(notice=notice).order_by("pk"))
    pending = next((h for h in hazards if h.status == HazardStatus.NOTIFIED), None)
    may_serve = pending is not None and A.SERVE in services.available_hazard_actions(request.user, pending)
    return render(request, "inspections/rectification/notice_detail.html",
                  {"notice": notice, "hazards": hazards, "may_serve": may_serve})


@login_required
@require_POST
def notice_serve(request, pk: int):
    notice = _notice(request, pk)
    try:
        services.serve_notice(notice.pk, actor=request.user, signature=request.POST.get("signature") or None,
                              photos=request.FILES.getlist("photos"), served_to=request.POST.get("served_to", ""))
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Service recorded: the enterprise is rectifying."))
    return redirect("inspections:notice-detail", notice.pk)


def _office() -> str:
    return SubDistrict.objects.order_by("pk").values_list("name", flat=True).first() or ""


@login_required
@require_GET
def notice_print(request, pk: int):
    notice = _notice(request, pk)
    hazards = list(Hazard.objects.filter(notice=notice).select_related("clause__standard").order_by("pk"))
    return render(request, "inspections/rectification/notice_print.html",
                  {"notice": notice, "hazards": hazards, "office": _office()})


@login_required
@require_GET
def notice_proof(request, pk: int):
    notice = _notice(request, pk)
    if not notice.service_proof:
        raise Http404
    return private_file_response(notice.service_proof, content_type="image/jpeg")


@login_required
@require_GET
def letter_print(request, pk: int, letter_pk: int):
    hazard = get_visible_or_404(Hazard.objects.select_related("enterprise", "notice", "zone"), request.user, pk=pk)
    letter = get_object_or_404(SupervisionLetter, pk=letter_pk, hazard=hazard)
    return render(request, "inspections/rectification/letter_print.html",
                  {"hazard": hazard, "letter": letter, "office": _office()})


@login_required
@require_GET
def evidence_photo(request, pk: int, photo_pk: int):
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    return private_file_response(get_object_or_404(RectificationPhoto, pk=photo_pk, hazard=hazard).image, content_type="image/jpeg")
