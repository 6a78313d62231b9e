from governance.models.meetings import AgendaItem, Decision, Meeting

__all__ = ["AgendaItem", "Decision", "Meeting"]
