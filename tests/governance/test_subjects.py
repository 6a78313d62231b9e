"""The meetings' subject registry, and the case loop's verb that carries out a meeting's decision."""

from __future__ import annotations

import pytest

from governance.meetings import services as meetings
from governance.meetings import subjects
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident, IncidentEvent
from incidents.services import Refused
from incidents.services.decisions import ASSIGNABLE_STATUSES, assign_by_decision, decision_moves, not_assignable
from tests.governance.conftest import in_days

pytestmark = pytest.mark.django_db


def test_an_agenda_item_of_a_case_is_of_the_case_kind(world, disputed):
    case = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    item = meeting.items.get(incident=case)
    assert subjects.subject_of(item) is subjects.SUBJECTS["case"]
    assert subjects.key_of(item) == ("case", case.pk)
    assert subjects.object_of(item) == case
    assert subjects.SUBJECTS["case"].one_line(case).startswith(case.code)


def test_decision_moves_end_in_a_dispatch_from_every_assignable_state():
    for status in ASSIGNABLE_STATUSES:
        assert decision_moves(status)[-1] == Action.DISPATCH
        assert decision_moves(Status.SUSPENDED, status) == [Action.RESUME, *decision_moves(status)]
    assert decision_moves(Status.CLOSED) is None
    assert decision_moves(Status.SUSPENDED, Status.SUSPENDED) is None


def test_assign_by_decision_takes_a_dispatched_case_back_and_records_the_meeting(world, make_case):
    case = make_case(Status.DISPATCHED, department=world.safety)
    deadline = in_days(5).replace(second=0, microsecond=0)
    assign_by_decision(
        case.pk, actor=world.users.street, department=world.urban.pk, deadline=deadline, note="With the property company",
        meeting_title="Weekly work meeting no. 3 of 2026", event_data={"meeting": 42},
    )
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.department == world.urban and case.due_at == deadline
    kinds = list(IncidentEvent.objects.filter(incident=case).order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.DISPUTE, EventKind.MEETING_DECISION]
    event = IncidentEvent.objects.filter(incident=case).latest("pk")
    assert event.data["meeting"] == 42 and "With the property company" in event.note


def test_assign_by_decision_refuses_a_closed_case_and_changes_nothing(world, make_case):
    case = make_case(Status.CLOSED)
    events = IncidentEvent.objects.filter(incident=case).count()
    assert not_assignable(case)
    with pytest.raises(Refused):
        assign_by_decision(
            case.pk, actor=world.users.street, department=world.urban.pk, deadline=in_days(5), meeting_title="M",
        )
    assert Incident.objects.get(pk=case.pk).status == Status.CLOSED
    assert IncidentEvent.objects.filter(incident=case).count() == events


def test_a_subject_kind_missing_a_rule_cannot_be_registered():
    from governance.meetings.subjects.base import Subject

    class Incomplete(Subject):
        kind, field = "hazard", "hazard"

    with pytest.raises(TypeError):
        Incomplete()
