"""When each of beat's tasks last ran: one row per schedule entry (and one for beat's own start).

A status row, overwritten on every run (not a log): the worker writes it around each beat task, the
readiness check and the street office's heartbeat page read it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("succeeded")
    FAILURE = "failure", _("failed")
    RETRY = "retry", _("retried")
    RUNNING = "running", _("running")


# The row beat writes when it starts: the reference for entries that have never run yet.
BEAT_STARTED = "celery.beat"


class Heartbeat(models.Model):
    name = models.CharField(_("schedule entry"), max_length=100, unique=True)
    task = models.CharField(_("task"), max_length=200, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_outcome = models.CharField(_("last outcome"), max_length=10, choices=Outcome.choices, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
