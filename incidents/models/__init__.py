from incidents.models.cases import CaseSequence, Incident, IncidentEvent, IncidentPhoto, PhotoKind, StageDeadline
from incidents.models.categories import Category, StageLimit

__all__ = [
    "CaseSequence",
    "Category",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "PhotoKind",
    "StageDeadline",
    "StageLimit",
]
