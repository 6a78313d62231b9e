from casework.models.calendar import CalendarDay, CalendarYear, DayKind, WorkingPeriod
from casework.models.numbering import SequenceBase
from casework.models.once import OnceToken
from casework.models.photos import PhotoBase
from casework.models.stages import ClockedBase, StageRunBase
from casework.models.timeline import AppendOnlyQuerySet, TimelineEventBase

__all__ = [
    "ClockedBase",
    "StageRunBase",
    "AppendOnlyQuerySet",
    "CalendarDay",
    "CalendarYear",
    "DayKind",
    "OnceToken",
    "PhotoBase",
    "SequenceBase",
    "TimelineEventBase",
    "WorkingPeriod",
]
