"""Badges of the case pages: status, deadline (coloured by time left) and supervision level."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import humanize
from grids.templatetags.grid_tags import distance, since
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
    """'3 hours 25 minutes left', 'overdue by 2 days', 'clock paused' or ''."""
    if incident.due_at is None:
        return _("clock paused") if incident.paused_remaining is not None else ""
    return humanize.time_left(incident.due_at, timezone.now())


# One "3 hours ago" and one "350 m away" for every page: the grids filters, registered here too.
register.filter("since", since)
register.filter("distance", distance)
