"""The shared transition engine on its own terms: the table's target is authoritative.

Built on the case model (the engine's first client) with toy tables, so that each rule of the
engine is proved apart from the case loop's own handlers.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from casework import engine
from casework.engine import Move, Transition
from casework.errors import Refused
from incidents.choices import Status
from incidents.models import Incident, IncidentEvent
from incidents.services.timeline import record

pytestmark = pytest.mark.django_db

EVERYONE = frozenset({"street", "zone_leader", "grid_worker", "department", "community", "admin", "contractor"})


def toy(handler, *, target=Status.REGISTERED, branches=frozenset()) -> engine.Workflow:
    return engine.Workflow(
        model=Incident,
        transitions={"poke": Transition(frozenset({Status.REPORTED}), target, EVERYONE, branches=branches)},
        handlers={"poke": handler},
        role_of=lambda actor: actor.role,
        action_label=str, status_label=str, record=record, save_fields=["status", "updated_at"],
    )


@pytest.fixture
def case(make_case):
    return make_case(Status.REPORTED)


def test_the_engine_sets_the_tables_target_the_handler_does_not(world, case):
    moved = engine.apply(toy(lambda step: Move("comment")), case.pk, actor=world.users.street, action="poke")
    assert moved.status == Status.REGISTERED
    assert Incident.objects.get(pk=case.pk).status == Status.REGISTERED
    event = IncidentEvent.objects.filter(incident=case).order_by("-pk").first()
    assert (event.from_status, event.to_status, event.actor) == (Status.REPORTED, Status.REGISTERED, world.users.street)


def test_a_handler_writing_an_undeclared_status_fails_and_changes_nothing(world, case):
    def rogue(step):
        step.obj.status = Status.CLOSED
        return Move("comment")

    events = IncidentEvent.objects.filter(incident=case).count()
    with pytest.raises(ImproperlyConfigured):
        engine.apply(toy(rogue), case.pk, actor=world.users.street, action="poke")
    assert Incident.objects.get(pk=case.pk).status == Status.REPORTED
    assert IncidentEvent.objects.filter(incident=case).count() == events


def test_only_declared_branches_may_be_taken(world, case):
    def branch_to(status):
        def handler(step):
            step.branch(status)
            return Move("comment")
        return handler

    declared = toy(branch_to(Status.DISPUTED), branches=frozenset({Status.DISPUTED}))
    assert engine.apply(declared, case.pk, actor=world.users.street, action="poke").status == Status.DISPUTED
    undeclared = toy(branch_to(Status.VOID), branches=frozenset({Status.DISPUTED}))
    fresh = Incident.objects.filter(pk=case.pk)
    fresh.update(status=Status.REPORTED)
    with pytest.raises(ImproperlyConfigured):
        engine.apply(undeclared, case.pk, actor=world.users.street, action="poke")
    assert fresh.get().status == Status.REPORTED


def test_a_target_of_none_keeps_the_status(world, case):
    workflow = toy(lambda step: Move("comment"), target=None)
    assert engine.apply(workflow, case.pk, actor=world.users.street, action="poke").status == Status.REPORTED


def test_refused_and_out_of_scope(world, case):
    workflow = toy(lambda step: Move("comment"))
    with pytest.raises(Http404):
        engine.apply(workflow, case.pk, actor=world.users.worker_b, action="poke")  # another zone's worker
    with pytest.raises(Http404):
        engine.apply(workflow, 987654321, actor=world.users.street, action="poke")
    Incident.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(Refused):
        engine.apply(workflow, case.pk, actor=world.users.street, action="poke")
    assert engine.available_actions(workflow, world.users.street, Incident.objects.get(pk=case.pk)) == []


def test_a_table_and_its_handlers_must_name_the_same_actions():
    workflow = engine.Workflow(
        model=Incident, transitions={"a": Transition(frozenset(), None, EVERYONE)}, handlers={"b": lambda step: Move("x")},
        role_of=str, action_label=str, status_label=str, record=record, save_fields=[],
    )
    with pytest.raises(ImproperlyConfigured):
        workflow.check()
