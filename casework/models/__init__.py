from casework.models.calendar import CalendarDay, CalendarYear, DayKind, WorkingPeriod

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "DayKind",
    "WorkingPeriod",
]
