from governance.meetings.models import AgendaItem, Decision, Meeting

__all__ = ["AgendaItem", "Decision", "Meeting"]
