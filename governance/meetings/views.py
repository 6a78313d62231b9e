"""Pages of the joint meetings: the list, preparing a meeting, the agenda, running the meeting item
by item, publishing the minutes, printing, and the ledger of decisions (read-only for departments).

Views are thin: read through governance.meetings.selectors (scoped by `visible_to`), write through
governance.meetings.services, and turn its errors into form messages (403 for a user who does
not run meetings, 404 for what the user may not see).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.audit import record_export
from casework.errors import Forbidden, Refused
from casework.http import forbid, refusal_message
from casework.once import create_once
from casework.spreadsheets import CONTENT_TYPE as XLSX
from governance.meetings import exports as meetings_exports
from governance.meetings import forms, selectors, services, subjects
from governance.meetings.agenda import follow_up, week_of
from governance.meetings.choices import DEFAULT_PLACE, MeetingKind
from governance.meetings.filters import DecisionFilter, MeetingFilter
from grids.access import get_visible_or_404
from grids.listing import FilteredListView

PAGE_SIZE = 50


def _meeting(request, pk: int):
    return get_visible_or_404(selectors.meeting_detail(request.user), request.user, pk=pk)


def _require_street(request) -> None:
    if not request.user.sees_everything:
        raise PermissionDenied(_("Only the street office runs the joint meetings."))


def _attempt(request, service: Callable, /, *args, **kwargs):
    """Run a service; its refusal becomes a message on the next page (403 when forbidden)."""
    try:
        return service(*args, **kwargs), True
    except Forbidden as error:
        raise forbid(error) from None
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    return None, False


def _detail(meeting, **query) -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- list and preparation ------------------------------------------------------------------------

class MeetingListView(FilteredListView):
    template_name = "governance/meetings/list.html"
    filterset_class = MeetingFilter
    context_object_name = "meetings"
    paginate_by = PAGE_SIZE
    lenient_pages = True

    def scoped_queryset(self):
        return selectors.meeting_list(self.request.user)

    def get_extra_context(self, context: dict) -> dict:
        return {"can_run": self.request.user.sees_everything}


@login_required
def meeting_create(request):
    _require_street(request)
    now = timezone.now()
    initial = {
        "kind": request.GET.get("kind", MeetingKind.WEEKLY), "held_at": services.default_held_at(week_of(now), now),
        "place": str(DEFAULT_PLACE), "chair": request.user, "fill": True,
    }
    form = forms.NewMeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result, ok = _attempt(
            request, services.prepare_meeting, kind=data["kind"], week_start=week_of(data["held_at"]), actor=request.user,
            held_at=data["held_at"], place=data["place"], chair=data["chair"], attending_departments=data["attending_departments"],
            attendees=data["attendees"], guests=data["guests"], fill=data["fill"],
        )
        if ok:
            meeting, created = result
            if created:
                messages.success(request, _("%(meeting)s is prepared.") % {"meeting": meeting.title})
            else:
                messages.info(request, _("That week already has %(meeting)s; here it is.") % {"meeting": meeting.title})
            return redirect(_detail(meeting))
    return render(request, "governance/meetings/form.html", {"form": form, "creating": True})


@login_required
@require_GET
def this_week(request):
    """This week's weekly work meeting; the street office is offered to prepare it if missing."""
    meeting = selectors.this_weeks_meeting(request.user)
    if meeting is not None:
        return redirect(_detail(meeting))
    if request.user.sees_everything:
        messages.info(request, _("This week's agenda is not prepared yet: it is prepared every Monday morning, or now here."))
        return redirect(reverse("meetings:create") + "?kind=weekly")
    messages.info(request, _("This week's meeting is not on your list."))
    return redirect("meetings:list")


# --- one meeting -------------------------------------------------------------------------------

@login_required
@require_GET
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    items = selectors.agenda_items(meeting)
    active = [i for i in items if not i.is_withdrawn]
    failed = request.GET.get("failed")
    return render(request, "governance/meetings/detail.html", {
        "meeting": meeting, "items": active, "withdrawn": [i for i in items if i.is_withdrawn],
        "follow_ups": follow_up(meeting), "can_edit": request.user.sees_everything and not meeting.is_published,
        "undecided": sum(1 for i in active if i.current_decision is None), "failed_item": int(failed) if str(failed).isdigit() else None,
        "add_form": forms.AddItemForm(), "withdraw_form": forms.WithdrawForm(),
    })


@login_required
def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk)  # out of scope: 404 before any role check (403)
    _require_street(request)
    initial = {
        "held_at": timezone.localtime(meeting.held_at), "place": meeting.place, "chair": meeting.chair, "guests": meeting.guests,
        "summary": meeting.summary, "attending_departments": list(meeting.attending_departments.all()),
        "attendees": list(meeting.attendees.all()),
    }
    form = forms.EditMeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = _attempt(request, services.update_meeting, meeting.pk, actor=request.user, **form.cleaned_data)
        if ok:
            messages.success(request, _("Saved."))
            return redirect(_detail(meeting))
    return render(request, "governance/meetings/form.html", {"form": form, "meeting": meeting, "creating": False})


@login_required
@require_POST
def meeting_refresh(request, pk: int):
    meeting = _meeting(request, pk)
    count, ok = _attempt(request, services.refresh_agenda, meeting.pk, actor=request.user)
    if ok:
        messages.success(request, _("%(count)s new cases put on the agenda.") % {"count": count})
    return redirect(_detail(meeting))


@login_required
@require_POST
def meeting_start(request, pk: int):
    meeting = _meeting(request, pk)
    _result, ok = _attempt(request, services.start_session, meeting.pk, actor=request.user)
    if ok:
        messages.success(request, _("The meeting is in session: decide the items one by one."))
        return redirect("meetings:run", pk=meeting.pk)
    return redirect(_detail(meeting))


@login_required
@require_POST
def meeting_publish(request, pk: int):
    meeting = _meeting(request, pk)
    try:
        services.publish_minutes(meeting.pk, actor=request.user)
    except services.PublishFailed as failed:
        messages.error(request, failed.message)
        return redirect(_detail(meeting, failed=failed.item_id))
    except Forbidden as error:
        raise forbid(error) from None
    except Refused as error:
        messages.error(request, error.message)
        return redirect(_detail(meeting))
    messages.success(request, _("The minutes are published and every decision was applied to its case."))
    return redirect(_detail(meeting))


# --- the agenda's items --------------------------------------------------------------------------

@login_required
@require_POST
def item_add(request, pk: int):
    meeting = _meeting(request, pk)
    form = forms.AddItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_detail(meeting))
    result, ok = _attempt(request, create_once, request,
                          lambda: services.add_item(meeting.pk, actor=request.user, **form.cleaned_data))
    item, created = result if ok else (None, False)
    if created:
        messages.success(request, _("Case %(code)s is on the agenda.") % {"code": item.incident.code})
    return redirect(_detail(meeting))


def _item(request, pk: int, item_pk: int):
    meeting = _meeting(request, pk)
    items = selectors.agenda_items(meeting, include_withdrawn=False)
    item = next((i for i in items if i.pk == item_pk), None)
    if item is None:
        raise Http404
    return meeting, items, item


@login_required
@require_POST
def item_withdraw(request, pk: int, item_pk: int):
    meeting, _items, item = _item(request, pk, item_pk)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the case is removed from the agenda."))
        return redirect(_detail(meeting))
    _result, ok = _attempt(request, services.withdraw_item, item.pk, actor=request.user, reason=form.cleaned_data["reason"])
    if ok:
        code = subjects.subject_of(item).code(subjects.object_of(item))
        messages.success(request, _("Case %(code)s was removed from the agenda.") % {"code": code})
    return redirect(_detail(meeting))


@login_required
@require_POST
def item_move(request, pk: int, item_pk: int):
    meeting, _items, item = _item(request, pk, item_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    _attempt(request, services.move_item, item.pk, actor=request.user, offset=offset)
    return redirect(_detail(meeting) + f"#item-{item.pk}")


# --- running the meeting ---------------------------------------------------------------------------

@login_required
@require_GET
def run_first(request, pk: int):
    meeting = _meeting(request, pk)
    items = selectors.agenda_items(meeting, include_withdrawn=False)
    target = next((i for i in items if i.current_decision is None), items[0] if items else None)
    if target is None:
        messages.info(request, _("The agenda is empty."))
        return redirect(_detail(meeting))
    return redirect("meetings:run-item", pk=meeting.pk, item_pk=target.pk)


@login_required
def run_item(request, pk: int, item_pk: int):
    meeting, items, item = _item(request, pk, item_pk)  # out of scope: 404 before any role check
    _require_street(request)
    index = items.index(item)
    previous_item = items[index - 1] if index > 0 else None
    next_item = items[index + 1] if index + 1 < len(items) else None
    decision = item.current_decision
    initial = {}
    if decision is not None:
        initial = {
            "lead_department": decision.lead_department, "cooperating": list(decision.cooperating.all()),
            "deadline": timezone.localtime(decision.deadline), "note": decision.note, "action": decision.action,
        }
    form = forms.DecisionForm(request.POST or None, initial=initial, subject=subjects.subject_of(item))
    if request.method == "POST" and form.is_valid():
        _result, ok = _attempt(request, services.record_decision, item.pk, actor=request.user, **form.cleaned_data)
        if ok:
            messages.success(request, _("Decision on item %(number)s recorded.") % {"number": item.number})
            if next_item is not None:
                return redirect("meetings:run-item", pk=meeting.pk, item_pk=next_item.pk)
            return redirect(_detail(meeting))
    return render(request, "governance/meetings/run.html", {
        "meeting": meeting, "item": item, "case": item.incident, "form": form, "decision": decision, "total": len(items),
        "previous_item": previous_item, "next_item": next_item, "can_decide": meeting.in_session,
    })


@login_required
@require_POST
def decision_clear(request, pk: int, item_pk: int):
    meeting, _items, item = _item(request, pk, item_pk)
    _result, ok = _attempt(request, services.clear_decision, item.pk, actor=request.user)
    if ok:
        messages.success(request, _("Decision on item %(number)s taken back.") % {"number": item.number})
    return redirect("meetings:run-item", pk=meeting.pk, item_pk=item.pk)


# --- print -----------------------------------------------------------------------------------------

def _print(request, pk: int, template: str, *, minutes: bool):
    meeting = _meeting(request, pk)
    items = selectors.agenda_items(meeting, include_withdrawn=False)
    for item in items:
        item.heading_number = selectors.item_heading_number(item.number)
    follow_ups = follow_up(meeting)
    # The sections after the items continue their numbering (一、二、… 三、前次议定事项落实情况).
    after = len(items)
    follow_up_number = selectors.item_heading_number(after := after + 1) if follow_ups else ""
    summary_number = selectors.item_heading_number(after + 1) if meeting.summary else ""
    return render(request, template, {
        "meeting": meeting, "items": items, "follow_ups": follow_ups, "draft": minutes and selectors.is_draft(meeting),
        "subdistrict": selectors.subdistrict_name(), "printed_at": timezone.now(), "distribution": selectors.distribution(meeting, items),
        "follow_up_number": follow_up_number, "summary_number": summary_number,
    })


@login_required
@require_GET
def print_agenda(request, pk: int):
    return _print(request, pk, "governance/meetings/print_agenda.html", minutes=False)


@login_required
@require_GET
def print_minutes(request, pk: int):
    return _print(request, pk, "governance/meetings/print_minutes.html", minutes=True)


# --- decisions: the ledger, and the departments' read-only view ------------------------------------

class DecisionListView(FilteredListView):
    """The ledger (street office), or what concerns the user's department; `decisions` carry their outcome."""

    template_name = "governance/meetings/decisions.html"
    filterset_class = DecisionFilter
    paginate_by = PAGE_SIZE
    lenient_pages = True

    def scoped_queryset(self):
        return selectors.decision_list(self.request.user)

    def get_extra_context(self, context: dict) -> dict:
        return {"decisions": list(selectors.with_outcomes(context["object_list"])), "department": self.request.user.department}


@login_required
@require_GET
def decision_export(request):
    decisions = selectors.decision_list(request.user)
    content = meetings_exports.export_decisions(decisions, exported_by=request.user)
    record_export(request, "meeting_decisions", rows=decisions.count())
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{meetings_exports.ledger_filename()}"'
    return response
