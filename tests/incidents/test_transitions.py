"""The transition table through the API: every (state, action, persona), and the side paths.

The expectations are written out here by hand rather than derived from TRANSITIONS, so that a
wrong entry in the table (or a missing guard) makes this file fail.
"""

from __future__ import annotations

import pytest

from grids.models import Notification
from incidents import services
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident, IncidentEvent
from tests.incidents.factories import local, valid_params
from tests.matrix import Matrix, check_state

pytestmark = pytest.mark.django_db

PERSONAS = ["street", "admin", "zone_leader", "zone_leader_b", "community", "worker", "worker_b", "safety", "safety_a", "urban",
            "contractor"]
LEAD = {"street", "admin", "zone_leader"}
# The case is in zone A; `safety` is the department's central staff, `safety_a` its zone-A team.
HANDLER = {"safety", "safety_a"}
VERIFIERS = {"street", "admin", "zone_leader", "worker"}  # worker: a grid worker of the case's cell
# Who sees the case (cell A1x, reported by `worker`) before and after it is dispatched to safety.
SEES = {"street", "admin", "zone_leader", "community", "worker"}
SEES_DISPATCHED = SEES | HANDLER

A = Action
# (status, extension pending) → action → personas for whom it succeeds. COMMENT: everyone who sees it.
EXPECTED: dict[tuple[str, bool], dict[str, set]] = {
    # WITHDRAW: only the grid worker who filed it (`worker`), while it is not registered.
    (Status.REPORTED, False): {A.REGISTER: LEAD, A.REJECT: LEAD, A.VOID: LEAD, A.WITHDRAW: {"worker"}},
    (Status.SELF_HANDLED, False): {A.REGISTER: LEAD, A.CONFIRM: LEAD, A.VOID: LEAD, A.WITHDRAW: {"worker"}},
    (Status.REGISTERED, False): {A.DISPATCH: LEAD, A.DISPUTE: LEAD, A.SUSPEND: LEAD, A.VOID: LEAD},
    (Status.REJECTED, False): {},
    (Status.DISPATCHED, False): {A.ACCEPT: HANDLER, A.RETURN: HANDLER, A.DISPUTE: LEAD, A.SUSPEND: LEAD, A.VOID: LEAD},
    (Status.ACCEPTED, False): {
        A.RETURN: HANDLER, A.HANDLE: HANDLER, A.REQUEST_EXTENSION: HANDLER, A.DISPUTE: LEAD, A.SUSPEND: LEAD, A.VOID: LEAD,
    },
    # A pending extension request: the zone decides it; no second request, no suspension meanwhile.
    (Status.ACCEPTED, True): {
        A.RETURN: HANDLER, A.HANDLE: HANDLER, A.APPROVE_EXTENSION: LEAD, A.REFUSE_EXTENSION: LEAD, A.DISPUTE: LEAD, A.VOID: LEAD,
    },
    (Status.HANDLED, False): {A.VERIFY: VERIFIERS, A.SUSPEND: LEAD, A.VOID: LEAD},
    (Status.VERIFIED, False): {A.CLOSE: LEAD, A.SUSPEND: LEAD, A.VOID: LEAD},
    (Status.CLOSED, False): {},
    # Disputed: the joint meeting decides, so only the street office (and admin) dispatches.
    (Status.DISPUTED, False): {A.DISPATCH: {"street", "admin"}, A.SUSPEND: LEAD, A.VOID: LEAD},
    (Status.SUSPENDED, False): {A.RESUME: LEAD, A.VOID: LEAD},
    (Status.VOID, False): {},
}

NEXT_STATUS = {
    A.REGISTER: Status.REGISTERED, A.REJECT: Status.REJECTED, A.CONFIRM: Status.CLOSED, A.DISPATCH: Status.DISPATCHED,
    A.ACCEPT: Status.ACCEPTED, A.RETURN: Status.REGISTERED, A.HANDLE: Status.HANDLED, A.VERIFY: Status.VERIFIED,
    A.CLOSE: Status.CLOSED, A.DISPUTE: Status.DISPUTED, A.SUSPEND: Status.SUSPENDED, A.VOID: Status.VOID, A.WITHDRAW: Status.VOID,
    A.RESUME: Status.ACCEPTED,  # the factory suspends an accepted case
}


def test_expectations_cover_every_status_and_action():
    assert {status for status, _pending in EXPECTED} == set(Status.values)
    for actions in EXPECTED.values():
        assert set(actions) <= set(Action.values) - {A.COMMENT}


def snapshot(case_id: int) -> tuple:
    """Everything a refused move must leave as it was."""
    return (
        Incident.objects.filter(pk=case_id).values().get(),
        IncidentEvent.objects.filter(incident_id=case_id).count(),
        Notification.objects.count(),
    )


def case_matrix(world, api_for) -> Matrix:
    return Matrix(
        personas=PERSONAS, actions=Action.values, persona=world.persona, client_for=api_for,
        url=lambda case: f"/api/v1/incidents/{case.pk}/", body=lambda action: valid_params(action, world.safety),
        snapshot=lambda case: snapshot(case.pk), status_of=lambda case: Incident.objects.get(pk=case.pk).status,
        events=lambda case: list(IncidentEvent.objects.filter(incident_id=case.pk).order_by("pk")),
    )


@pytest.mark.parametrize("state", list(EXPECTED), ids=lambda s: f"{s[0]}{'+extension' if s[1] else ''}")
def test_every_action_by_every_persona(state, world, make_case, api_for):
    status, pending = state
    case = make_case(status, extension_pending=pending)
    sees = SEES_DISPATCHED if case.department_id == world.safety.pk else SEES
    allowed = {**EXPECTED[state], A.COMMENT: sees}
    check_state(case_matrix(world, api_for), case, allowed=allowed, sees=sees, next_status=NEXT_STATUS,
                where=f"{status}{'+extension' if pending else ''}")


# --- side paths ---------------------------------------------------------------------------------

def post_action(client, case_id: int, action: str, **params):
    return client.post(f"/api/v1/incidents/{case_id}/actions/", {"action": action, **params}, format="json")


def kinds(case_id: int) -> list[str]:
    return list(IncidentEvent.objects.filter(incident_id=case_id).order_by("pk").values_list("kind", flat=True))


def test_return_needs_a_reason_then_goes_back_to_the_zone(world, make_case, api_for):
    case = make_case(Status.DISPATCHED)
    safety = api_for(world.users.safety)
    before = snapshot(case.pk)
    response = post_action(safety, case.pk, A.RETURN)
    assert response.status_code == 400 and "reason" in response.json()
    assert snapshot(case.pk) == before

    response = post_action(safety, case.pk, A.RETURN, reason="Gas company's pipe, not ours")
    assert response.status_code == 200 and response.json()["visible"] is False  # no longer the department's case
    case.refresh_from_db()
    assert (case.status, case.department_id, case.return_count, case.stage) == (Status.REGISTERED, None, 1, "dispatch")
    assert case.due_at is not None  # the zone's dispatch clock runs again
    assert kinds(case.pk)[-1] == EventKind.RETURN
    assert Notification.objects.filter(recipient=world.users.zone_leader, kind=EventKind.RETURN).count() == 1
    assert api_for(world.users.safety).get(f"/api/v1/incidents/{case.pk}/").status_code == 404


def test_second_return_makes_the_case_disputed_on_its_own(world, make_case, api_for):
    case = make_case(Status.DISPATCHED)
    assert post_action(api_for(world.users.safety), case.pk, A.RETURN, reason="not ours").status_code == 200
    leader = api_for(world.users.zone_leader)
    assert post_action(leader, case.pk, A.DISPATCH, department=world.urban.pk).status_code == 200
    assert post_action(api_for(world.users.urban), case.pk, A.RETURN, reason="not ours either").status_code == 200
    case.refresh_from_db()
    assert (case.status, case.return_count, case.department_id, case.due_at) == (Status.DISPUTED, 2, None, None)
    assert kinds(case.pk)[-2:] == [EventKind.RETURN, EventKind.AUTO_DISPUTE]
    auto = IncidentEvent.objects.get(incident=case, kind=EventKind.AUTO_DISPUTE)
    assert auto.data["returns"] == 2
    # The status change is shown once, on the return that made it.
    changes = IncidentEvent.objects.filter(incident=case, to_status=Status.DISPUTED)
    assert list(changes.values_list("kind", flat=True)) == [EventKind.RETURN]
    assert (auto.from_status, auto.to_status) == ("", "")
    assert Notification.objects.filter(recipient=world.users.street, kind=EventKind.RETURN).exists()
    # The zone may not re-dispatch a disputed case; the street office (the meeting's decision) may.
    assert post_action(leader, case.pk, A.DISPATCH, department=world.safety.pk).status_code == 409
    assert post_action(api_for(world.users.street), case.pk, A.DISPATCH, department=world.safety.pk).status_code == 200


def test_failed_verification_sends_the_case_back_to_the_same_department(world, make_case, api_for):
    case = make_case(Status.HANDLED)
    worker = api_for(world.users.worker)
    response = post_action(worker, case.pk, A.VERIFY, passed=False)
    assert response.status_code == 400 and "note" in response.json()  # say what is still wrong
    response = post_action(worker, case.pk, A.VERIFY, passed=False, note="Still smells of gas")
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.department_id, case.rework_count, case.stage) == (Status.DISPATCHED, world.safety.pk, 1, "handle")
    event = IncidentEvent.objects.filter(incident=case).order_by("-pk").first()
    assert (event.kind, event.data["rework"], event.note) == (EventKind.VERIFY_FAILED, 1, "Still smells of gas")
    assert Notification.objects.filter(recipient=world.users.safety, kind=EventKind.VERIFY_FAILED).count() == 1
    # Reworked and verified again: the count stays.
    services_path = [(world.users.safety, A.ACCEPT, {}), (world.users.safety, A.HANDLE, {"result": "Pipe replaced"}),
                     (world.users.worker, A.VERIFY, {"passed": True})]
    for user, action, params in services_path:
        assert post_action(api_for(user), case.pk, action, **params).status_code == 200
    case.refresh_from_db()
    assert (case.status, case.rework_count) == (Status.VERIFIED, 1)


@pytest.mark.parametrize(("status", "action", "field"), [
    (Status.REPORTED, A.REJECT, "reason"), (Status.REGISTERED, A.VOID, "reason"), (Status.REGISTERED, A.SUSPEND, "reason"),
    (Status.REGISTERED, A.DISPUTE, "reason"), (Status.ACCEPTED, A.HANDLE, "result"), (Status.REGISTERED, A.DISPATCH, "department"),
    (Status.ACCEPTED, A.REQUEST_EXTENSION, "days"), (Status.REPORTED, A.COMMENT, "note"),
])
def test_required_input_missing_answers_400_naming_the_field(status, action, field, world, make_case, api_for):
    case = make_case(status)
    user = world.users.safety if action in (A.HANDLE, A.REQUEST_EXTENSION) else world.users.zone_leader
    params = {k: v for k, v in valid_params(action, world.safety).items() if k != field}
    before = snapshot(case.pk)
    response = post_action(api_for(user), case.pk, action, **params)
    assert response.status_code == 400 and field in response.json(), response.content
    assert snapshot(case.pk) == before


def test_reject_and_void_with_a_reason_stop_the_clock(world, make_case, api_for):
    leader = api_for(world.users.zone_leader)
    rejected, voided = make_case(Status.REPORTED), make_case(Status.ACCEPTED)
    assert post_action(leader, rejected.pk, A.REJECT, reason="Private property matter").status_code == 200
    assert post_action(leader, voided.pk, A.VOID, reason="Filed twice").status_code == 200
    for case, status, reason in ((rejected, Status.REJECTED, "Private property matter"), (voided, Status.VOID, "Filed twice")):
        case.refresh_from_db()
        assert (case.status, case.due_at, case.stage) == (status, None, "")
        assert not case.deadlines.filter(finished_at__isnull=True).exists()
        event = IncidentEvent.objects.filter(incident=case).order_by("-pk").first()
        assert (event.note, event.to_status) == (reason, status)
    # The reporter hears that the case was rejected.
    assert Notification.objects.filter(recipient=world.users.worker, kind=EventKind.REJECT).count() == 1


def test_handling_a_case_lapses_a_pending_extension_request(world, make_case, api_for):
    case = make_case(Status.ACCEPTED, extension_pending=True)
    assert post_action(api_for(world.users.safety), case.pk, A.HANDLE, result="Done anyway").status_code == 200
    case.refresh_from_db()
    assert case.status == Status.HANDLED and not case.extension_pending and case.due_at is not None
    # Nothing left undecided blocks the zone: the handled case can be suspended.
    assert post_action(api_for(world.users.zone_leader), case.pk, A.SUSPEND, reason="Waiting for the owner").status_code == 200


def test_timeline_is_append_only(world, make_case):
    case = make_case(Status.REGISTERED)
    event = IncidentEvent.objects.filter(incident=case).first()
    event.note = "rewritten history"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        IncidentEvent.objects.filter(incident=case).update(note="rewritten")
    with pytest.raises(TypeError):
        IncidentEvent.objects.filter(incident=case).delete()
    assert list(IncidentEvent.objects.filter(incident=case).values_list("note", flat=True)) == ["", ""]


# --- clocks on the side paths (services with a controlled `now`) -------------------------------
# The gas category's handle limit is 4 working hours (08:30–12:00, 13:30–17:30). The factory
# dispatches at Monday 2026-11-02 09:00 (report 08:40, register 08:50, dispatch 09:00, accept
# 09:10), so the case is due at 14:30 that day: 3 h in the morning and 1 h after lunch.

MONDAY = local(2026, 11, 2, 8, 40)


def accepted_case(make_case, **kwargs):
    case = make_case(Status.ACCEPTED, now=MONDAY, **kwargs)
    assert case.due_at == local(2026, 11, 2, 14, 30)
    return case


def act(case, user, action: str, at, **params):
    return services.apply_action(case.pk, actor=user, action=action, params=params, now=at)


def test_extension_request_pauses_and_approval_adds_working_days_to_the_time_left(world, make_case):
    case = accepted_case(make_case)
    case = act(case, world.users.safety, A.REQUEST_EXTENSION, local(2026, 11, 2, 10, 0), days=2, reason="Spare part on order")
    assert (case.extension_pending, case.due_at, case.warn_at) == (True, None, None)
    assert case.paused_remaining == 3 * 3600  # 10:00–12:00 and 13:30–14:30
    case = act(case, world.users.zone_leader, A.APPROVE_EXTENSION, local(2026, 11, 2, 11, 0))
    # The 3 working hours left run from 11:00 to 15:30; two working days on top end with the
    # second working day after that (the working-days rule counts whole days): Wednesday 17:30.
    assert case.due_at == local(2026, 11, 4, 17, 30)
    assert (case.extension_pending, case.extension_count, case.paused_remaining) == (False, 1, None)
    assert case.deadlines.get(finished_at__isnull=True).extended is True
    approved = IncidentEvent.objects.filter(incident=case, kind=EventKind.APPROVE_EXTENSION).get()
    assert approved.data["days"] == 2
    assert Notification.objects.filter(recipient=world.users.safety, kind=EventKind.APPROVE_EXTENSION).count() == 1


def test_refused_extension_resumes_with_the_time_that_was_left(world, make_case):
    case = accepted_case(make_case)
    act(case, world.users.safety, A.REQUEST_EXTENSION, local(2026, 11, 2, 10, 0), days=3, reason="Need more time")
    case = act(case, world.users.zone_leader, A.REFUSE_EXTENSION, local(2026, 11, 2, 11, 0), reason="Three hours is enough")
    assert case.due_at == local(2026, 11, 2, 15, 30)  # 11:00 + 3 working hours, the hour of waiting not counted
    assert (case.extension_pending, case.extension_count, case.status) == (False, 0, Status.ACCEPTED)


def test_suspend_pauses_and_resume_returns_to_the_previous_status_with_the_time_left(world, make_case):
    case = accepted_case(make_case)
    case = act(case, world.users.zone_leader, A.SUSPEND, local(2026, 11, 2, 10, 0), reason="Owner abroad")
    assert (case.status, case.resume_status, case.due_at, case.paused_remaining) == (Status.SUSPENDED, Status.ACCEPTED, None, 3 * 3600)
    case = act(case, world.users.zone_leader, A.RESUME, local(2026, 11, 3, 9, 0))  # Tuesday morning
    assert (case.status, case.resume_status, case.paused_remaining) == (Status.ACCEPTED, "", None)
    assert case.due_at == local(2026, 11, 3, 12, 0)  # 09:00 + 3 working hours ends exactly at lunch
    assert kinds(case.pk)[-2:] == [EventKind.SUSPEND, EventKind.RESUME]


def test_a_case_suspended_while_overdue_stays_overdue_by_the_same_time(world, make_case):
    case = accepted_case(make_case)
    case = act(case, world.users.zone_leader, A.SUSPEND, local(2026, 11, 2, 16, 0), reason="Owner abroad")
    assert case.paused_remaining == -90 * 60  # 14:30–16:00
    case = act(case, world.users.zone_leader, A.RESUME, local(2026, 11, 3, 9, 0))
    assert case.due_at == local(2026, 11, 2, 16, 30)  # 1.5 working hours before Tuesday 09:00


# --- resume goes back to the status the case left --------------------------------------------------

@pytest.mark.parametrize("left", [Status.REGISTERED, Status.DISPATCHED, Status.HANDLED, Status.VERIFIED, Status.DISPUTED])
def test_resume_returns_to_every_status_a_case_can_be_suspended_from(left, world, make_case):
    case = make_case(left)
    leader = world.users.street  # the street office may suspend a disputed case too
    services.apply_action(case.pk, actor=leader, action=A.SUSPEND, params={"reason": "Owner abroad"})
    case = services.apply_action(case.pk, actor=leader, action=A.RESUME)
    assert (case.status, case.resume_status) == (left, "")


def test_resume_without_a_kept_status_goes_to_registered(world, make_case):
    case = make_case(Status.SUSPENDED)
    Incident.objects.filter(pk=case.pk).update(resume_status="")  # e.g. data from before resume_status existed
    case = services.apply_action(case.pk, actor=world.users.zone_leader, action=A.RESUME)
    assert case.status == Status.REGISTERED


def test_no_handler_assigns_the_status_itself():
    """The table's target is authoritative: handlers take declared branches, never set `.status`."""
    import ast
    import inspect

    from incidents.services import workflow

    tree = ast.parse(inspect.getsource(workflow))
    assigned = [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "status"
    ]
    assert assigned == [], f"incidents/services/workflow.py assigns .status on lines {assigned}"


def test_a_nul_character_in_an_action_note_answers_400_and_changes_nothing(world, make_case, api_for):
    case = make_case(Status.REGISTERED)
    before = snapshot(case.pk)
    response = post_action(api_for(world.users.zone_leader), case.pk, A.COMMENT, note="gas\x00smell")
    assert response.status_code == 400 and "note" in response.json()
    assert snapshot(case.pk) == before
