"""Every write of the enterprise registry, the criteria library and the checklists."""

from inspections.services.campaigns import (
    available_campaign_actions,
    create_campaign,
    edit_campaign,
    move_campaign,
    start_campaign,
)
from inspections.services.checklists import add_version, current_version, mark_version_used, revise_template
from inspections.services.criteria import cite_clause, revise_clause
from inspections.services.enterprises import (
    check_writer,
    clean_enterprise,
    may_write,
    register_enterprise,
    update_enterprise,
)
from inspections.services.hazard_ladder import escalate_overdue_hazards
from inspections.services.hazards import (
    HAZARD_WORKFLOW,
    apply_hazard_action,
    available_hazard_actions,
    hazard_from_answer,
    record_hazard,
)
from inspections.services.inspections import add_inspection_photos, save_inspection, sign_inspection, submit_inspection
from inspections.services.library import seed_library
from inspections.services.notices import issue_notice, serve_notice
from inspections.services.sheets import ImportReport, export_enterprises, import_enterprises, template_workbook

__all__ = [
    "available_campaign_actions", "create_campaign", "edit_campaign", "move_campaign", "start_campaign",
    "HAZARD_WORKFLOW", "ImportReport", "add_inspection_photos", "apply_hazard_action", "available_hazard_actions",
    "hazard_from_answer", "record_hazard", "save_inspection", "sign_inspection", "submit_inspection",
    "add_version", "check_writer", "cite_clause", "clean_enterprise", "current_version",
    "export_enterprises", "import_enterprises", "mark_version_used", "may_write", "register_enterprise",
    "revise_clause", "revise_template", "seed_library", "template_workbook", "update_enterprise",
    "escalate_overdue_hazards", "issue_notice", "serve_notice",
]
