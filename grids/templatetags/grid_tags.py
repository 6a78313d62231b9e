"""Template filters of the organisation's pages: the one humanised time and distance (casework.humanize)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import humanize
from casework.photos import MAX_PHOTOS

register = template.Library()


@register.filter
def since(value) -> str:
    """'3 hours ago', 'just now', in the active language ('' for no time)."""
    return humanize.ago(value, timezone.now()) if value else ""


@register.filter
def distance(metres) -> str:
    """'at the same spot', '350 m away', '1.2 km away'."""
    return humanize.distance(metres)


@register.inclusion_tag("components/photo_picker.html")
def photo_picker(field=None, *, name: str = "", input_id: str = "", label: str = "", help_text: str = "",
                 required_hint: str = "", max: int = MAX_PHOTOS) -> dict:  # noqa: A002  (the template's word)
    """The one photo picker of every form that takes photos: a form's BoundField, or a raw input
    named `name` (the inspection form's per-item inputs). static/js/photo-picker.js drives it."""
    if field is not None:
        return {"field": field, "input_id": field.id_for_label, "label": field.label, "help_text": field.help_text,
                "errors": field.errors, "field_name": field.name, "required_hint": required_hint, "max": max}
    return {"field": None, "name": name, "input_id": input_id or name, "label": label or _("Photos"), "help_text": help_text,
            "errors": [], "field_name": name, "required_hint": required_hint, "max": max}
