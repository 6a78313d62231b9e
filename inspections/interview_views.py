"""Pages of joint interviews: thin, scoped (grids.access / grids.listing), calling services.

The list, the dossier, the printable notice, record and dossier and the commitment's scan are
open to outside participants (grids.external); `visible_to` gives them exactly the interviews
they take part in. Each step's form is on the dossier page, for those who may take it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.errors import Forbidden, Refused
from casework.files import private_file_response
from casework.http import forbid, refusal_message
from casework.once import create_once
from grids.access import get_visible_or_404
from grids.choices import Role
from grids.external import open_to_external
from grids.listing import FilteredListView
from grids.models import Department, SubDistrict, User
from inspections.interview_choices import Body, InterviewAction, Outcome
from inspections.interview_filters import InterviewFilter
from inspections.models import InterviewParticipant, JointInterview
from inspections.services import interviews as services
from inspections.services.interview_steps import scan_content_type

ACTION_FIELDS = {"action", "csrfmiddlewaretoken", "scan", "attended"}


@open_to_external
class InterviewListView(FilteredListView):
    template_name = "inspections/interviews/list.html"
    filterset_class = InterviewFilter
    queryset = JointInterview.objects.for_list()
    context_object_name = "interviews"


def _dossier(user, pk: int) -> JointInterview:
    return get_visible_or_404(
        JointInterview.objects.for_list().prefetch_related(
            "hazards", "commitments", Prefetch("participants", queryset=InterviewParticipant.objects.select_related("user"))),
        user, pk=pk)


def _outside_users():
    """Logins that may be seated: outside participants first, then the site's own people."""
    return User.objects.filter(is_active=True).exclude(role=Role.GRID_WORKER).order_by("-role", "username")


@open_to_external
@login_required
@require_GET
def interview_detail(request, pk: int):
    interview = _dossier(request.user, pk)
    actions = services.available_interview_actions(request.user, interview)
    may_seat = InterviewAction.SCHEDULE in actions
    return render(request, "inspections/interviews/detail.html", {
        "interview": interview, "events": services.interview_timeline(interview), "actions": actions,
        "participants": list(interview.participants.all()), "outcomes": Outcome.choices, "bodies": Body.choices,
        "departments": Department.objects.filter(is_active=True).order_by("sort", "name") if may_seat else [],
        "users": _outside_users() if may_seat else [], "read_only": not actions,
        "now": timezone.localtime(),
    })


@login_required
@require_POST
def interview_act(request, pk: int):
    action = request.POST.get("action", "")
    params = {k: v for k, v in request.POST.items() if k not in ACTION_FIELDS}
    params["attended"] = request.POST.getlist("attended")
    if request.FILES.get("scan"):
        params["scan"] = request.FILES["scan"]
    try:
        services.apply_interview_action(pk, actor=request.user, action=action, params=params)
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, InterviewAction(action).label)
    if not JointInterview.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return redirect("inspections:interview-detail", pk)


@login_required
@require_POST
def participant_add(request, pk: int):
    post = request.POST
    try:
        _participant, created = create_once(request, lambda: services.add_participant(
            pk, actor=request.user, body=post.get("body", ""), name=post.get("name", ""),
            organisation=post.get("organisation", ""), department=post.get("department") or None,
            user=post.get("user") or None))
    except Forbidden as error:
        raise forbid(error) from None
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    else:
        if created:
            messages.success(request, _("Participant added."))
    return redirect("inspections:interview-detail", pk)


@open_to_external
@login_required
@require_GET
def interview_scan(request, pk: int):
    interview = get_visible_or_404(JointInterview, request.user, pk=pk)
    if not interview.commitment_scan:
        raise Http404
    try:
        content_type = scan_content_type(interview.commitment_scan)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return private_file_response(interview.commitment_scan, content_type=content_type)


# --- print: the notice, the record, the dossier (A4, as the meeting minutes) ------------------------

def _print(request, pk: int, template: str):
    interview = _dossier(request.user, pk)
    return render(request, template, {
        "interview": interview, "participants": list(interview.participants.all()),
        "events": services.interview_timeline(interview) if template.endswith("dossier.html") else [],
        "subdistrict": SubDistrict.objects.order_by("pk").values_list("name", flat=True).first() or "",
    })


@open_to_external
@login_required
@require_GET
def print_notice(request, pk: int):
    return _print(request, pk, "inspections/interviews/print_notice.html")


@open_to_external
@login_required
@require_GET
def print_record(request, pk: int):
    return _print(request, pk, "inspections/interviews/print_record.html")


@open_to_external
@login_required
@require_GET
def print_dossier(request, pk: int):
    return _print(request, pk, "inspections/interviews/print_dossier.html")

