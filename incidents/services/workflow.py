"""The case loop: one function applies the transition table (incidents.choices.TRANSITIONS).

`apply_action` locks the case, checks the table and the guards, validates the action's input,
changes the status and the stage clock, appends a timeline event and notifies the people the
change concerns, all in one transaction. Nothing else writes `Incident.status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.photos import attach_photos, clean_photos, files_discarded_on_error
from grids.choices import Role
from grids.models import Department, User
from incidents.choices import AUTO_DISPUTE_AFTER_RETURNS, TRANSITIONS, Action, EventKind, Status
from incidents.models import Incident, IncidentEvent, PhotoKind
from incidents.services import clock
from incidents.services.errors import ActionRefused
from incidents.services.timeline import (
    cell_workers,
    department_handlers,
    record,
    street_office,
    tell,
    zone_leaders,
)

MAX_EXTENSION_DAYS = 30


@dataclass
class Move:
    """What a handler decided: the event to record and who to tell."""

    kind: str
    note: str = ""
    data: dict | None = None
    tell: tuple = ()


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
    if action == Action.SUSPEND and incident.extension_pending:
        return _("Decide the pending extension request first.")
    return None


def refusal(actor, incident: Incident, action: str) -> str | None:
    """Why `actor` may not take `action` on `incident` now, or None when they may."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return _("Unknown action.")
    role = Role.ADMIN if actor.is_superuser else actor.role
    if incident.status not in transition.sources:
        return _("“%(action)s” is not possible while the case is %(status)s.") % {
            "action": Action(action).label, "status": Status(incident.status).label,
        }
    if role not in transition.roles:
        return _("Your role may not “%(action)s” this case.") % {"action": Action(action).label}
    return _guard(actor, incident, action)


def available_actions(actor, incident: Incident) -> list[str]:
    return [action for action in TRANSITIONS if refusal(actor, incident, action) is None]


# --- input of each action ------------------------------------------------------------------

def _text(params: dict, name: str, *, required: bool, label: str) -> str:
    value = params.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValidationError({name: _("%(field)s is required.") % {"field": label}})
    if len(value) > 2000:
        raise ValidationError({name: _("At most 2000 characters.")})
    return value


def _department(params: dict) -> Department:
    raw = params.get("department")
    if raw in (None, ""):
        raise ValidationError({"department": _("Choose a department.")})
    try:
        department = Department.objects.get(pk=int(getattr(raw, "pk", raw)), is_active=True)
    except (TypeError, ValueError, Department.DoesNotExist):
        raise ValidationError({"department": _("Unknown department.")}) from None
    return department


def _assignee(params: dict, department: Department, zone_id: int):
    raw = params.get("assignee")
    if raw in (None, ""):
        return None
    try:
        user = User.objects.get(pk=int(getattr(raw, "pk", raw)), is_active=True)
    except (TypeError, ValueError, User.DoesNotExist):
        raise ValidationError({"assignee": _("Unknown person.")}) from None
    if user.pk not in department_handlers(department.pk, zone_id):
        raise ValidationError({"assignee": _("This person does not handle cases for that department here.")})
    return user


def _deadline(params: dict, now: datetime) -> datetime | None:
    raw = params.get("deadline")
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        from django.utils.dateparse import parse_datetime

        try:
            value = parse_datetime(raw)
        except ValueError:  # well-formed but impossible, e.g. month 13
            value = None
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
    else:
        value = raw
    if not isinstance(value, datetime):
        raise ValidationError({"deadline": _("Enter a date and time, e.g. 2026-12-01T17:30.")})
    if value <= now:
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    return value


def _bool(params: dict, name: str) -> bool:
    raw = params.get(name)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(raw, str) and raw.lower() in ("false", "0", "no", "off"):
        return False
    raise ValidationError({name: _("Say true or false.")})


def _days(params: dict) -> int:
    try:
        days = int(params.get("days"))
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number of working days.")}) from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("Between 1 and %(max)s working days.") % {"max": MAX_EXTENSION_DAYS}})
    return days


# --- the handlers: each changes the case and says what to record -----------------------------

def _register(incident, actor, params, now) -> Move:
    incident.status = Status.REGISTERED
    incident.registered_at = now
    clock.restart_for_status(incident, now)
    return Move(EventKind.REGISTER, _text(params, "note", required=False, label=_("Note")))


def _reject(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    incident.status = Status.REJECTED
    clock.finish_stage(incident, now)
    return Move(EventKind.REJECT, reason, tell=(incident.reporter_id,))


def _confirm(incident, actor, params, now) -> Move:
    incident.status = Status.CLOSED
    incident.closed_at = now
    clock.finish_stage(incident, now)
    return Move(EventKind.CONFIRM, _text(params, "note", required=False, label=_("Note")), tell=(incident.reporter_id,))


def _dispatch(incident, actor, params, now) -> Move:
    department = _department(params)
    assignee = _assignee(params, department, incident.zone_id)
    deadline = _deadline(params, now)
    incident.department = department
    incident.assignee = assignee
    incident.status = Status.DISPATCHED
    clock.restart_for_status(incident, now, due_at=deadline)
    recipients = department_handlers(department.pk, incident.zone_id)
    data = {"department": department.pk, "department_name": department.name}
    if assignee:
        data.update(assignee=assignee.pk, assignee_name=assignee.display_name)
    if deadline:
        data["deadline"] = deadline.isoformat()
    return Move(EventKind.DISPATCH, _text(params, "note", required=False, label=_("Note")), data, tell=tuple(recipients))


def _accept(incident, actor, params, now) -> Move:
    incident.status = Status.ACCEPTED
    if incident.assignee_id is None:
        incident.assignee = actor
    return Move(EventKind.ACCEPT, _text(params, "note", required=False, label=_("Note")))


def _return(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    data = {"department": incident.department_id, "department_name": incident.department.name}
    incident.return_count += 1
    incident.department = None
    incident.assignee = None
    incident.extension_pending = False
    leaders = tuple(zone_leaders(incident.zone_id))
    if incident.return_count >= AUTO_DISPUTE_AFTER_RETURNS:
        incident.status = Status.DISPUTED
        clock.finish_stage(incident, now)
        data["auto_dispute"] = True
    else:
        incident.status = Status.REGISTERED
        clock.restart_for_status(incident, now)
    return Move(EventKind.RETURN, reason, data, tell=leaders)


def _handle(incident, actor, params, now) -> Move:
    result = _text(params, "result", required=True, label=_("Result"))
    incident.result = result
    incident.status = Status.HANDLED
    incident.extension_pending = False  # a request still waiting lapses: the work is done
    clock.restart_for_status(incident, now)
    recipients = (*cell_workers(incident.grid_cell_id), *zone_leaders(incident.zone_id))
    return Move(EventKind.HANDLE, result, tell=recipients)


def _verify(incident, actor, params, now) -> Move:
    passed = _bool(params, "passed")
    note = _text(params, "note", required=not passed, label=_("What is still wrong"))
    if passed:
        incident.status = Status.VERIFIED
        clock.finish_stage(incident, now)
        return Move(EventKind.VERIFY_PASSED, note, tell=tuple(zone_leaders(incident.zone_id)))
    incident.status = Status.DISPATCHED
    incident.rework_count += 1
    clock.restart_for_status(incident, now)
    return Move(EventKind.VERIFY_FAILED, note, {"rework": incident.rework_count},
                tell=tuple(department_handlers(incident.department_id, incident.zone_id)))


def _close(incident, actor, params, now) -> Move:
    incident.status = Status.CLOSED
    incident.closed_at = now
    clock.finish_stage(incident, now)
    return Move(EventKind.CLOSE, _text(params, "note", required=False, label=_("Note")), tell=(incident.reporter_id,))


def _dispute(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    data = {"department": incident.department_id} if incident.department_id else {}
    incident.status = Status.DISPUTED
    incident.department = None
    incident.assignee = None
    incident.extension_pending = False
    clock.finish_stage(incident, now)
    return Move(EventKind.DISPUTE, reason, data, tell=tuple(street_office()))


def _request_extension(incident, actor, params, now) -> Move:
    days = _days(params)
    reason = _text(params, "reason", required=True, label=_("Reason"))
    incident.extension_pending = True
    clock.pause(incident, now)
    return Move(EventKind.REQUEST_EXTENSION, reason, {"days": days}, tell=tuple(zone_leaders(incident.zone_id)))


def _pending_days(incident) -> int:
    request = incident.events.filter(kind=EventKind.REQUEST_EXTENSION).order_by("-created_at", "-pk").first()
    return int(request.data.get("days", 0)) if request else 0


def _approve_extension(incident, actor, params, now) -> Move:
    days = _pending_days(incident)
    incident.extension_pending = False
    incident.extension_count += 1
    clock.resume(incident, now, extra_working_days=days)
    handlers = department_handlers(incident.department_id, incident.zone_id)
    note = _text(params, "note", required=False, label=_("Note"))
    return Move(EventKind.APPROVE_EXTENSION, note, {"days": days, "due_at": incident.due_at.isoformat()}, tell=tuple(handlers))


def _refuse_extension(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    incident.extension_pending = False
    clock.resume(incident, now)
    return Move(EventKind.REFUSE_EXTENSION, reason, tell=tuple(department_handlers(incident.department_id, incident.zone_id)))


def _suspend(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    incident.resume_status = incident.status
    incident.status = Status.SUSPENDED
    clock.pause(incident, now)
    return Move(EventKind.SUSPEND, reason)


def _resume(incident, actor, params, now) -> Move:
    incident.status = incident.resume_status or Status.REGISTERED
    incident.resume_status = ""
    clock.resume(incident, now)
    return Move(EventKind.RESUME, _text(params, "note", required=False, label=_("Note")))


def _void(incident, actor, params, now) -> Move:
    reason = _text(params, "reason", required=True, label=_("Reason"))
    incident.status = Status.VOID
    incident.extension_pending = False
    clock.finish_stage(incident, now)
    return Move(EventKind.VOID, reason)


def _comment(incident, actor, params, now) -> Move:
    return Move(EventKind.COMMENT, _text(params, "note", required=True, label=_("Comment")))


HANDLERS: dict[str, Callable] = {
    Action.REGISTER: _register, Action.REJECT: _reject, Action.CONFIRM: _confirm, Action.DISPATCH: _dispatch,
    Action.ACCEPT: _accept, Action.RETURN: _return, Action.HANDLE: _handle, Action.VERIFY: _verify,
    Action.CLOSE: _close, Action.DISPUTE: _dispute, Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension, Action.REFUSE_EXTENSION: _refuse_extension,
    Action.SUSPEND: _suspend, Action.RESUME: _resume, Action.VOID: _void, Action.COMMENT: _comment,
}

PHOTO_KIND = {Action.HANDLE: PhotoKind.HANDLE, Action.VERIFY: PhotoKind.VERIFY}
CASE_FIELDS = [
    "status", "resume_status", "department", "assignee", "result", "stage", "due_at", "warn_at", "paused_remaining",
    "escalation", "extension_pending", "return_count", "rework_count", "extension_count", "registered_at", "closed_at",
    "updated_at",
]


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
    """Take `action` on a case as `actor`. Raises Http404 (not visible), ActionRefused (409) or
    ValidationError (400); on any error nothing is changed.

    `event_kind`/`event_data` let a caller that acts for a body (the joint meeting) record the
    move under its own event kind while the move itself follows the table like any other.
    """
    params = dict(params or {})
    now = now or timezone.now()
    if action not in HANDLERS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    photos = clean_photos(photos)
    with files_discarded_on_error(), transaction.atomic():
        try:
            incident = (
                Incident.objects.visible_to(actor).select_for_update(of=("self",)).select_related("category", "department")
                .get(pk=incident_id)
            )
        except (Incident.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        reason = refusal(actor, incident, action)
        if reason is not None:
            raise ActionRefused(reason)
        from_status = incident.status
        move = HANDLERS[action](incident, actor, params, now)
        incident.save(update_fields=CASE_FIELDS)
        if photos:
            attach_photos(incident.photos.model, photos, uploaded_by=actor, incident=incident,
                          kind=PHOTO_KIND.get(action, PhotoKind.REPORT))
        data = {**(move.data or {}), **(event_data or {})}
        if photos:
            data["photos"] = len(photos)
        event = record(
            incident, event_kind or move.kind, actor=actor, from_status=from_status,
            to_status=incident.status if incident.status != from_status else "", note=move.note, data=data, at=now,
        )
        if data.get("auto_dispute"):
            record(incident, EventKind.AUTO_DISPUTE, from_status=from_status, to_status=Status.DISPUTED,
                   data={"returns": incident.return_count}, at=now)
            tell(street_office(), incident, event)
        if move.tell:
            tell(move.tell, incident, event)
    return incident


def timeline(incident: Incident):
    return IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("created_at", "pk")
