"""Every write on cases, as named verbs (ARCHITECTURE.md). Import from here."""

from incidents.services.errors import ActionRefused
from incidents.services.escalation import escalate_overdue
from incidents.services.intake import link_report, report_incident
from incidents.services.workflow import apply_action, available_actions, refusal

__all__ = ["ActionRefused", "apply_action", "available_actions", "escalate_overdue", "link_report", "refusal", "report_incident"]
