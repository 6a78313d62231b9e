"""Service visits on a phone, their photos and timeline, and the hazards found on them.

A visit far from the enterprise's point or shorter than the contract's minimum is *flagged*
(`far`, `short`, `no_position`), never refused: the office sees it and the scorecard does not
count it as an accepted visit unless the office reviewed it and accepted it anyway with a reason
(`flag_review`; the flags stay). A finding links a hazard (recorded through inspections' hazard services, the
visiting staff member as its reporter) to the visit; a major one carries the 2-hour reporting
deadline as data (`report_due_at`), swept by beat (`late`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import PhotoBase, TimelineEventBase
from contractors.choices import FlagReview, ReportReview, VisitEventKind, VisitStatus
from contractors.models.scoping import FirmScopedQuerySet

# done, and either unflagged or accepted anyway by the office: what the scorecard counts
ACCEPTED = Q(status=VisitStatus.DONE) & (Q(far=False, short=False, no_position=False) | Q(flag_review=FlagReview.ACCEPTED))


class VisitQuerySet(FirmScopedQuerySet):
    def for_list(self):
        return self.select_related("firm", "enterprise", "staff", "contract")

    def accepted(self):
        return self.filter(ACCEPTED)


def visit_file_path(instance, filename: str) -> str:
    return f"contractors/visits/{instance.planned_on:%Y/%m}/{instance.pk}/{filename}"


class Visit(models.Model):
    plan = models.ForeignKey("contractors.ServicePlan", on_delete=models.PROTECT, related_name="visits", verbose_name=_("plan"))
    # denormalised from the plan, so scoping and the scorecard filter on one indexed column
    contract = models.ForeignKey("contractors.Contract", on_delete=models.PROTECT, related_name="visits", verbose_name=_("contract"))
    firm = models.ForeignKey("contractors.ServiceFirm", on_delete=models.PROTECT, related_name="visits", verbose_name=_("firm"))
    enterprise = models.ForeignKey("inspections.Enterprise", on_delete=models.PROTECT, related_name="service_visits",
                                   verbose_name=_("enterprise"))
    staff = models.ForeignKey("contractors.FirmStaff", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
                              verbose_name=_("visited by"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    planned_on = models.DateField(_("planned for"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the enterprise (m)"), null=True, blank=True)
    far = models.BooleanField(_("far from the enterprise"), default=False)
    short = models.BooleanField(_("shorter than the minimum"), default=False)
    no_position = models.BooleanField(_("no position"), default=False)
    guidance = models.TextField(_("guidance given"), blank=True)
    signature = models.ImageField(_("enterprise signature"), upload_to=visit_file_path, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=60, blank=True)
    report = models.FileField(_("visit report"), upload_to=visit_file_path, blank=True)
    report_uploaded_at = models.DateTimeField(_("report uploaded at"), null=True, blank=True)
    report_review = models.CharField(_("report review"), max_length=8, choices=ReportReview.choices, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    flag_review = models.CharField(_("flag review"), max_length=8, choices=FlagReview.choices, blank=True)
    flag_reason = models.CharField(_("reason for the flag review"), max_length=300, blank=True)
    survey_score = models.PositiveSmallIntegerField(_("enterprise satisfaction (1–5)"), null=True, blank=True)
    survey_comment = models.CharField(_("enterprise's comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        ordering = ["-planned_on", "-pk"]
        indexes = [
            models.Index(fields=["contract", "planned_on"], name="visit_contract_planned"),
            models.Index(fields=["contract", "ended_at"], name="visit_contract_ended"),
            models.Index(fields=["firm", "-planned_on"], name="visit_firm"),
            models.Index(fields=["enterprise", "-ended_at"], name="visit_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(survey_score__isnull=True) | Q(survey_score__gte=1, survey_score__lte=5),
                                   name="visit_survey_range"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.planned_on:%Y-%m-%d}"

    @property
    def minutes(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    @property
    def flagged(self) -> bool:
        return self.far or self.short or self.no_position

    @property
    def counts_as_done(self) -> bool:
        return self.status == VisitStatus.DONE and (not self.flagged or self.flag_review == FlagReview.ACCEPTED)


class VisitEvent(TimelineEventBase):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="events", verbose_name=_("visit"))
    kind = models.CharField(_("event"), max_length=20, choices=VisitEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=VisitStatus.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=VisitStatus.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        indexes = [models.Index(fields=["visit", "created_at"], name="visit_event_time")]


def visit_photo_path(instance, filename: str) -> str:
    return f"contractors/visits/{instance.visit.planned_on:%Y/%m}/{instance.visit_id}/photos/{filename}"


class VisitPhotoQuerySet(FirmScopedQuerySet):
    firm_path = "visit__firm"


class VisitPhoto(PhotoBase):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    image = models.ImageField(_("photo"), upload_to=visit_photo_path, width_field="width", height_field="height")

    objects = VisitPhotoQuerySet.as_manager()

    class Meta(PhotoBase.Meta):
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class FindingQuerySet(FirmScopedQuerySet):
    def for_list(self):
        return self.select_related("hazard", "visit__enterprise", "firm")


class Finding(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("visit"))
    firm = models.ForeignKey("contractors.ServiceFirm", on_delete=models.PROTECT, related_name="findings", verbose_name=_("firm"))
    contract = models.ForeignKey("contractors.Contract", on_delete=models.PROTECT, related_name="findings",
                                 verbose_name=_("contract"))
    hazard = models.OneToOneField("inspections.Hazard", on_delete=models.PROTECT, related_name="finding", verbose_name=_("hazard"))
    major = models.BooleanField(_("major hazard"), default=False)
    found_at = models.DateTimeField(_("found at"))
    # a major finding must be reported to the authority within 2 hours (SAFETY.md §3, Yuhang)
    report_due_at = models.DateTimeField(_("report due"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    late = models.BooleanField(_("reported late"), default=False)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard found on a visit")
        verbose_name_plural = _("hazards found on visits")
        ordering = ["-found_at", "-pk"]
        indexes = [
            models.Index(fields=["contract", "found_at"], name="finding_contract_time"),
            # the sweep's query: major findings not yet reported nor marked late
            models.Index(fields=["report_due_at"], condition=Q(reported_at__isnull=True, late=False, report_due_at__isnull=False),
                         name="finding_report_due"),
        ]

    def __str__(self) -> str:
        return str(self.hazard)
