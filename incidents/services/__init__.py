"""Every write on cases, as named verbs (ARCHITECTURE.md). Import from here."""

from casework.errors import Forbidden, Refused
from incidents.services.decisions import assign_by_decision
from incidents.services.escalation import escalate_overdue
from incidents.services.intake import check_reporter, link_report, may_report, report_incident
from incidents.services.verbs import (
    accept_case,
    close_case,
    comment_case,
    dispatch_case,
    dispute_case,
    handle_case,
    register_case,
    reject_case,
    return_case,
    verify_case,
    void_case,
)
from incidents.services.workflow import apply_action, available_actions, refusal

__all__ = [
    "Forbidden",
    "Refused",
    "accept_case",
    "apply_action",
    "assign_by_decision",
    "available_actions",
    "check_reporter",
    "close_case",
    "comment_case",
    "dispatch_case",
    "dispute_case",
    "escalate_overdue",
    "handle_case",
    "link_report",
    "may_report",
    "refusal",
    "register_case",
    "reject_case",
    "report_incident",
    "return_case",
    "verify_case",
    "void_case",
]
