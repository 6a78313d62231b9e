"""Kinds and states of the joint meetings, why a case is on an agenda, and what became of a decision."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly work meeting")
    JOINT = "joint", _("Departmental joint meeting")


class MeetingStatus(models.TextChoices):
    """agenda prepared → in session → minutes published (then read-only)."""

    PREPARED = "prepared", _("Agenda prepared")
    IN_SESSION = "in_session", _("In session")
    PUBLISHED = "published", _("Minutes published")


MEETING_STATUS_BADGE = {MeetingStatus.PREPARED: "info", MeetingStatus.IN_SESSION: "warn", MeetingStatus.PUBLISHED: "ok"}


class ItemReason(models.TextChoices):
    """Why a subject is on an agenda. The automatic reasons are the `sources` of each subject
    (governance.meetings.subjects); MANUAL and FOLLOW_UP are added by the chair.

    Extension point: when the inspections app exists, a reason for "major hazard overdue or
    refused" belongs here, with its query in the hazard subject's `sources`.
    """

    DISPUTED = "disputed", _("Disputed ownership")
    RETURNED = "returned", _("Returned twice or more")
    RED_CARD = "red_card", _("Red card, still overdue")
    FOLLOW_UP = "follow_up", _("Earlier decision not kept")
    MANUAL = "manual", _("Added by the chair")
    # A hazard whose enterprise refused to rectify, with no joint interview yet (subjects.hazard).
    INTERVIEW = "interview", _("Interview proposed")


ITEM_REASON_BADGE = {
    ItemReason.DISPUTED: "bad", ItemReason.RETURNED: "warn", ItemReason.RED_CARD: "bad",
    ItemReason.FOLLOW_UP: "warn", ItemReason.MANUAL: "info", ItemReason.INTERVIEW: "bad",
}


class DecisionAction(models.TextChoices):
    """What a decision does to its subject. A case is always assigned (ASSIGN); a hazard whose
    enterprise refused to rectify gets a joint interview or is referred for enforcement."""

    ASSIGN = "assign", _("Assign the lead department")
    INTERVIEW = "interview", _("Hold a joint interview")
    REFER = "refer", _("Refer to the department for enforcement")


class Outcome(models.TextChoices):
    """What became of a decision, judged from its case and its deadline (ledger and follow-up)."""

    PENDING = "pending", _("Not yet published")
    OPEN = "open", _("Open, deadline not reached")
    MISSED = "missed", _("Missed: still open after the deadline")
    DONE_ON_TIME = "on_time", _("Closed by the deadline")
    DONE_LATE = "late", _("Closed after the deadline")
    ENDED = "ended", _("Case ended otherwise (rejected or void)")
    SUPERSEDED = "superseded", _("Superseded by a later decision")


OUTCOME_BADGE = {
    Outcome.PENDING: "", Outcome.OPEN: "info", Outcome.MISSED: "bad", Outcome.DONE_ON_TIME: "ok",
    Outcome.DONE_LATE: "warn", Outcome.ENDED: "", Outcome.SUPERSEDED: "",
}

# When the weekly meeting is held by default, in its week (the chair may change it):
# Wednesday 09:00, leaving departments two days after the Monday agenda to prepare.
WEEKLY_MEETING_WEEKDAY = 2
WEEKLY_MEETING_TIME = time(9, 0)
DEFAULT_PLACE = _("Sub-district office, meeting room 301")
