"""Open311 GeoReport v2 (incidents/open311): the outside clients that file public reports, their
api_keys (stored hashed, revocable) and one row per report received, which keeps the reporter's
contact details apart from the case (never shown by the public read) and links the report to the
case it filed or, for a duplicate, to the case it was added to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Open311Client(models.Model):
    """A reporting client: the 12345 hotline's integration, a city app, a FixMyStreet install."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True, help_text=_("Who runs the client, and how to reach them."))
    # The account its reports are filed as (source "public (Open311)"): inactive, no password, so
    # nobody can log in as it; created with the client (incidents.open311.keys.create_client).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_client", verbose_name=_("reporting account"),
    )
    rate_limit_per_hour = models.PositiveIntegerField(
        _("reports per hour"), null=True, blank=True,
        help_text=_("Empty: the default (OPEN311_RATE_LIMIT_PER_HOUR)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def hourly_limit(self) -> int:
        return self.rate_limit_per_hour if self.rate_limit_per_hour is not None else settings.OPEN311_RATE_LIMIT_PER_HOUR


class Open311Key(models.Model):
    """An api_key of a client. Only its SHA-256 is stored; the key itself is shown once, when issued."""

    client = models.ForeignKey(Open311Client, on_delete=models.CASCADE, related_name="keys", verbose_name=_("client"))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    # The first characters, so that a key can be recognised in the list without storing it.
    prefix = models.CharField(_("key begins"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("issued at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 api_key")
        verbose_name_plural = _("Open311 api_keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} {self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Open311Request(models.Model):
    """One report received through Open311, and the case it filed (or, linked, was added to)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="open311_requests", verbose_name=_("case"))
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="requests", verbose_name=_("client"))
    # The spec's token (GET tokens/{token}): the reporter can follow the request with it.
    token = models.CharField(_("token"), max_length=40, unique=True, editable=False)
    # A duplicate of an open case (same category, 50 m, 7 days): added to it as a sighting.
    linked = models.BooleanField(_("linked to an existing case"), default=False)
    # The reporter's contact (PIPL): kept for the zone's call-back, never in a public answer.
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("Open311 report")
        verbose_name_plural = _("Open311 reports")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["incident", "submitted_at"], name="open311_request_case")]
        constraints = [
            models.CheckConstraint(condition=~Q(token=""), name="open311_request_has_token"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.incident_id}"
