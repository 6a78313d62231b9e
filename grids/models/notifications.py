"""In-app notifications: a person's inbox (the bell), and the outbox of their deliveries through
other channels (e-mail, a webhook): one `Delivery` row per notification and configured channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.choices import DeliveryStatus
from grids.models.scoping import ScopedQuerySet


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Makes sending idempotent: the same event never notifies the same person twice, however
    # often (or concurrently) the sweep that raised it runs.
    key = models.CharField(_("deduplication key"), max_length=120)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


# A delivery still to be attempted: never tried yet, or failed with attempts left.
OUTSTANDING = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class DeliveryQuerySet(ScopedQuerySet):
    """No per-role rule: the street office and administrators see the outbox, nobody else."""

    def due(self, now) -> DeliveryQuerySet:
        return self.filter(status__in=OUTSTANDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One notification on one channel: whether it went, and when it is tried again if not."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    # The channel's `name` (e.g. "email"), as configured when the notification was made.
    channel = models.CharField(_("channel"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set while the delivery is outstanding, cleared once it is sent or given up.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [
            # The resend sweep's query: outstanding rows by due time. Sent rows, nearly all of
            # them, stay out of the index.
            models.Index(fields=["next_attempt_at"], name="delivery_due", condition=Q(status__in=OUTSTANDING)),
        ]

    def __str__(self) -> str:
        return f"{self.notification} → {self.channel}: {self.get_status_display()}"
