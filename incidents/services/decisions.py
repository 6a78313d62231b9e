"""A joint meeting's decision on a case, as one typed verb: `assign_by_decision`.

The meeting (governance) decides who leads and by when; how a case gets from its present state
to "dispatched to that department" is a rule of the case loop and lives here, beside the other
case verbs. The moves go through `apply_action`, the one function that moves cases, so the
transition table, the stage clocks and the timeline apply to a meeting's decision like to any
other move; the last move is recorded under the meeting's own event kind.

This module knows nothing of meetings (ARCHITECTURE.md, arrows): the caller passes the meeting's
title for the timeline notes and whatever it wants kept in the decision's event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.engine import lock
from casework.errors import Refused
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident
from incidents.services.verbs import dispatch_case
from incidents.services.workflow import CASE_WORKFLOW, apply_action

# The case states in which a meeting can assign a case to a department (a suspended case counts
# when it was suspended from one of them: the decision resumes it first).
ASSIGNABLE_STATUSES = frozenset({Status.REPORTED, Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED, Status.DISPUTED})


def assignable() -> Q:
    """The cases a decision can still assign (a filter on Incident)."""
    return Q(status__in=ASSIGNABLE_STATUSES) | Q(status=Status.SUSPENDED, resume_status__in=ASSIGNABLE_STATUSES)


def decision_moves(status: str, resume_status: str = "") -> list[str] | None:
    """The case actions that carry out a meeting's assignment from `status`, ending in a
    dispatch; None when a meeting can no longer assign the case."""
    if status == Status.SUSPENDED:
        inner = decision_moves(resume_status) if resume_status != Status.SUSPENDED else None
        return [Action.RESUME, *inner] if inner else None
    if status not in ASSIGNABLE_STATUSES:
        return None
    if status in (Status.DISPUTED, Status.REGISTERED):
        return [Action.DISPATCH]
    if status == Status.REPORTED:
        return [Action.REGISTER, Action.DISPATCH]
    # Dispatched or accepted: the meeting takes the case back from the department, then assigns it.
    return [Action.DISPUTE, Action.DISPATCH]


def not_assignable(incident: Incident) -> str | None:
    """Why a meeting cannot assign this case now, or None when it can."""
    if decision_moves(incident.status, incident.resume_status) is not None:
        return None
    return _("The case is %(status)s; a meeting can only assign a case that waits for a department.") % {
        "status": Status(incident.status).label}


@transaction.atomic
def assign_by_decision(
    incident_id: int,
    *,
    actor,
    department: int,
    deadline: datetime,
    note: str = "",
    meeting_title: str,
    event_data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Incident:
    """Dispatch the case to `department` with `deadline`, as a meeting decided.

    Takes the case back first where it must (register, resume, dispute), then dispatches it with
    an EventKind.MEETING_DECISION event holding `event_data`. Raises Refused when the case
    can no longer be assigned, Http404 when the actor cannot see it, and whatever `apply_action` raises; on any error nothing changed.
    """
    now = now or timezone.now()
    incident = lock(CASE_WORKFLOW, incident_id, actor)
    moves = decision_moves(incident.status, incident.resume_status)
    if moves is None:
        raise Refused(not_assignable(incident))
    taken_up = _("Taken up by %(meeting)s.") % {"meeting": meeting_title}
    for action in moves[:-1]:
        field = "reason" if action == Action.DISPUTE else "note"
        apply_action(incident.pk, actor=actor, action=action, params={field: taken_up}, now=now)
    text = _("Decided at %(meeting)s.") % {"meeting": meeting_title}
    if note:
        text = f"{text} {note}"
    return dispatch_case(
        incident.pk, actor=actor, department=department, deadline=deadline, note=text, now=now,
        event_kind=EventKind.MEETING_DECISION, event_data=dict(event_data or {}),
    )
