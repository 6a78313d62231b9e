"""Who saw which personal datum in full, and when (PIPL): one append-only row per "show full
number". Deliberately minimal; the general audit trail (another issue) may absorb it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.timeline import DELETE_REFUSED, UPDATE_REFUSED, AppendOnlyQuerySet


class PersonalDataAccess(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))
    # The object as "<app_label>.<model>" and its primary key: any model's personal field can be logged.
    model = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=40)
    field = models.CharField(_("field"), max_length=60)
    at = models.DateTimeField(_("when"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="personal_access_object")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.model}:{self.object_id}.{self.field} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(UPDATE_REFUSED.replace("case timeline", "personal data log"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(DELETE_REFUSED.replace("case timeline", "personal data log"))
