from governance.assessment.models import Appeal, AppealEvent, Exclusion, Indicator, Period, Scheme, ScoreSheet, SheetComment
from governance.audit.models import AuditEntry
from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.operations.models import Heartbeat
from governance.rollups.models import Contribution, DailyCount
from governance.security.models import ApiToken, PersonalDataAccess

__all__ = [
    "AgendaItem", "ApiToken", "Appeal", "AppealEvent", "AuditEntry", "Contribution", "DailyCount", "Decision", "Exclusion",
    "Heartbeat", "Indicator", "Meeting", "Period", "PersonalDataAccess", "Scheme", "ScoreSheet", "SheetComment",
]
