"""Template filters of the organisation's pages (the notification inbox)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def since(value) -> str:
    """'3 hours' ago, in the active language (depth 1: short enough for a list)."""
    return timesince(value, timezone.now(), depth=1) if value else ""
