"""Kinds and states of the assessment: subjects, periods, scoring rules, grades and the appeal loop."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.engine import Transition
from grids.choices import Role


class SubjectType(models.TextChoices):
    """Who is assessed. A contractor is a service firm, scored on its contracts' scorecards
    (governance.assessment.sources_contractors)."""

    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY = "community", _("Community")
    ZONE = "zone", _("Zone")
    DEPARTMENT = "department", _("Department")
    CONTRACTOR = "contractor", _("Contractor")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")


class PeriodStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    PUBLISHED = "published", _("Published")


class Scoring(models.TextChoices):
    """How an indicator turns its value into points.

    RATE, BANDS and LINEAR give 0–100 points, weighted by the indicator's weight (in %);
    DEDUCTION starts from its weight (in points) and loses `per_item` per counted case, floored at
    zero (扣完为止); BONUS adds `per_item` per counted item up to its cap, on top of 100; PENALTY
    takes `per_item` per counted item off the total, uncapped (the contractors' 漏判), the total
    floored at zero."""

    RATE = "rate", _("Rate × 100")
    BANDS = "bands", _("Band table")
    LINEAR = "linear", _("Linear scale")
    DEDUCTION = "deduction", _("Deduction per item")
    BONUS = "bonus", _("Bonus per item")
    PENALTY = "penalty", _("Penalty per item (uncapped)")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better (1 − value)")


class ExclusionReason(models.TextChoices):
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    UNREASONABLE = "unreasonable", _("Unreasonable complaint")
    APPEAL = "appeal", _("Excluded on appeal")
    OTHER = "other", _("Other")


class AppealStatus(models.TextChoices):
    """submitted → zone review (3 working days) → street office review (5 working days) → decision.
    Appeals against a zone's or a department's own sheet go straight to the street office."""

    ZONE_REVIEW = "zone_review", _("Zone review")
    STREET_REVIEW = "street_review", _("Street office review")
    UPHELD = "upheld", _("Score upheld")
    ADJUSTED = "adjusted", _("Score adjusted")
    EXCLUDED = "excluded", _("Case excluded")


APPEAL_STATUS_BADGE = {
    AppealStatus.ZONE_REVIEW: "warn", AppealStatus.STREET_REVIEW: "warn", AppealStatus.UPHELD: "",
    AppealStatus.ADJUSTED: "ok", AppealStatus.EXCLUDED: "ok",
}
OPEN_APPEAL_STATUSES = frozenset({AppealStatus.ZONE_REVIEW, AppealStatus.STREET_REVIEW})


class AppealAction(models.TextChoices):
    FORWARD = "forward", _("Forward with the zone's opinion")
    EXPIRE = "expire", _("Zone review time ran out")
    UPHOLD = "uphold", _("Uphold the score")
    ADJUST = "adjust", _("Adjust the score")
    EXCLUDE = "exclude", _("Exclude the case")
    COMMENT = "comment", _("Comment")


class AppealEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Appeal submitted")
    FORWARD = "forward", _("Zone opinion given")
    EXPIRE = "expire", _("Zone review overdue: passed to the street office")
    UPHOLD = "uphold", _("Score upheld")
    ADJUST = "adjust", _("Score adjusted")
    EXCLUDE = "exclude", _("Case excluded from the assessment")
    COMMENT = "comment", _("Comment")
    OVERDUE = "overdue", _("Street office review overdue")


# The beat sweep acts as this role (casework.engine needs one).
SYSTEM_ROLE = "system"
ZONE = frozenset({Role.ZONE_LEADER, Role.STREET, Role.ADMIN})
STREET = frozenset({Role.STREET, Role.ADMIN})
EVERYONE = frozenset(Role.values) | {SYSTEM_ROLE}

APPEAL_TRANSITIONS: dict[str, Transition] = {
    AppealAction.FORWARD: Transition(frozenset({AppealStatus.ZONE_REVIEW}), AppealStatus.STREET_REVIEW, ZONE),
    AppealAction.EXPIRE: Transition(frozenset({AppealStatus.ZONE_REVIEW}), AppealStatus.STREET_REVIEW, frozenset({SYSTEM_ROLE})),
    AppealAction.UPHOLD: Transition(frozenset({AppealStatus.STREET_REVIEW}), AppealStatus.UPHELD, STREET),
    AppealAction.ADJUST: Transition(frozenset({AppealStatus.STREET_REVIEW}), AppealStatus.ADJUSTED, STREET),
    AppealAction.EXCLUDE: Transition(frozenset({AppealStatus.STREET_REVIEW}), AppealStatus.EXCLUDED, STREET),
    AppealAction.COMMENT: Transition(frozenset(AppealStatus.values), None, EVERYONE - {SYSTEM_ROLE}),
}

# Working days (casework.calendar): the appeal window after publication and each review's limit.
APPEAL_WINDOW_WORKING_DAYS = 3
ZONE_REVIEW_WORKING_DAYS = 3
STREET_REVIEW_WORKING_DAYS = 5

# Year = first half × 40 % + year-end × 60 % (SAFETY.md §4, the published scheme).
YEAR_H1_WEIGHT = 0.4

# Grades: (code, label, minimum score, pay coefficient), best first; the last has minimum 0.
LETTER_GRADES = [
    {"code": "A", "label": "A", "min": 90, "coefficient": 1.2},
    {"code": "B", "label": "B", "min": 75, "coefficient": 1.1},
    {"code": "C", "label": "C", "min": 60, "coefficient": 1.0},
    {"code": "D", "label": "D", "min": 40, "coefficient": 0.9},
    {"code": "E", "label": "E", "min": 0, "coefficient": 0.8},
]
# SAFETY.md §8.5: 优秀 ≥ 95, 合格 80–94.99, 基本合格 70–79.99, 不合格 < 70; 1.2 / 1.0 / 0.9 / 0.7.
PEOPLE_GRADES = [
    {"code": "excellent", "label": "优秀", "min": 95, "coefficient": 1.2},
    {"code": "pass", "label": "合格", "min": 80, "coefficient": 1.0},
    {"code": "basic", "label": "基本合格", "min": 70, "coefficient": 0.9},
    {"code": "fail", "label": "不合格", "min": 0, "coefficient": 0.7},
]
FAIL_GRADES = frozenset({"fail", "E"})
# Bonus points on top of 100, at most (SAFETY.md §8.4: our default +5).
DEFAULT_BONUS_CAP = 5
