"""Template filters of the organisation's pages: the one humanised time and distance (casework.humanize)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from casework import humanize

register = template.Library()


@register.filter
def since(value) -> str:
    """'3 hours ago', 'just now', in the active language ('' for no time)."""
    return humanize.ago(value, timezone.now()) if value else ""


@register.filter
def distance(metres) -> str:
    """'at the same spot', '350 m away', '1.2 km away'."""
    return humanize.distance(metres)
