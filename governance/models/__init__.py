from governance.audit.models import AuditEntry
from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.security.models import PersonalDataAccess

__all__ = ["AgendaItem", "AuditEntry", "Decision", "Meeting", "PersonalDataAccess"]
