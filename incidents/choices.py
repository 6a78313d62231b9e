"""Statuses, actions, stages and the one transition table of a case.

`TRANSITIONS` is the whole state machine: (action) → the states it may start from, the state it
leads to (None: unchanged), the roles allowed and the other states a handler may choose instead
(`branches`). The shared engine (casework.engine, through incidents.services.workflow) is the only
code that reads it and the only code that writes `Incident.status`: it sets the target itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.choices import Escalation  # noqa: F401  (the cases' ladder is the shared one)
from casework.engine import Transition
from grids.choices import Role


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    SELF_HANDLED = "self_handled", _("Fixed on the spot")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    HANDLED = "handled", _("Handled")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    DISPUTED = "disputed", _("Disputed ownership")
    SUSPENDED = "suspended", _("Suspended")
    VOID = "void", _("Void")


OPEN_STATUSES = frozenset(
    {
        Status.REPORTED, Status.SELF_HANDLED, Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED,
        Status.HANDLED, Status.VERIFIED, Status.DISPUTED, Status.SUSPENDED,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.VOID})

STATUS_BADGE = {
    Status.REPORTED: "info", Status.SELF_HANDLED: "info", Status.REGISTERED: "info", Status.DISPATCHED: "warn",
    Status.ACCEPTED: "warn", Status.HANDLED: "warn", Status.VERIFIED: "ok", Status.CLOSED: "ok",
    Status.REJECTED: "", Status.DISPUTED: "bad", Status.SUSPENDED: "", Status.VOID: "",
}


class Stage(models.TextChoices):
    """The stages that run against a time limit (each has its own limit per category)."""

    REGISTER = "register", _("Register")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")


# Which stage's clock runs while a case is in a status (no entry: no clock).
STAGE_OF_STATUS = {
    Status.REPORTED: Stage.REGISTER,
    Status.SELF_HANDLED: Stage.REGISTER,
    Status.REGISTERED: Stage.DISPATCH,
    Status.DISPATCHED: Stage.HANDLE,
    Status.ACCEPTED: Stage.HANDLE,
    Status.HANDLED: Stage.VERIFY,
}


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    URGENT = "urgent", _("Urgent")


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker patrol")
    STAFF = "staff", _("Staff")
    API = "api", _("API")
    # A member of the public, through an Open311 client (the client is on the case's Open311Request).
    OPEN311 = "open311", _("Public (Open311)")


class Action(models.TextChoices):
    REGISTER = "register", _("Register")
    REJECT = "reject", _("Reject")
    CONFIRM = "confirm", _("Confirm on-the-spot fix")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return as not ours")
    HANDLE = "handle", _("Report handled")
    VERIFY = "verify", _("Verify on site")
    CLOSE = "close", _("Close")
    DISPUTE = "dispute", _("Mark ownership disputed")
    REQUEST_EXTENSION = "request_extension", _("Request extension")
    APPROVE_EXTENSION = "approve_extension", _("Approve extension")
    REFUSE_EXTENSION = "refuse_extension", _("Refuse extension")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    VOID = "void", _("Void")
    COMMENT = "comment", _("Comment")
    WITHDRAW = "withdraw", _("Withdraw my report")


class EventKind(models.TextChoices):
    """Everything that can appear on a case's timeline: the actions, plus system events."""

    REPORTED = "reported", _("Reported")
    REGISTER = "register", _("Registered")
    REJECT = "reject", _("Rejected")
    CONFIRM = "confirm", _("On-the-spot fix confirmed")
    DISPATCH = "dispatch", _("Dispatched")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned as not ours")
    HANDLE = "handle", _("Handled")
    VERIFY_PASSED = "verify_passed", _("Verified: fixed")
    VERIFY_FAILED = "verify_failed", _("Verified: not fixed, sent back for rework")
    CLOSE = "close", _("Closed")
    DISPUTE = "dispute", _("Ownership disputed")
    AUTO_DISPUTE = "auto_dispute", _("Returned twice: ownership disputed")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    VOID = "void", _("Voided")
    COMMENT = "comment", _("Comment")
    LINKED = "linked", _("Linked as a duplicate")
    WARNING = "warning", _("Deadline approaching")
    YELLOW_CARD = "yellow_card", _("Yellow card: overdue")
    RED_CARD = "red_card", _("Red card: still overdue")
    MEETING_DECISION = "meeting_decision", _("Decided at a meeting")


LEADERS = frozenset({Role.ZONE_LEADER, Role.STREET, Role.ADMIN})
STREET = frozenset({Role.STREET, Role.ADMIN})
HANDLERS = frozenset({Role.DEPARTMENT})
VERIFIERS = frozenset({Role.GRID_WORKER, Role.ZONE_LEADER, Role.STREET, Role.ADMIN})
EVERYONE = frozenset(Role.values)

_RUNNING = frozenset({Status.DISPATCHED, Status.ACCEPTED})
_OPEN_NOT_SUSPENDED = OPEN_STATUSES - {Status.SUSPENDED}
_SUSPENDABLE = _OPEN_NOT_SUSPENDED - {Status.REPORTED, Status.SELF_HANDLED}


TRANSITIONS: dict[str, Transition] = {
    Action.REGISTER: Transition(frozenset({Status.REPORTED, Status.SELF_HANDLED}), Status.REGISTERED, LEADERS),
    Action.REJECT: Transition(frozenset({Status.REPORTED}), Status.REJECTED, LEADERS),
    Action.CONFIRM: Transition(frozenset({Status.SELF_HANDLED}), Status.CLOSED, LEADERS),
    # From disputed only the street office dispatches: that is the meeting's decision.
    Action.DISPATCH: Transition(frozenset({Status.REGISTERED, Status.DISPUTED}), Status.DISPATCHED, LEADERS),
    Action.ACCEPT: Transition(frozenset({Status.DISPATCHED}), Status.ACCEPTED, HANDLERS),
    # Returned a second time, the case goes to the joint meeting on its own.
    Action.RETURN: Transition(_RUNNING, Status.REGISTERED, HANDLERS, branches=frozenset({Status.DISPUTED})),
    Action.HANDLE: Transition(frozenset({Status.ACCEPTED}), Status.HANDLED, HANDLERS),
    # Not fixed: back to the same department for rework.
    Action.VERIFY: Transition(frozenset({Status.HANDLED}), Status.VERIFIED, VERIFIERS, branches=frozenset({Status.DISPATCHED})),
    Action.CLOSE: Transition(frozenset({Status.VERIFIED}), Status.CLOSED, LEADERS),
    Action.DISPUTE: Transition(frozenset({Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED}), Status.DISPUTED, LEADERS),
    Action.REQUEST_EXTENSION: Transition(frozenset({Status.ACCEPTED}), None, HANDLERS),
    Action.APPROVE_EXTENSION: Transition(frozenset({Status.ACCEPTED}), None, LEADERS),
    Action.REFUSE_EXTENSION: Transition(frozenset({Status.ACCEPTED}), None, LEADERS),
    Action.SUSPEND: Transition(_SUSPENDABLE, Status.SUSPENDED, LEADERS),
    # Back to the status it left (registered if that was not kept).
    Action.RESUME: Transition(frozenset({Status.SUSPENDED}), Status.REGISTERED, LEADERS, branches=_SUSPENDABLE),
    Action.VOID: Transition(OPEN_STATUSES, Status.VOID, LEADERS),
    # The reporter takes back a report the zone has not registered yet: voided, with the reason.
    Action.WITHDRAW: Transition(frozenset({Status.REPORTED, Status.SELF_HANDLED}), Status.VOID, frozenset({Role.GRID_WORKER})),
    Action.COMMENT: Transition(frozenset(Status.values), None, EVERYONE),
}

# A case returned this many times goes to the joint meeting on its own.
AUTO_DISPUTE_AFTER_RETURNS = 2
