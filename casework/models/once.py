"""One-time form tokens: every create form carries a fresh token, and the first object created
with it is remembered here, so a double submit answers the object already created."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OnceToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    token = models.UUIDField(_("token"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind"))
    object_id = models.PositiveBigIntegerField(_("object"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-time form token")
        verbose_name_plural = _("one-time form tokens")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="casework_once_token_per_user")]

    def __str__(self) -> str:
        return str(self.token)
