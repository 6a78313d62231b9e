"""Checklist versions: used once, frozen; a revision is the next version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion

ITEM_FIELDS = (
    "position", "code", "text", "answer_type", "threshold", "comparison", "unit", "photo_required", "clause",
    "rectification_days",
)


def current_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return template.versions.filter(is_current=True).first()


def mark_version_used(version: ChecklistVersion) -> ChecklistVersion:
    """Freeze the version: the inspection part calls this when the first inspection is answered
    against it (idempotent). Its items can no longer change; revise_template makes the next one."""
    ChecklistVersion.objects.filter(pk=version.pk, used_at__isnull=True).update(used_at=timezone.now())
    version.refresh_from_db(fields=["used_at"])
    return version


def _item_values(item: ChecklistItem) -> dict:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


@transaction.atomic
def add_version(template: ChecklistTemplate, *, items: list[dict], note: str = "") -> ChecklistVersion:
    """A new current version with these items (dicts of ITEM_FIELDS); the previous stays for what pinned it."""
    if not items:
        raise ValidationError({"items": _("A checklist needs at least one item.")})
    ChecklistTemplate.objects.select_for_update().filter(pk=template.pk).first()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    template.versions.filter(is_current=True).update(is_current=False)
    version = ChecklistVersion.objects.create(template=template, number=number, note=note[:300])
    for position, values in enumerate(items, start=1):
        unknown = set(values) - set(ITEM_FIELDS)
        if unknown:
            raise ValidationError({"items": _("Unknown item fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}})
        item = ChecklistItem(version=version, **{"position": position, **values})
        item.full_clean(exclude=["version"])
        item.save()
    return version


@transaction.atomic
def revise_template(template: ChecklistTemplate, *, changes: dict[str, dict] | None = None, add: list[dict] | None = None,
                    remove: list[str] | None = None, note: str = "") -> ChecklistVersion:
    """The next version: the current items with `changes` ({item code: {field: value}}) applied,
    the codes in `remove` left out and `add` appended. The current version is kept unchanged."""
    current = current_version(template)
    base = [_item_values(item) for item in current.items.all()] if current else []
    changes, remove = changes or {}, set(remove or [])
    codes = {values["code"] for values in base}
    unknown = (set(changes) | remove) - codes
    if unknown:
        raise ValidationError({"items": _("No such item: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}})
    items = [{**values, **changes.get(values["code"], {})} for values in base if values["code"] not in remove]
    items.extend(add or [])
    return add_version(template, items=items, note=note)
