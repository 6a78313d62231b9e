"""Enterprises, the criteria library and checklist templates; inspections and hazards."""

from inspections.models.campaigns import Campaign, CampaignEvent, CampaignExpert, CampaignTarget
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
)
from inspections.models.rectification import (
    Extension,
    GovernancePlan,
    HazardDeadline,
    NoticeSequence,
    Recheck,
    RectificationNotice,
    RectificationPhoto,
    Referral,
    ResumeRequest,
    SupervisionLetter,
)

__all__ = [
    "Campaign", "CampaignEvent", "CampaignExpert", "CampaignTarget",
    "ChecklistItem", "ChecklistTemplate", "ChecklistVersion", "Clause", "Enterprise", "EnterpriseFlag",
    "EnterpriseQuerySet", "EnterpriseSector", "Hazard", "HazardEvent", "HazardPhoto", "HazardSequence", "Inspection",
    "InspectionAnswer", "InspectionExpert", "InspectionInspector", "InspectionPhoto", "Standard", "is_safety_office",
    "Extension", "GovernancePlan", "HazardDeadline", "NoticeSequence", "Recheck", "RectificationNotice", "RectificationPhoto",
    "Referral", "ResumeRequest", "SupervisionLetter",
    "CommitmentItem", "InterviewDeadline", "InterviewEvent", "InterviewParticipant", "InterviewSequence", "JointInterview",
]
