from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.security.models import ApiToken, PersonalDataAccess

__all__ = ["AgendaItem", "ApiToken", "Decision", "Meeting", "PersonalDataAccess"]
