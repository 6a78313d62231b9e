from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.rollups.models import Contribution, DailyCount
from governance.security.models import PersonalDataAccess

__all__ = ["AgendaItem", "Contribution", "DailyCount", "Decision", "Meeting", "PersonalDataAccess"]
