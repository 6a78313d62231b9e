"""Enterprises, the criteria library and checklist templates; inspections and hazards come next."""

from inspections.models.checklists import ChecklistItem, ChecklistTemplate, ChecklistVersion
from inspections.models.criteria import Clause, Standard
from inspections.models.enterprises import Enterprise, EnterpriseFlag, EnterpriseQuerySet, EnterpriseSector, is_safety_office

__all__ = [
    "ChecklistItem", "ChecklistTemplate", "ChecklistVersion", "Clause", "Enterprise", "EnterpriseFlag",
    "EnterpriseQuerySet", "EnterpriseSector", "Standard", "is_safety_office",
]
