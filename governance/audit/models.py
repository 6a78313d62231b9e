"""One row per security event, never updated, deleted only by the retention task once older than
settings.AUDIT_RETENTION_DAYS (at least 180 days: on PostgreSQL a trigger refuses anything else,
migration 0005_audit)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.models.scoping import ScopedQuerySet

UPDATE_REFUSED = "The audit trail is append-only: entries are never updated."
DELETE_REFUSED = "The audit trail is append-only: entries are deleted only by the retention task."


class Kind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Login locked out")
    LOGOUT = "logout", _("Logout")
    PERMISSION_DENIED = "permission_denied", _("Permission refused")
    EXPORT = "export", _("Export")
    ADMIN_CHANGE = "admin_change", _("Admin change")
    USER_CHANGE = "user_change", _("User changed")
    ROLE_CHANGE = "role_change", _("Role changed")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    API_KEY_ISSUED = "api_key_issued", _("API key issued")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")


class AuditQuerySet(ScopedQuerySet):
    """Seen by the street office and administrators only (ScopedQuerySet: no other role has a rule).
    Bulk writes are refused here as on the case timeline; `expired` is the retention task's own door."""

    def update(self, **kwargs):
        raise TypeError(UPDATE_REFUSED)

    def delete(self):
        raise TypeError(DELETE_REFUSED)

    def expired_delete(self) -> int:
        """The retention task's delete (governance.audit.services.purge_expired decides the cut-off)."""
        deleted, _by_model = models.QuerySet.delete(self)
        return deleted


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    # Who: the user (no database constraint, so deleting a user keeps their trail) and the username
    # as it was then, also for failed logins by names that do not exist.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    # What about: "<app_label>.<model>" and its primary key, and how it read then.
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object"), max_length=40, blank=True)
    target_repr = models.CharField(_("object name"), max_length=200, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "-at"], name="audit_kind_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(UPDATE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(DELETE_REFUSED)
