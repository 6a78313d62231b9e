from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.operations.models import Heartbeat
from governance.security.models import PersonalDataAccess

__all__ = ["AgendaItem", "Decision", "Heartbeat", "Meeting", "PersonalDataAccess"]
