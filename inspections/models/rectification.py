"""The hazard's rectification loop (SAFETY.md §8.1–8.2): the notice served on the enterprise, the
runs of its deadline, the after-photos, rechecks, extensions, referrals, the major hazard's
governance plan and resume request, and the supervision letters of the ladder.

Every row belongs to a hazard (the notice to an enterprise) and is seen by whoever sees it: the
querysets below defer to `Hazard.objects.visible_to` / `Enterprise.objects.visible_to`, so the
scoping rule stays in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import PhotoBase, SequenceBase, StageRunBase
from grids.choices import Role
from grids.models.scoping import ScopedQuerySet
from inspections.choices import Decision, EvidencePhase, RecheckResult, RectificationMode, SignatureKind
from inspections.models.enterprises import Enterprise
from inspections.models.hazards import Hazard


class _ThroughParent(ScopedQuerySet):
    """Visible when its parent is: `parent_field` points at a hazard or an enterprise."""

    parent_field = "hazard"
    parent_model = Hazard

    def _through(self, user):
        return self.filter(**{f"{self.parent_field}__in": self.parent_model.objects.visible_to(user).values("pk")})


for _role in Role.values:  # one rule per role, all the parent's
    if _role not in (Role.STREET, Role.ADMIN):
        setattr(_ThroughParent, f"for_{_role}", _ThroughParent._through)


class NoticeQuerySet(_ThroughParent):
    parent_field = "enterprise"
    parent_model = Enterprise


class HazardRowQuerySet(_ThroughParent):
    pass


def notice_proof_path(instance, filename: str) -> str:
    return f"notices/{instance.issued_at:%Y/%m}/{instance.number}/{filename}"


class RectificationNotice(models.Model):
    """整改通知书: one notice for one or more hazards of one enterprise, with the 五落实."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="notices", verbose_name=_("enterprise"))
    issuer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"))
    mode = models.CharField(_("rectification mode"), max_length=10, choices=RectificationMode.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    due_at = models.DateTimeField(_("deadline"))
    # 五落实: responsibility, measures, funds, time limit, emergency plan
    responsible_person = models.CharField(_("responsible person"), max_length=60)
    measures = models.TextField(_("measures"))
    funds = models.DecimalField(_("funds (¥)"), max_digits=12, decimal_places=2)
    time_limit = models.CharField(_("time limit"), max_length=200)
    emergency_plan = models.TextField(_("emergency plan"))
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_to = models.CharField(_("received by"), max_length=60, blank=True)
    service_kind = models.CharField(_("proof of service"), max_length=12, choices=SignatureKind.choices, blank=True)
    service_proof = models.ImageField(_("signature or photo"), upload_to=notice_proof_path, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-issued_at"], name="notice_enterprise"),
                   models.Index(fields=["due_at"], condition=Q(served_at__isnull=True), name="notice_unserved")]

    def __str__(self) -> str:
        return self.number


class NoticeSequence(SequenceBase):
    """The last notice number handed out per year (ZG-2026-000012)."""

    class Meta(SequenceBase.Meta):
        verbose_name = _("notice number sequence")
        verbose_name_plural = _("notice number sequences")


class HazardDeadline(StageRunBase):
    """One run of the rectification (or recheck) clock of a hazard, for its page and on-time counts."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("hazard"))

    class Meta(StageRunBase.Meta):
        verbose_name = _("hazard deadline")
        verbose_name_plural = _("hazard deadlines")


class Recheck(models.Model):
    """One request to close (the enterprise's after-photos) and its recheck (复查/验收)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("hazard"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    note = models.TextField(_("note"), blank=True)
    flagged = models.BooleanField(_("evidence flagged"), default=False)
    due_at = models.DateTimeField(_("recheck due"))
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("reviewers"))
    started_at = models.DateTimeField(_("recheck started"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=RecheckResult.choices, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("recheck")
        verbose_name_plural = _("rechecks")
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(result=""), name="recheck_open_due"),
            # the first-recheck measures: the rechecks decided in a period
            models.Index(fields=["decided_at"], condition=Q(decided_at__isnull=False), name="recheck_decided"),
        ]


def evidence_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard.recorded_at:%Y/%m}/{instance.hazard.code}/{instance.phase}/{filename}"


class RectificationPhoto(PhotoBase):
    """An after-photo (or proof of service, or evidence of refusal), with where and when it was
    taken: from its EXIF when present (read before cleaning strips it), else the uploader's fix."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("hazard"))
    recheck = models.ForeignKey(Recheck, null=True, blank=True, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("request to close"))
    phase = models.CharField(_("phase"), max_length=10, choices=EvidencePhase.choices)
    image = models.ImageField(_("photo"), upload_to=evidence_path, width_field="width", height_field="height")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    located_by = models.CharField(_("position from"), max_length=8, blank=True)  # "exif" or "device"
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the enterprise (m)"), null=True, blank=True)
    flag = models.CharField(_("flag"), max_length=200, blank=True)

    class Meta(PhotoBase.Meta):
        verbose_name = _("rectification photo")
        verbose_name_plural = _("rectification photos")


class Extension(models.Model):
    """An explicit request for a new deadline and its decision: the only thing that moves one."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extension_rows", verbose_name=_("hazard"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    old_due_at = models.DateTimeField(_("deadline before"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("deadline after"), null=True, blank=True)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=Q(decision=""), name="extension_one_pending")]


class Referral(models.Model):
    """移送: the hazard handed to a line department whose powers reach, with a feedback clock."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("hazard"))
    department = models.ForeignKey("grids.Department", on_delete=models.PROTECT, related_name="hazard_referrals",
                                   verbose_name=_("department"))
    reason = models.TextField(_("reason"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent at"))
    feedback_due_at = models.DateTimeField(_("feedback due"))
    feedback_at = models.DateTimeField(_("feedback received"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    penalty_ref = models.CharField(_("penalty reference"), max_length=60, blank=True)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=Q(feedback_at__isnull=True), name="referral_one_open")]
        indexes = [models.Index(fields=["feedback_due_at"], condition=Q(feedback_at__isnull=True), name="referral_open_due")]


class GovernancePlan(models.Model):
    """A major hazard's six-part 治理方案 (16号令 §15) and its evaluation report."""

    PARTS = ("goals", "methods", "funds_materials", "organisation", "time_requirements", "safety_measures")

    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="plan", verbose_name=_("hazard"))
    goals = models.TextField(_("goals and tasks"), blank=True)
    methods = models.TextField(_("methods and measures"), blank=True)
    funds_materials = models.TextField(_("funds and materials"), blank=True)
    organisation = models.TextField(_("organisation and people"), blank=True)
    time_requirements = models.TextField(_("time limit and requirements"), blank=True)
    safety_measures = models.TextField(_("safety measures and emergency plan"), blank=True)
    evaluation_report = models.TextField(_("evaluation report"), blank=True)
    evaluated_by = models.CharField(_("evaluated by (experts or agency)"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("governance plan")
        verbose_name_plural = _("governance plans")

    @property
    def complete(self) -> bool:
        return all(getattr(self, part).strip() for part in self.PARTS)

    @property
    def evaluated(self) -> bool:
        return bool(self.evaluation_report.strip())


class ResumeRequest(models.Model):
    """The enterprise's written request to resume production; the department reviews it in 10 days."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="resume_requests", verbose_name=_("hazard"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    applied_at = models.DateTimeField(_("applied at"))
    note = models.TextField(_("note"), blank=True)
    review_due_at = models.DateTimeField(_("review due"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("resume request")
        verbose_name_plural = _("resume requests")
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=Q(decision=""), name="resume_one_pending")]


class SupervisionLetter(models.Model):
    """督办函: issued by the ladder's red card, once per missed deadline (the unique pair)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="letters", verbose_name=_("hazard"))
    missed = models.PositiveSmallIntegerField(_("missed deadline no."))
    issued_at = models.DateTimeField(_("issued at"))
    due_at = models.DateTimeField(_("deadline missed"))

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision letter")
        verbose_name_plural = _("supervision letters")
        ordering = ["issued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard", "missed"], name="letter_once_per_miss")]
