from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.security.models import PersonalDataAccess

__all__ = ["AgendaItem", "Decision", "Meeting", "PersonalDataAccess"]
