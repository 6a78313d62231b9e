"""The per-day rollups: counts per day × measure × subject, and what each counted object adds to them.

`DailyCount` holds the numbers the dashboards and assessment read. Absent dimensions are 0, never
NULL, so that one plain unique constraint is the upsert's conflict target on every database.

`Contribution` is the ledger: for every counted object (a case) the *inputs* its counts were
derived from (its signature). When the object changes, the new signature is compared with the
stored one and only the difference is applied to `DailyCount` — the stored signature is what
makes "subtract what it counted before" possible without the state before the change.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# `since` of a count that has no earlier event to compare with (and of every non-event measure).
NEVER = dt.date(1, 1, 1)


class DailyCount(models.Model):
    source = models.CharField(_("source"), max_length=24)  # what is counted: "incidents", later "hazards"
    grain = models.CharField(_("grain"), max_length=24)  # what `subject` is: a cell, a department, …
    measure = models.CharField(_("measure"), max_length=32)
    day = models.DateField(_("day"))
    # For "objects with an event in the period" measures: the day of the object's previous such
    # event (NEVER when none). An object is counted once in [a, b] by the event with day in [a, b]
    # and since < a, which makes those measures sums of days, too.
    since = models.DateField(_("previous event"), default=NEVER)
    zone_id = models.BigIntegerField(_("zone"), default=0)
    community_id = models.BigIntegerField(_("community"), default=0)
    subject_id = models.BigIntegerField(_("subject"), default=0)
    n = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            # On PostgreSQL the key also carries `n` (INCLUDE, governance 0013): reads are index-only.
            models.UniqueConstraint(
                fields=["source", "grain", "day", "zone_id", "community_id", "subject_id", "measure", "since"],
                name="rollup_daily_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.grain}/{self.measure} {self.day}: {self.n}"


class Contribution(models.Model):
    source = models.CharField(_("source"), max_length=24)
    object_id = models.BigIntegerField(_("object"))
    signature = models.JSONField(_("signature"), null=True, blank=True)  # None: counts nothing (yet)

    class Meta:
        verbose_name = _("rollup contribution")
        verbose_name_plural = _("rollup contributions")
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="rollup_contribution_once")]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}"
