"""Case pages: intake, my cases, the zone and department queues (with bulk dispatch and Excel
export), and the case page with its actions (the notification inbox is grids.inbox).

Views stay thin: reads start from the selectors (scoped by `visible_to`), every change goes
through a service (`report_incident`, `link_report`, `apply_action`). A refused move
becomes a message, a bad input a form error; out-of-scope and missing cases both answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.audit import note_out_of_scope, record_export
from casework.files import private_file_response
from casework.http import forbid, refusal_message, refused_body
from casework.once import create_once
from casework.photos import MAX_PHOTOS
from casework.spreadsheets import CONTENT_TYPE as XLSX
from grids.access import get_visible_or_404
from grids.choices import Role
from grids.listing import FilteredListView
from grids.models import Department, GridCell
from grids.services import locate_cell
from grids.templatetags.grid_tags import distance, since
from grids.views import map_config
from incidents import exports, selectors, services
from incidents.choices import OPEN_STATUSES, Action, Source, Status
from incidents.filters import IncidentFilter
from incidents.forms import (
    BULK_ACTIONS,
    QUICK_ACTIONS,
    SIDE_ACTIONS,
    BulkDispatchForm,
    DispatchForm,
    IntakeForm,
    action_form,
    add_service_errors,
    dispatch_handlers,
)
from incidents.models import Incident, IncidentPhoto, PhotoKind

PAGE_SIZE = 50
CARD_PAGE_SIZE = 25
# The filters the queue form shows. The others (the dashboard's drill-downs, ids for programs)
# still apply when a link carries them; the form keeps them as hidden inputs and names them.
SHOWN_FILTERS = (
    "q", "status", "open", "category", "community", "grid_cell", "department", "severity", "overdue", "escalation",
    "reported_after", "reported_before",
)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default


def _departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).order_by("sort", "name"))


def _page(request, queryset, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def queue_filter_data(request):
    """The queue's filters: the query string, open cases unless a status (or `open`) is asked for."""
    data = request.GET.copy()
    if data.getlist("status"):
        data.pop("open", None)  # an explicit status is more specific than "open only"
    elif "open" not in data:
        data["open"] = "true"
    return data


class CaseListView(FilteredListView):
    """The case queues: the API's IncidentFilter over the user's cases, open ones by default; the
    form shows `shown` and carries the other filters a link brought (the dashboard's drill-downs)."""

    filterset_class = IncidentFilter
    lenient_pages = True
    context_object_name = "cases"
    shown = SHOWN_FILTERS

    def scoped_queryset(self):
        return selectors.case_list(self.request.user)

    def filter_data(self):
        return queue_filter_data(self.request)

    def get_filterset(self, queryset):
        filterset = IncidentFilter(self.filter_data(), queryset=queryset, request=self.request)
        fields = filterset.form.fields
        fields["status"].widget.attrs["size"] = 4
        for name in ("reported_after", "reported_before"):
            fields[name].widget.input_type = "date"  # the phone's date picker
        # A TypedChoiceField has no empty choice: without one the form would submit "on time".
        if fields["escalation"].choices and fields["escalation"].choices[0][0] != "":
            fields["escalation"].choices = [("", "---------"), *fields["escalation"].choices]
        return filterset

    def get_extra_context(self, context: dict) -> dict:
        data, fields = self.filterset.data, self.filterset.form.fields
        carried = [
            (name, value) for name in data if name in fields and name not in self.shown for value in data.getlist(name) if value
        ]
        labels = sorted({str(fields[name].label) for name, _value in carried})
        return {"shown_filters": self.shown, "carried_filters": carried, "carried_labels": labels}


def _bad_coordinates(request) -> tuple[float, float] | None:
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


# --- Intake --------------------------------------------------------------------------------------


@login_required
def incident_new(request, offline_copy: bool = False):
    """The grid worker's report form: category, description, photos, the point and its cell.

    `offline_copy` is the page the service worker keeps for use with no signal (incidents.offline):
    GET only, without the one-time intake token (one copy serves many reports, each queued with its
    own idempotency key) and without the session's pending messages (it is fetched in the background)."""
    user = request.user
    if not services.may_report(user):
        raise PermissionDenied
    if offline_copy and request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    tree = selectors.category_tree()
    form = IntakeForm(request.POST or None, request.FILES or None, user=user, tree=tree)
    if offline_copy:
        form.fields["intake_token"].initial = None
    # The phone's offline queue (offline-intake.js) posts this same form and asks for JSON.
    wants_json = request.method == "POST" and "application/json" in request.headers.get("Accept", "")
    if request.method == "POST" and form.is_valid():
        source = Source.GRID_WORKER if user.role == Role.GRID_WORKER else Source.STAFF
        try:
            incident = services.report_incident(
                reporter=user, photos=request.FILES.getlist("photos"), source=source, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except services.Refused as error:
            if wants_json:
                return JsonResponse(refused_body(error), status=error.status_code)
            form.add_error(None, error.message)
        else:
            if wants_json:
                return JsonResponse(
                    {"id": incident.pk, "code": incident.code, "url": reverse("incidents:detail", args=[incident.pk]),
                     "repeated": incident.repeated},
                    status=200 if incident.repeated else 201,
                )
            if incident.repeated:
                messages.info(request, _("This report was already filed as %(code)s; here it is.") % {"code": incident.code})
            else:
                messages.success(request, _("Case %(code)s filed. The zone has been told.") % {"code": incident.code})
            return redirect("incidents:detail", pk=incident.pk)
    if wants_json:
        return JsonResponse({"errors": {field: [str(m) for m in messages_] for field, messages_ in form.errors.items()}}, status=400)
    cells = form.cells
    context = {
        "form": form,
        "offline_copy": offline_copy,
        "tree": tree,
        "max_photos": MAX_PHOTOS,
        "self_handle_ids": [leaf.pk for domain in tree for leaf in domain.children.all() if leaf.self_handle_allowed],
        "map_data": {
            "tiles": map_config()["tiles"],
            "cells": {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "id": c.pk, "geometry": c.boundary, "properties": {"name": c.name}} for c in cells],
            },
        },
    }
    if offline_copy:
        context["messages"] = []
    return render(request, "incidents/new.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def locate(request):
    """The grid cell a point lies in (for the intake page): {"cell": {...}} or {"cell": null}."""
    point = _bad_coordinates(request)
    if point is None:
        return JsonResponse({"detail": _("Give lat and lng as numbers.")}, status=400)
    cell = locate_cell(latitude=point[0], longitude=point[1])
    if cell is None:
        return JsonResponse({"cell": None})
    mine = GridCell.objects.visible_to(request.user).filter(pk=cell.pk).exists()
    return JsonResponse({"cell": {
        "id": cell.pk, "name": cell.name, "code": cell.code, "community": cell.community.name,
        "zone": cell.community.zone.name, "mine": mine,
    }})


@login_required
@require_GET
def duplicates(request):
    """Open cases of the same category within 50 m and 7 days of a point, nearest first."""
    point = _bad_coordinates(request)
    try:
        category_id = int(request.GET["category"])
    except (KeyError, TypeError, ValueError):
        point = None
    if point is None:
        return JsonResponse({"detail": _("Give category, lat and lng as numbers.")}, status=400)
    found = selectors.possible_duplicates(request.user, category_id=category_id, latitude=point[0], longitude=point[1])
    return JsonResponse({"results": [
        {
            "id": case.pk, "code": case.code, "url": reverse("incidents:detail", args=[case.pk]),
            "link_url": reverse("incidents:link", args=[case.pk]), "distance_m": case.distance_m,
            "status": case.status, "status_display": case.get_status_display(),
            "text": _("A case of the same category (%(code)s), %(where)s, reported %(ago)s.") % {
                "code": case.code, "where": distance(case.distance_m), "ago": since(case.reported_at),
            },
        }
        for case in found
    ]})


@login_required
@require_POST
def link(request, pk: int):
    """Add this sighting (note and photos) to an existing case instead of filing a duplicate."""
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    note = request.POST.get("note") or request.POST.get("description") or ""
    try:
        _event, created = create_once(request, lambda: services.link_report(
            reporter=request.user, incident=incident, note=note, photos=request.FILES.getlist("photos")))
    except services.Forbidden as error:
        raise forbid(error) from None
    except ValidationError as error:
        messages.error(request, refusal_message(error))
        return redirect("incidents:new")
    if created:
        messages.success(request, _("Your report was added to case %(code)s.") % {"code": incident.code})
    else:
        messages.info(request, _("This report was already added to case %(code)s.") % {"code": incident.code})
    return redirect("incidents:detail", pk=incident.pk)


# --- Lists -----------------------------------------------------------------------------------------


@login_required
def mine(request):
    """A grid worker's cases: what they reported, and the open cases of their cells."""
    user = request.user
    mine_q = Q(reporter=user)
    if user.role == Role.GRID_WORKER:
        mine_q |= Q(grid_cell__in=user.grid_cells.all(), status__in=OPEN_STATUSES)
    show = request.GET.get("show", "")
    cases = selectors.case_list(user).filter(mine_q)
    if show == "reported":
        cases = cases.filter(reporter=user)
    elif show == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    page = _page(request, cases, CARD_PAGE_SIZE)
    return render(request, "incidents/mine.html", {"page_obj": page, "cases": page.object_list, "show": show})


class QueueView(CaseListView):
    """The zone leader's queue (the street office's over the whole sub-district), with bulk dispatch."""

    template_name = "incidents/queue.html"

    def get_extra_context(self, context: dict) -> dict:
        user = self.request.user
        can_dispatch = user.sees_everything or user.role == Role.ZONE_LEADER
        if can_dispatch:
            # A row is ticked only for what its case allows now (the engine's refusal, no query).
            for case in context["object_list"]:
                case.bulk_actions = [a for a in BULK_ACTIONS if services.refusal(user, case, a) is None]
        return {
            **super().get_extra_context(context),
            "bulk_form": BulkDispatchForm(departments=_departments()),
            "can_dispatch": can_dispatch,
            "export_query": queue_filter_data(self.request).urlencode(),
        }


queue = QueueView.as_view()


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch each ticked case to one department; each case is its own transaction."""
    back = _next_url(request, reverse("incidents:queue"))
    form = BulkDispatchForm(request.POST, departments=_departments())
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    params = {"department": form.cleaned_data["department"]} if action == Action.DISPATCH else {}
    codes = dict(Incident.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", "code"))
    done: list[str] = []
    for incident_id in ids:
        code = codes.get(incident_id)
        if code is None:
            messages.error(request, _("Case #%(id)s was not found.") % {"id": incident_id})
            continue
        try:
            services.apply_action(incident_id, actor=request.user, action=action, params=params)
        except (services.Refused, ValidationError) as error:
            messages.error(request, f"{code}: {refusal_message(error)}")
        except Http404:
            messages.error(request, _("Case #%(id)s was not found.") % {"id": incident_id})
        else:
            done.append(code)
    if done:
        said = _("Dispatched %(count)s: %(codes)s") if action == Action.DISPATCH else _("Registered %(count)s: %(codes)s")
        messages.success(request, said % {"count": len(done), "codes": ", ".join(done)})
    return redirect(back)


@login_required
@require_GET
def export(request):
    """The filtered queue as an Excel file: exactly the rows the queue shows, every page of them."""
    filterset = IncidentFilter(queue_filter_data(request), queryset=Incident.objects.visible_to(request.user), request=request)
    back = reverse("incidents:queue") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not filterset.is_valid():
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(back)
    queryset = filterset.qs
    rows = queryset.count()
    if rows > exports.EXPORT_LIMIT:
        messages.error(request, _("More than %(n)s cases: narrow the filter to export.") % {"n": exports.EXPORT_LIMIT})
        return redirect(back)
    response = HttpResponse(exports.export_cases(queryset, exported_by=request.user), content_type=XLSX)
    record_export(request, "incidents", rows=rows)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename()}"'
    return response


class DepartmentQueueView(CaseListView):
    """Cases dispatched to the user's department (visible_to restricts), open ones by default."""

    template_name = "incidents/department.html"
    shown = tuple(name for name in SHOWN_FILTERS if name != "department")

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role != Role.DEPARTMENT:
            return redirect("incidents:queue")
        return super().get(request, *args, **kwargs)

    def scoped_queryset(self):
        return super().scoped_queryset().select_related("assignee")


department_queue = DepartmentQueueView.as_view()


# --- The case page -----------------------------------------------------------------------------------


def _action_forms(request, incident, failed: tuple[str, object] | None = None) -> dict:
    actions = services.available_actions(request.user, incident)
    departments, handlers = ((), ())
    if Action.DISPATCH in actions:
        departments, handlers = _departments(), dispatch_handlers(incident.zone_id)
    entries = []
    for action in actions:
        if failed and failed[0] == action:
            form = failed[1]
        else:
            form = action_form(action, incident, departments=departments, handlers=handlers)
        entries.append({
            "action": action, "label": Action(action).label, "form": form, "open": bool(failed and failed[0] == action),
            "quick": action in QUICK_ACTIONS, "multipart": "photos" in form.fields,
        })
    return {
        "main_actions": [e for e in entries if e["action"] not in SIDE_ACTIONS and e["action"] != Action.COMMENT],
        "side_actions": [e for e in entries if e["action"] in SIDE_ACTIONS],
        "comment_action": next((e for e in entries if e["action"] == Action.COMMENT), None),
    }


def _render_case(request, pk: int, *, failed=None, status: int = 200):
    incident = selectors.case_detail(request.user).filter(pk=pk).first()
    if incident is None:
        note_out_of_scope(Incident, request, pk=pk)  # an existing case out of scope goes to the audit trail
        raise Http404
    photos = list(incident.photos.all())
    by_kind = [(label, [p for p in photos if p.kind == kind]) for kind, label in PhotoKind.choices]
    context = {
        "incident": incident,
        "photo_groups": [(label, group) for label, group in by_kind if group],
        "events": list(incident.events.all()),
        "deadlines": list(incident.deadlines.all()),
        "calendar_gap_years": selectors.calendar_gap_years(incident),
        "case_notes": selectors.case_notes(request.user, incident),
        "map_data": {
            "tiles": map_config()["tiles"],
            "point": [incident.latitude, incident.longitude] if incident.latitude is not None else None,
            "cell": {"type": "Feature", "geometry": incident.grid_cell.boundary, "properties": {"name": incident.grid_cell.name}},
        },
        **_action_forms(request, incident, failed),
    }
    return render(request, "incidents/detail.html", context, status=status)


@login_required
def incident_detail(request, pk: int):
    return _render_case(request, pk)


def _parse_inputs(action: str, params: dict) -> None:
    """Parse what the page's widgets send before the service sees it: the datetime-local deadline
    (in the user's time zone; an impossible date such as month 13 is a form error, not a crash)."""
    if action == Action.DISPATCH and params.get("deadline"):
        try:
            params["deadline"] = DispatchForm.base_fields["deadline"].clean(params["deadline"])
        except ValidationError as error:
            raise ValidationError({"deadline": error.messages}) from None


@login_required
@require_POST
def act(request, pk: int):
    """Take one action on the case (action=… in the form) through services.apply_action."""
    get_visible_or_404(Incident, request.user, pk=pk)  # out of scope: 404, not a message on a redirect
    action = request.POST.get("action", "")
    params = {key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", "action", "next")}
    back = reverse("incidents:detail", args=[pk])
    try:
        _parse_inputs(action, params)
        services.apply_action(pk, actor=request.user, action=action, params=params, photos=request.FILES.getlist("photos"))
    except services.Refused as refused:
        messages.error(request, refusal_message(refused))
        return redirect(_next_url(request, back))
    except ValidationError as error:
        if action not in Action.values:
            messages.error(request, refusal_message(error))
            return redirect(back)
        incident = get_object_or_404(selectors.case_detail(request.user), pk=pk)
        form = action_form(action, incident, data=request.POST, files=request.FILES, departments=_departments(),
                           handlers=dispatch_handlers(incident.zone_id) if action == Action.DISPATCH else ())
        form.cleaned_data, form._errors = {}, ErrorDict()  # the service's errors are the ones that count
        add_service_errors(form, error)
        messages.error(request, _("“%(action)s” was not done: correct the form below.") % {"action": Action(action).label})
        return _render_case(request, pk, failed=(action, form), status=400)
    incident = Incident.objects.visible_to(request.user).filter(pk=pk).values("code", "status").first()
    if incident is None:
        # e.g. a department that returned the case no longer sees it.
        messages.success(request, _("Done. The case has left your queue."))
        return redirect("incidents:department" if request.user.role == Role.DEPARTMENT else "incidents:queue")
    messages.success(request, _("%(code)s: %(action)s done, now %(status)s.") % {
        "code": incident["code"], "action": Action(action).label, "status": Status(incident["status"]).label,
    })
    return redirect(_next_url(request, back))


@login_required
@require_GET
def photo(request, pk: int, photo_pk: int):
    """A case photo, served only to those who may see the case (photos show people and places)."""
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    item = get_object_or_404(IncidentPhoto, pk=photo_pk, incident=incident)
    return private_file_response(item.image, content_type="image/jpeg")
