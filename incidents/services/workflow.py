"""The case loop on the shared engine: the table (incidents.choices.TRANSITIONS), its handlers and guard.

`CASE_WORKFLOW` describes the loop to `casework.engine`, which locks the case, checks the table
and the guard, sets the status to the table's target, runs the handler (input, other fields, the
stage clock), appends a timeline event and notifies the people concerned, in one transaction.
`apply_action` is the one dict door (pages, the API); `incidents.services.verbs` are typed verbs
over it for Python callers. Nothing else writes `Incident.status`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine, parsers
from casework.engine import Move, Step
from casework.photos import attach_photos
from grids.choices import Role
from grids.models import Department, User
from grids.selectors import active_department
from incidents.choices import AUTO_DISPUTE_AFTER_RETURNS, TRANSITIONS, Action, EventKind, Status
from incidents.models import Incident, IncidentEvent, IncidentPhoto, PhotoKind
from incidents.services.clock import CASE_CLOCK as CLOCK
from incidents.services.timeline import (
    cell_workers,
    department_handlers,
    record,
    street_office,
    tell,
    zone_leaders,
)

MAX_EXTENSION_DAYS = 30


# --- guards: who, beyond the role, may take an action on this case ---------------------------

def _is_case_handler(actor, incident: Incident) -> bool:
    return (
        actor.role == Role.DEPARTMENT
        and incident.department_id is not None
        and actor.department_id == incident.department_id
        and (actor.zone_id is None or actor.zone_id == incident.zone_id)
    )


def _guard(actor, incident: Incident, action: str) -> str | None:
    """None when allowed; otherwise the reason it is not."""
    if action in (Action.ACCEPT, Action.RETURN, Action.HANDLE, Action.REQUEST_EXTENSION) and not _is_case_handler(actor, incident):
        return _("Only the department the case is dispatched to may do this.")
    if action == Action.DISPATCH and incident.status == Status.DISPUTED and not actor.sees_everything:
        return _("A disputed case is assigned by the joint meeting (street office).")
    if action == Action.VERIFY and actor.role == Role.GRID_WORKER and not actor.grid_cells.filter(pk=incident.grid_cell_id).exists():
        return _("Only a grid worker of the case's cell may verify it.")
    if action == Action.REQUEST_EXTENSION and incident.extension_pending:
        return _("An extension request is already waiting for a decision.")
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION) and not incident.extension_pending:
        return _("No extension request is waiting.")
    if action == Action.WITHDRAW and actor.pk != incident.reporter_id:
        return _("Only the person who filed the report may withdraw it.")
    if action == Action.SUSPEND and incident.extension_pending:
        return _("Decide the pending extension request first.")
    return None


# --- input of each action ------------------------------------------------------------------

def _text(params: dict, name: str, *, required: bool, label: str) -> str:
    return parsers.text(params.get(name), field=name, label=label, required=required)


def _assignee(params: dict, department: Department, zone_id: int):
    user = parsers.one_of(
        params.get("assignee"), User.objects.filter(is_active=True), field="assignee", required=False,
        missing="", unknown=_("Unknown person."),
    )
    if user is not None and user.pk not in department_handlers(department.pk, zone_id):
        raise ValidationError({"assignee": _("This person does not handle cases for that department here.")})
    return user


def _days(params: dict) -> int:
    return parsers.whole_number(
        params.get("days"), field="days", low=1, high=MAX_EXTENSION_DAYS,
        not_a_number=_("Enter a whole number of working days."),
        out_of_range=_("Between 1 and %(max)s working days.") % {"max": MAX_EXTENSION_DAYS},
    )


# --- the handlers: each changes the case's other fields and says what to record --------------
# The engine has already set the status to the table's target; a handler only takes a declared
# branch (step.branch) where the table offers one.

def _register(step: Step) -> Move:
    incident = step.obj
    incident.registered_at = step.now
    CLOCK.restart_for_status(incident, step.now)
    return Move(EventKind.REGISTER, _text(step.params, "note", required=False, label=_("Note")))


def _reject(step: Step) -> Move:
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    CLOCK.finish(step.obj, step.now)
    return Move(EventKind.REJECT, reason, tell=(step.obj.reporter_id,))


def _confirm(step: Step) -> Move:
    incident = step.obj
    incident.closed_at = step.now
    CLOCK.finish(incident, step.now)
    return Move(EventKind.CONFIRM, _text(step.params, "note", required=False, label=_("Note")), tell=(incident.reporter_id,))


def _dispatch(step: Step) -> Move:
    incident, params = step.obj, step.params
    department = active_department(params.get("department"))
    assignee = _assignee(params, department, incident.zone_id)
    deadline = parsers.future_datetime(params.get("deadline"), field="deadline", now=step.now)
    incident.department = department
    incident.assignee = assignee
    CLOCK.restart_for_status(incident, step.now, due_at=deadline)
    recipients = department_handlers(department.pk, incident.zone_id)
    data = {"department": department.pk, "department_name": department.name}
    if assignee:
        data.update(assignee=assignee.pk, assignee_name=assignee.display_name)
    if deadline:
        data["deadline"] = deadline.isoformat()
    return Move(EventKind.DISPATCH, _text(params, "note", required=False, label=_("Note")), data, tell=tuple(recipients))


def _accept(step: Step) -> Move:
    if step.obj.assignee_id is None:
        step.obj.assignee = step.actor
    return Move(EventKind.ACCEPT, _text(step.params, "note", required=False, label=_("Note")))


def _return(step: Step) -> Move:
    incident = step.obj
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    data = {"department": incident.department_id, "department_name": incident.department.name}
    incident.return_count += 1
    incident.department = None
    incident.assignee = None
    incident.extension_pending = False
    leaders = tuple(zone_leaders(incident.zone_id))
    if incident.return_count >= AUTO_DISPUTE_AFTER_RETURNS:
        step.branch(Status.DISPUTED)
        CLOCK.finish(incident, step.now)
        data["auto_dispute"] = True
    else:
        CLOCK.restart_for_status(incident, step.now)
    return Move(EventKind.RETURN, reason, data, tell=leaders)


def _handle(step: Step) -> Move:
    incident = step.obj
    result = _text(step.params, "result", required=True, label=_("Result"))
    incident.result = result
    incident.extension_pending = False  # a request still waiting lapses: the work is done
    CLOCK.restart_for_status(incident, step.now)
    recipients = (*cell_workers(incident.grid_cell_id), *zone_leaders(incident.zone_id))
    return Move(EventKind.HANDLE, result, tell=recipients)


def _verify(step: Step) -> Move:
    incident = step.obj
    passed = parsers.boolean(step.params.get("passed"), field="passed")
    note = _text(step.params, "note", required=not passed, label=_("What is still wrong"))
    if passed:
        CLOCK.finish(incident, step.now)
        return Move(EventKind.VERIFY_PASSED, note, tell=tuple(zone_leaders(incident.zone_id)))
    step.branch(Status.DISPATCHED)  # rework: back to the same department
    incident.rework_count += 1
    CLOCK.restart_for_status(incident, step.now)
    return Move(EventKind.VERIFY_FAILED, note, {"rework": incident.rework_count},
                tell=tuple(department_handlers(incident.department_id, incident.zone_id)))


def _close(step: Step) -> Move:
    incident = step.obj
    incident.closed_at = step.now
    CLOCK.finish(incident, step.now)
    return Move(EventKind.CLOSE, _text(step.params, "note", required=False, label=_("Note")), tell=(incident.reporter_id,))


def _dispute(step: Step) -> Move:
    incident = step.obj
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    data = {"department": incident.department_id} if incident.department_id else {}
    incident.department = None
    incident.assignee = None
    incident.extension_pending = False
    CLOCK.finish(incident, step.now)
    return Move(EventKind.DISPUTE, reason, data, tell=tuple(street_office()))


def _request_extension(step: Step) -> Move:
    incident = step.obj
    days = _days(step.params)
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    incident.extension_pending = True
    CLOCK.pause(incident, step.now)
    return Move(EventKind.REQUEST_EXTENSION, reason, {"days": days}, tell=tuple(zone_leaders(incident.zone_id)))


def _pending_days(incident) -> int:
    request = incident.events.filter(kind=EventKind.REQUEST_EXTENSION).order_by("-created_at", "-pk").first()
    return int(request.data.get("days", 0)) if request else 0


def _approve_extension(step: Step) -> Move:
    incident = step.obj
    days = _pending_days(incident)
    incident.extension_pending = False
    incident.extension_count += 1
    CLOCK.resume(incident, step.now, extra_working_days=days)
    handlers = department_handlers(incident.department_id, incident.zone_id)
    note = _text(step.params, "note", required=False, label=_("Note"))
    return Move(EventKind.APPROVE_EXTENSION, note, {"days": days, "due_at": incident.due_at.isoformat()}, tell=tuple(handlers))


def _refuse_extension(step: Step) -> Move:
    incident = step.obj
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    incident.extension_pending = False
    CLOCK.resume(incident, step.now)
    return Move(EventKind.REFUSE_EXTENSION, reason, tell=tuple(department_handlers(incident.department_id, incident.zone_id)))


def _suspend(step: Step) -> Move:
    incident = step.obj
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    incident.resume_status = step.from_status
    CLOCK.pause(incident, step.now)
    return Move(EventKind.SUSPEND, reason)


def _resume(step: Step) -> Move:
    incident = step.obj
    if incident.resume_status in step.transition.branches:
        step.branch(incident.resume_status)  # back to the status it left (else registered, the target)
    incident.resume_status = ""
    CLOCK.resume(incident, step.now)
    return Move(EventKind.RESUME, _text(step.params, "note", required=False, label=_("Note")))


def _void(step: Step) -> Move:
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    step.obj.extension_pending = False
    CLOCK.finish(step.obj, step.now)
    return Move(EventKind.VOID, reason)


def _withdraw(step: Step) -> Move:
    """The reporter's own void of an unregistered report: the same end, said as theirs."""
    reason = _text(step.params, "reason", required=True, label=_("Reason"))
    CLOCK.finish(step.obj, step.now)
    return Move(EventKind.VOID, reason, {"withdrawn": True}, tell=tuple(zone_leaders(step.obj.zone_id)))


def _comment(step: Step) -> Move:
    return Move(EventKind.COMMENT, _text(step.params, "note", required=True, label=_("Comment")))


HANDLERS = {
    Action.REGISTER: _register, Action.REJECT: _reject, Action.CONFIRM: _confirm, Action.DISPATCH: _dispatch,
    Action.ACCEPT: _accept, Action.RETURN: _return, Action.HANDLE: _handle, Action.VERIFY: _verify,
    Action.CLOSE: _close, Action.DISPUTE: _dispute, Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension, Action.REFUSE_EXTENSION: _refuse_extension,
    Action.SUSPEND: _suspend, Action.RESUME: _resume, Action.VOID: _void, Action.COMMENT: _comment,
    Action.WITHDRAW: _withdraw,
}

PHOTO_KIND = {Action.HANDLE: PhotoKind.HANDLE, Action.VERIFY: PhotoKind.VERIFY}


def _attach(incident: Incident, photos: list, *, action: str, actor) -> None:
    attach_photos(IncidentPhoto, photos, uploaded_by=actor, incident=incident, kind=PHOTO_KIND.get(action, PhotoKind.REPORT))


def _after(incident: Incident, move: Move, event, step: Step) -> None:
    """A second return sends the case to the joint meeting on its own: its own event, and the street office hears.

    The return's event already carries the status change (→ disputed); this one only says why, so
    it records no status of its own (else the timeline showed the change twice).
    """
    if (move.data or {}).get("auto_dispute"):
        record(incident, EventKind.AUTO_DISPUTE, data={"returns": incident.return_count}, at=step.now)
        tell(street_office(), incident, event)


CASE_WORKFLOW = engine.Workflow(
    model=Incident,
    transitions=TRANSITIONS,
    handlers=HANDLERS,
    role_of=lambda actor: Role.ADMIN if actor.is_superuser else actor.role,
    action_label=lambda action: Action(action).label,
    status_label=lambda status: Status(status).label,
    guard=_guard,
    record=record,
    notify=tell,
    attach_photos=_attach,
    after=_after,
    save_fields=[
        "status", "resume_status", "department", "assignee", "result", "stage", "due_at", "warn_at", "paused_remaining",
        "escalation", "extension_pending", "return_count", "rework_count", "extension_count", "registered_at", "closed_at",
        "updated_at",
    ],
    select_related=("category", "department"),
    not_now=gettext_lazy("“%(action)s” is not possible while the case is %(status)s."),
    wrong_role=gettext_lazy("Your role may not “%(action)s” this case."),
)
CASE_WORKFLOW.check()


def refusal(actor, incident: Incident, action: str) -> str | None:
    """Why `actor` may not take `action` on `incident` now, or None when they may."""
    return engine.refusal(CASE_WORKFLOW, actor, incident, action)


def available_actions(actor, incident: Incident) -> list[str]:
    return engine.available_actions(CASE_WORKFLOW, actor, incident)


def apply_action(
    incident_id: int,
    *,
    actor,
    action: str,
    params: dict | None = None,
    photos: list | None = None,
    now: datetime | None = None,
    event_kind: str | None = None,
    event_data: dict | None = None,
) -> Incident:
    """Take `action` on a case as `actor`: the one dict door of pages, the API and the typed verbs.

    Raises Http404 (not visible), Refused (409) or ValidationError (400); on any error nothing is
    changed. `event_kind`/`event_data`: see casework.engine.apply.
    """
    return engine.apply(
        CASE_WORKFLOW, incident_id, actor=actor, action=action, params=params, photos=photos, now=now,
        event_kind=event_kind, event_data=event_data,
    )


def timeline(incident: Incident):
    return IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("created_at", "pk")
