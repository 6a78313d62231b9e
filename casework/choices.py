"""Choices the shared machinery and its clients both use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LimitKind(models.TextChoices):
    URGENT_HOURS = "urgent_hours", _("Urgent hours")
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")
    NATURAL_DAYS = "natural_days", _("Natural days")


WORKING_KINDS = frozenset({LimitKind.WORKING_HOURS, LimitKind.WORKING_DAYS})


class Escalation(models.IntegerChoices):
    """The supervision (督办) ladder of a running stage clock."""

    NONE = 0, _("On time")
    WARNING = 1, _("Due soon")
    YELLOW = 2, _("Yellow card")
    RED = 3, _("Red card")
