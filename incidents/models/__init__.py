from incidents.models.calendar import CalendarDay, CalendarYear, DayKind, WorkingPeriod
from incidents.models.cases import CaseSequence, Incident, IncidentEvent, IncidentPhoto, PhotoKind, StageDeadline
from incidents.models.categories import Category, StageLimit

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "CaseSequence",
    "Category",
    "DayKind",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "PhotoKind",
    "StageDeadline",
    "StageLimit",
    "WorkingPeriod",
]
