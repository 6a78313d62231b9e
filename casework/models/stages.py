"""What a clocked object carries, and one run of one of its stage clocks (abstract bases).

A case (later a hazard's rectification) stores the running stage's due time on its own row, so
the escalation sweep finds what is due with one indexed query; each run of a stage is kept as a
row of a `StageRunBase` subclass for the object's page and for on-time statistics.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.choices import Escalation, LimitKind


class ClockedBase(models.Model):
    """The running stage's clock on the object itself. due_at is empty when no clock runs."""

    stage = models.CharField(_("stage"), max_length=10, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning time"), null=True, blank=True)
    # While paused (suspended, extension pending): what was left of the limit, in its unit's seconds.
    paused_remaining = models.IntegerField(_("time left when paused"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("supervision"), choices=Escalation.choices, default=Escalation.NONE)

    class Meta:
        abstract = True


class StageRunBase(models.Model):
    """One run of a stage's clock: when it started, when it is due, how it ended."""

    stage = models.CharField(_("stage"), max_length=10)
    limit_amount = models.DecimalField(_("limit"), max_digits=6, decimal_places=2)
    limit_kind = models.CharField(_("unit"), max_length=16, choices=LimitKind.choices)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)
    extended = models.BooleanField(_("extended"), default=False)

    class Meta:
        abstract = True
        ordering = ["started_at", "pk"]
