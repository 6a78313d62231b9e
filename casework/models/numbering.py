"""Counters behind gapless yearly numbers (XH2026000123); casework.numbering.next_number() takes one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SequenceBase(models.Model):
    """The last number handed out for a prefix and year (locked while incremented).

    next_number() upserts on the unique (prefix, year), so a subclass keeps that constraint; its
    name is `<model>_unique` (a subclass's Meta extends SequenceBase.Meta).
    """

    prefix = models.CharField(_("prefix"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        abstract = True
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="%(class)s_unique")]
