"""Typed verbs over the case loop, for Python callers (the joint meeting, the demo, later hazards).

Each is one line over `apply_action` — the same door pages and the API use — so a verb can never
do what the table, the guard or the handler would refuse. Keyword-only, with the action's input as
named arguments instead of a dict.
"""

from __future__ import annotations

from datetime import datetime

from incidents.choices import Action
from incidents.models import Incident
from incidents.services.workflow import apply_action


def _act(case_id: int, action: str, actor, now: datetime | None, params: dict, **extra) -> Incident:
    return apply_action(case_id, actor=actor, action=action, params={k: v for k, v in params.items() if v is not None}, now=now, **extra)


def register_case(case_id: int, *, actor, note: str = "", now: datetime | None = None) -> Incident:
    return _act(case_id, Action.REGISTER, actor, now, {"note": note})


def reject_case(case_id: int, *, actor, reason: str, now: datetime | None = None) -> Incident:
    return _act(case_id, Action.REJECT, actor, now, {"reason": reason})


def dispatch_case(
    case_id: int, *, actor, department, assignee=None, deadline: datetime | None = None, note: str = "",
    now: datetime | None = None, event_kind: str | None = None, event_data: dict | None = None,
) -> Incident:
    """Send the case to `department` (optionally a person of it, a deadline instead of the category's)."""
    params = {"department": department, "assignee": assignee, "deadline": deadline, "note": note}
    return _act(case_id, Action.DISPATCH, actor, now, params, event_kind=event_kind, event_data=event_data)


def accept_case(case_id: int, *, actor, note: str = "", now: datetime | None = None) -> Incident:
    return _act(case_id, Action.ACCEPT, actor, now, {"note": note})


def return_case(case_id: int, *, actor, reason: str, now: datetime | None = None) -> Incident:
    return _act(case_id, Action.RETURN, actor, now, {"reason": reason})


def handle_case(case_id: int, *, actor, result: str, photos: list | None = None, now: datetime | None = None) -> Incident:
    return apply_action(case_id, actor=actor, action=Action.HANDLE, params={"result": result}, photos=photos, now=now)


def verify_case(case_id: int, *, actor, passed: bool, note: str = "", photos: list | None = None, now: datetime | None = None) -> Incident:
    return apply_action(case_id, actor=actor, action=Action.VERIFY, params={"passed": passed, "note": note}, photos=photos, now=now)


def close_case(case_id: int, *, actor, note: str = "", now: datetime | None = None) -> Incident:
    return _act(case_id, Action.CLOSE, actor, now, {"note": note})


def dispute_case(case_id: int, *, actor, reason: str, now: datetime | None = None) -> Incident:
    return _act(case_id, Action.DISPUTE, actor, now, {"reason": reason})


def void_case(case_id: int, *, actor, reason: str, now: datetime | None = None) -> Incident:
    return _act(case_id, Action.VOID, actor, now, {"reason": reason})


def comment_case(case_id: int, *, actor, note: str, now: datetime | None = None) -> Incident:
    return _act(case_id, Action.COMMENT, actor, now, {"note": note})
