"""Enterprises, the criteria library and checklist templates; inspections and hazards."""

from inspections.models.checklists import ChecklistItem, ChecklistTemplate, ChecklistVersion
from inspections.models.criteria import Clause, Standard
from inspections.models.enterprises import Enterprise, EnterpriseFlag, EnterpriseQuerySet, EnterpriseSector, is_safety_office
from inspections.models.hazards import Hazard, HazardEvent, HazardPhoto, HazardSequence
from inspections.models.inspections import (
    Inspection,
    InspectionAnswer,
    InspectionExpert,
    InspectionInspector,
    InspectionPhoto,
)
from inspections.models.interviews import (
    CommitmentItem,
    InterviewDeadline,
    InterviewEvent,
    InterviewParticipant,
    InterviewSequence,
    JointInterview,
    RefusalEvidence,
)

__all__ = [
    "ChecklistItem", "ChecklistTemplate", "ChecklistVersion", "Clause", "Enterprise", "EnterpriseFlag",
    "EnterpriseQuerySet", "EnterpriseSector", "Hazard", "HazardEvent", "HazardPhoto", "HazardSequence", "Inspection",
    "InspectionAnswer", "InspectionExpert", "InspectionInspector", "InspectionPhoto", "Standard", "is_safety_office",
    "CommitmentItem", "InterviewDeadline", "InterviewEvent", "InterviewParticipant", "InterviewSequence", "JointInterview",
    "RefusalEvidence",
]
