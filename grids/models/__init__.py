from grids.models.notifications import Delivery, Notification
from grids.models.people import User, UserQuerySet
from grids.models.rosters import DutyShift, TrainingAttendance, TrainingSession
from grids.models.territory import Community, Department, GridCell, SubDistrict, Zone, ZoneTeam

__all__ = [
    "Community",
    "Delivery",
    "Department",
    "DutyShift",
    "GridCell",
    "Notification",
    "SubDistrict",
    "TrainingAttendance",
    "TrainingSession",
    "User",
    "UserQuerySet",
    "Zone",
    "ZoneTeam",
]
