from incidents.models.cases import CaseSequence, Incident, IncidentEvent, IncidentPhoto, PhotoKind, StageDeadline
from incidents.models.categories import Category, StageLimit
from incidents.models.open311 import Open311Client, Open311Key, Open311Request

__all__ = [
    "CaseSequence",
    "Category",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "Open311Client",
    "Open311Key",
    "Open311Request",
    "PhotoKind",
    "StageDeadline",
    "StageLimit",
]
