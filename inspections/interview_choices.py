"""The joint interview's vocabularies (联合约谈, SAFETY.md §5, §8.1) and its transition table.

proposed (by the joint meeting) → scheduled (the notice is sent) → held (attendance, 约谈记录,
纪要) → follow-up due (the 整改承诺书 is signed; the written follow-up report is due in 5
working days) → rechecked → closed with an outcome. `SCHEDULE` from scheduled re-sends a changed
notice; `REPORT` receives the follow-up report without changing the state.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.engine import Transition
from grids.choices import Role


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Notice sent")
    HELD = "held", _("Held")
    FOLLOW_UP = "follow_up", _("Follow-up report due")
    RECHECKED = "rechecked", _("Rechecked")
    CLOSED = "closed", _("Closed")


INTERVIEW_STATUS_BADGE = {
    InterviewStatus.PROPOSED: "info", InterviewStatus.SCHEDULED: "info", InterviewStatus.HELD: "warn",
    InterviewStatus.FOLLOW_UP: "warn", InterviewStatus.RECHECKED: "warn", InterviewStatus.CLOSED: "ok",
}
OPEN_INTERVIEW_STATUSES = frozenset(set(InterviewStatus.values) - {InterviewStatus.CLOSED})


class InterviewAction(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule and send the notice")
    HOLD = "hold", _("Record the interview")
    COMMIT = "commit", _("Record the signed commitment")
    REPORT = "report", _("Receive the follow-up report")
    RECHECK = "recheck", _("Record the recheck")
    CLOSE = "close", _("Close with the outcome")
    COMMENT = "comment", _("Comment")


class InterviewEventKind(models.TextChoices):
    PROPOSE = "propose", _("Proposed by the joint meeting")
    PARTICIPANT = "participant", _("Participant added")
    SCHEDULE = "schedule", _("Notice sent")
    HOLD = "hold", _("Interview held")
    COMMIT = "commit", _("Commitment signed")
    REPORT = "report", _("Follow-up report received")
    RECHECK = "recheck", _("Rechecked")
    CLOSE = "close", _("Closed")
    COMMENT = "comment", _("Comment")
    # The follow-up report's ladder (swept by beat): due soon → overdue → still overdue.
    REPORT_DUE_SOON = "report_due_soon", _("Follow-up report due soon")
    REPORT_OVERDUE = "report_overdue", _("Follow-up report overdue")
    REPORT_RED = "report_red", _("Follow-up report still overdue")


class Body(models.TextChoices):
    """Who sits at the table (SAFETY.md §8.1: participants per body)."""

    LEADER = "leader", _("Sub-district leader")
    SAFETY_OFFICE = "safety_office", _("Safety office")
    PROCURATORATE = "procuratorate", _("District procuratorate")
    POLICE = "police", _("Police station")
    DEPARTMENT = "department", _("Line department")
    EXPERT = "expert", _("Expert")
    CONTRACTOR = "contractor", _("Safety service contractor")


class Outcome(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    HALT_ORDERED = "halt_ordered", _("Halt ordered by the department")
    POLICE_LEAD = "police_lead", _("Referred to the police (dangerous operations lead)")
    PROCURATORATE_LEAD = "procuratorate_lead", _("Public-interest lead for the procuratorate")
    CREDIT_SANCTION = "credit_sanction", _("Credit sanction")
    STILL_OPEN = "still_open", _("Still open")


# The follow-up report is due this many working days after the interview (Zhangzhou: 5).
FOLLOW_UP_WORKING_DAYS = 5
FOLLOW_UP_STAGE = "report"
# Overdue this long, the report's ladder reaches red (the sub-district's leader is told).
FOLLOW_UP_RED_AFTER_DAYS = 3

# Who runs an interview: the street office and departments (the guard narrows a department to
# the safety office and the organiser). Outside participants only read.
_RUNNERS = frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT})
INTERVIEW_TRANSITIONS = {
    InterviewAction.SCHEDULE: Transition(
        frozenset({InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED}), InterviewStatus.SCHEDULED, _RUNNERS),
    InterviewAction.HOLD: Transition(frozenset({InterviewStatus.SCHEDULED}), InterviewStatus.HELD, _RUNNERS),
    InterviewAction.COMMIT: Transition(frozenset({InterviewStatus.HELD}), InterviewStatus.FOLLOW_UP, _RUNNERS),
    InterviewAction.REPORT: Transition(frozenset({InterviewStatus.FOLLOW_UP}), None, _RUNNERS),
    InterviewAction.RECHECK: Transition(frozenset({InterviewStatus.FOLLOW_UP}), InterviewStatus.RECHECKED, _RUNNERS),
    InterviewAction.CLOSE: Transition(frozenset({InterviewStatus.RECHECKED}), InterviewStatus.CLOSED, _RUNNERS),
    InterviewAction.COMMENT: Transition(frozenset(InterviewStatus.values), None, _RUNNERS),
}

