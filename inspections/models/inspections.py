"""Inspections (检查): who inspected which enterprise, when and where, against which checklist
version, with what answers, photos and signature.

Answers keep the version they were given against: an inspection pins its `ChecklistVersion`
and every answer points at an item of that version, so revising the template (a new version)
never rewrites an old inspection. A retried submit carries the same client-generated
`client_key`, so a weak connection never creates an inspection twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import PhotoBase
from grids.models.scoping import ScopedQuerySet
from inspections.choices import Answer, InspectionKind, InspectionStatus, SignatureKind


class InspectionQuerySet(ScopedQuerySet):
    """The inspections of the enterprises the user sees (Enterprise.objects.visible_to)."""

    def _of_visible_enterprises(self, user):
        from inspections.models.enterprises import Enterprise

        return self.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))

    for_zone_leader = for_community = for_grid_worker = for_department = _of_visible_enterprises

    def for_list(self):
        return self.select_related("enterprise", "zone", "created_by", "version__template", "campaign")


def signature_path(instance, filename: str) -> str:
    return f"inspections/signatures/{instance.started_at:%Y/%m}/{filename}"


class Inspection(models.Model):
    client_key = models.UUIDField(_("client key"), unique=True, editable=False)
    enterprise = models.ForeignKey("inspections.Enterprise", on_delete=models.PROTECT, related_name="inspections",
                                   verbose_name=_("enterprise"))
    zone = models.ForeignKey("grids.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    campaign = models.ForeignKey("inspections.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections", verbose_name=_("campaign"))
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT)
    version = models.ForeignKey("inspections.ChecklistVersion", on_delete=models.PROTECT, related_name="inspections",
                                verbose_name=_("checklist version"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, through="InspectionInspector", related_name="inspections",
                                        verbose_name=_("inspectors"))
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the enterprise (m)"), null=True, blank=True)
    location_flagged = models.BooleanField(_("far from the enterprise"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    signature = models.ImageField(_("signature"), upload_to=signature_path, blank=True)
    signature_kind = models.CharField(_("signature kind"), max_length=12, choices=SignatureKind.choices, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "-started_at"], name="inspection_enterprise"),
            models.Index(fields=["zone", "-started_at"], name="inspection_zone"),
            models.Index(fields=["-started_at", "-id"], name="inspection_time"),
            models.Index(fields=["campaign", "enterprise"], name="inspection_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.started_at:%Y-%m-%d}"


class InspectionInspector(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="inspector_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector"))
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="inspection_inspector_once")]


class InspectionExpert(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("name"), max_length=60)
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["pk"]


class InspectionAnswer(models.Model):
    """One item's answer, against the item of the inspection's own version (the snapshot)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("inspections.ChecklistItem", on_delete=models.PROTECT, related_name="answers", verbose_name=_("item"))
    answer = models.CharField(_("answer"), max_length=3, choices=Answer.choices, blank=True)
    value = models.DecimalField(_("measured value"), max_digits=10, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_once")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.answer or self.value}"


def inspection_photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection.started_at:%Y/%m}/{instance.inspection_id}/{filename}"


class InspectionPhoto(PhotoBase):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection"))
    answer = models.ForeignKey(InspectionAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("answer"))
    image = models.ImageField(_("photo"), upload_to=inspection_photo_path, width_field="width", height_field="height")

    class Meta(PhotoBase.Meta):
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
