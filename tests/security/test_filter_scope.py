"""The list filters' id choices (issue 18): an id the user may not see is refused exactly like an id
that does not exist, so a filter cannot tell which ids exist (an id-probing oracle).

The generic test walks every FilterSet of our apps: each ModelChoiceFilter over a scoped model
(one with `visible_to`) offers, for an outsider, nothing that `visible_to` hides."""

from __future__ import annotations

import datetime as dt
import importlib

import django_filters
import pytest
from django.test import RequestFactory
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.models import Meeting
from incidents.choices import Status
from incidents.models import Incident
from tests.incidents import factories as cf

OUR_APPS = ("grids", "incidents", "inspections", "contractors", "governance")
FILTER_MODULES = (
    "grids.filters", "incidents.filters", "inspections.filters", "inspections.fieldwork_filters",
    "governance.meetings.filters",
)


def our_filtersets() -> list[type]:
    for name in FILTER_MODULES:
        importlib.import_module(name)
    found, todo = [], list(django_filters.FilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in OUR_APPS:
            found.append(cls)
    return found


@pytest.fixture
def meeting_world(world):
    cats = cf.category_tree(world)
    safety_case = cf.case_in(Status.DISPATCHED, world, cats)  # dispatched to safety, in zone A
    week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    meeting, _ = meetings.prepare_meeting(kind="weekly", week_start=week, actor=world.users.street)
    meetings.add_item(meeting.pk, actor=world.users.street, incident=safety_case, reason_note="probe")
    return safety_case, meeting


def test_every_id_filter_over_a_scoped_model_offers_only_what_the_user_sees(world, meeting_world):
    outsider = world.users.urban  # a department user who sees neither the safety case nor the meeting
    request = RequestFactory().get("/")
    request.user = outsider
    checked = []
    for filterset_class in our_filtersets():
        filterset = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none(), request=request)
        for name, field in filterset.form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not hasattr(queryset.model.objects, "visible_to"):
                continue
            offered = set(queryset.values_list("pk", flat=True))
            visible = set(queryset.model.objects.visible_to(outsider).values_list("pk", flat=True))
            assert offered <= visible, f"{filterset_class.__name__}.{name} offers {sorted(offered - visible)}"
            checked.append(f"{filterset_class.__name__}.{name}")
    assert {"AgendaItemFilter.incident", "AgendaItemFilter.meeting", "DecisionFilter.item__meeting",
            "IncidentFilter.community", "HazardFilter.enterprise"} <= set(checked)


@pytest.mark.parametrize("endpoint, param, hidden", [
    ("/api/v1/agenda-items/", "incident", "case"),
    ("/api/v1/agenda-items/", "meeting", "meeting"),
    ("/api/v1/meeting-decisions/", "item__meeting", "meeting"),
])
def test_an_out_of_scope_id_answers_like_a_missing_one(world, meeting_world, api_for, endpoint, param, hidden):
    case, meeting = meeting_world
    model = {"case": Incident, "meeting": Meeting}[hidden]
    out_of_scope = {"case": case, "meeting": meeting}[hidden].pk
    missing = model.objects.order_by("-pk").first().pk + 1000
    api = api_for(world.users.urban)
    a, b = api.get(endpoint, {param: out_of_scope}), api.get(endpoint, {param: missing})
    assert a.status_code == b.status_code == 400
    shape = lambda body: {k: [m.replace(str(out_of_scope), "N").replace(str(missing), "N") for m in v] for k, v in body.items()}  # noqa: E731
    assert shape(a.json()) == shape(b.json())


def test_the_street_office_still_filters_by_any_id(world, meeting_world, api_for):
    case, meeting = meeting_world
    body = api_for(world.users.street).get("/api/v1/agenda-items/", {"incident": case.pk}).json()
    assert [row["incident"] if isinstance(row["incident"], int) else row["incident"]["id"] for row in body["results"]] == [case.pk]
