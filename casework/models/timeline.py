"""The append-only timeline every kind of case keeps: one row per state change, assignment,
escalation, comment or decision, never updated and never deleted, so a history can be replayed."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

UPDATE_REFUSED = "The case timeline is append-only: events are never updated."
DELETE_REFUSED = "The case timeline is append-only: events are never deleted."

# Called with ("app_label.Model", [events]) after every append, in the appending transaction: the one
# place every change of every case passes. Higher apps register here (governance's rollups) without
# casework importing them; an exception in a hook fails the append and so the whole change.
APPEND_HOOKS: list[Callable[[str, list], None]] = []


def appended(model: type[models.Model], events: list) -> None:
    if events:
        for hook in APPEND_HOOKS:
            hook(model._meta.label, events)


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses the bulk writes that would rewrite history (inserts go through save/bulk_create)."""

    def update(self, **kwargs):
        raise TypeError(UPDATE_REFUSED)

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        appended(self.model, created)
        return created

    def delete(self):
        raise TypeError(DELETE_REFUSED)


class TimelineEventBase(models.Model):
    """One line of a timeline. A client adds the FK to its case (and its index), and overrides
    `kind`, `from_status` and `to_status` to give them its choices."""

    kind = models.CharField(_("event"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    from_status = models.CharField(_("status before"), max_length=16, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("event data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(UPDATE_REFUSED)
        super().save(*args, **kwargs)
        appended(type(self), [self])

    def delete(self, *args, **kwargs):
        raise TypeError(DELETE_REFUSED)
