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


class ApiToken(models.Model):
    """An API token of one of a user's devices (issue 18): only the key's SHA-256 is stored, the key
    is shown once when issued. One token per device name and user: a new login from the same device
    replaces its token. Written by governance.security.devices only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    device_name = models.CharField(_("device"), max_length=80, blank=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"))
    # Written at most once a minute (devices.STAMP_EVERY), not on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "device_name"], name="api_token_one_per_device")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.device_name or '-'}"
