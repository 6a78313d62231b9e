"""Badges of the case pages: status, deadline (coloured by time left) and supervision level."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from grids.templatetags.grid_tags import since
from incidents import selectors
from incidents.choices import STATUS_BADGE, Escalation

register = template.Library()

ESCALATION_BADGE = {Escalation.NONE: "", Escalation.WARNING: "warn", Escalation.YELLOW: "yellow", Escalation.RED: "bad"}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGE.get(status, "")


@register.filter
def escalation_badge(level: int) -> str:
    return ESCALATION_BADGE.get(level, "")


@register.filter
def deadline_badge(incident) -> str:
    """ok / warn / bad, or '' when no clock runs (see selectors.deadline_badge)."""
    return selectors.deadline_badge(incident)


@register.filter
def deadline_text(incident) -> str:
    """'3 hours left', 'overdue 2 days', 'paused' or ''."""
    if incident.due_at is None:
        return _("clock paused") if incident.paused_remaining is not None else ""
    now = timezone.now()
    if incident.due_at <= now:
        return _("overdue %(time)s") % {"time": timesince(incident.due_at, now, depth=2)}
    return _("%(time)s left") % {"time": timeuntil(incident.due_at, now, depth=2)}


# One "3 hours ago" for every page: the grids filter, registered under this library too.
register.filter("since", since)
