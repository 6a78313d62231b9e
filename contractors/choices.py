"""Statuses, labels and the visit transition table of the contractors app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.engine import Transition
from grids.choices import Role


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class VisitAction(models.TextChoices):
    START = "start", _("Start the visit")
    FINISH = "finish", _("Finish the visit")
    CANCEL = "cancel", _("Cancel")
    REVIEW = "review", _("Review the report")
    ACCEPT_FLAGGED = "accept_flagged", _("Accept the flagged visit anyway")
    REJECT_FLAGGED = "reject_flagged", _("Reject the flagged visit")


class VisitEventKind(models.TextChoices):
    PLAN = "plan", _("Planned")
    START = "start", _("Started")
    FINISH = "finish", _("Finished")
    CANCEL = "cancel", _("Cancelled")
    REVIEW = "review", _("Report reviewed")
    FINDING = "finding", _("Hazard found")
    REPORT = "report", _("Report uploaded")
    FLAG_ACCEPTED = "flag_accepted", _("Flagged visit accepted")
    FLAG_REJECTED = "flag_rejected", _("Flagged visit rejected")


class ReportReview(models.TextChoices):
    NONE = "", _("Not reviewed")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class FlagReview(models.TextChoices):
    NONE = "", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted anyway")
    REJECTED = "rejected", _("Rejected")


class SpotCheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed (missed hazard)")


STAFF = frozenset({Role.CONTRACTOR})
OFFICE = frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT})

VISIT_TRANSITIONS: dict[str, Transition] = {
    VisitAction.START: Transition(frozenset({VisitStatus.PLANNED}), VisitStatus.STARTED, STAFF),
    VisitAction.FINISH: Transition(frozenset({VisitStatus.STARTED}), VisitStatus.DONE, STAFF),
    VisitAction.CANCEL: Transition(frozenset({VisitStatus.PLANNED}), VisitStatus.CANCELLED, STAFF | OFFICE),
    VisitAction.REVIEW: Transition(frozenset({VisitStatus.DONE}), None, OFFICE),
    VisitAction.ACCEPT_FLAGGED: Transition(frozenset({VisitStatus.DONE}), None, OFFICE),
    VisitAction.REJECT_FLAGGED: Transition(frozenset({VisitStatus.DONE}), None, OFFICE),
}


# SAFETY.md §8.4: the proposed 100-point scheme, our default (weights editable per contract).
class Kpi(models.TextChoices):
    COVERAGE = "coverage", _("Service coverage")
    ON_TIME = "on_time", _("Plan executed on time")
    QUALITY = "quality", _("Hazard finding quality")
    CLOSURE = "closure", _("Closure of hazards found")
    REPORTING = "reporting", _("Major hazards reported within 2 h")
    REPORTS = "reports", _("Report quality")
    SATISFACTION = "satisfaction", _("Enterprise satisfaction")


DEFAULT_WEIGHTS: dict[str, int] = {
    Kpi.COVERAGE: 15, Kpi.ON_TIME: 15, Kpi.QUALITY: 20, Kpi.CLOSURE: 20,
    Kpi.REPORTING: 10, Kpi.REPORTS: 10, Kpi.SATISFACTION: 10,
}
DEFAULT_MISS_PENALTY = Decimal("5")  # points per major hazard missed (漏判), uncapped within the section
DEFAULT_PASS_MARK = Decimal("80")
DEFAULT_WITHHOLD_PERCENT = Decimal("10")
DEFAULT_MIN_VISIT_MINUTES = 30
DEFAULT_GEOFENCE_M = 300
MAJOR_REPORT_HOURS = 2
ON_TIME_GRACE_DAYS = 7  # a visit is on time when done by its planned date plus this many days
SPOT_CHECK_WINDOW_DAYS = 30
