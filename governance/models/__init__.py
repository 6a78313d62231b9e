from governance.assessment.models import Appeal, AppealEvent, Exclusion, Indicator, Period, Scheme, ScoreSheet, SheetComment
from governance.meetings.models import AgendaItem, Decision, Meeting
from governance.operations.models import Heartbeat
from governance.security.models import ApiToken, PersonalDataAccess

__all__ = [
    "AgendaItem", "ApiToken", "Appeal", "AppealEvent", "Decision", "Exclusion", "Heartbeat", "Indicator", "Meeting",
    "Period", "PersonalDataAccess", "Scheme", "ScoreSheet", "SheetComment",
]
