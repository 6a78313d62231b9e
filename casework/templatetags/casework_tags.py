"""Template tags shared by the casework apps."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from casework.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> str:
    """A create form's hidden one-time token (see casework.once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
