"""Service plans (一企一策): one per enterprise per contract, versioned.

A change never edits a version: it adds the next one and points the plan at it, so the plan as
agreed on any date stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contractors.models.scoping import FirmScopedQuerySet


class PlanQuerySet(FirmScopedQuerySet):
    firm_path = "contract__firm"

    def for_list(self):
        return self.select_related("contract__firm", "enterprise", "current")


class ServicePlan(models.Model):
    contract = models.ForeignKey("contractors.Contract", on_delete=models.PROTECT, related_name="plans", verbose_name=_("contract"))
    enterprise = models.ForeignKey("inspections.Enterprise", on_delete=models.PROTECT, related_name="service_plans",
                                   verbose_name=_("enterprise"))
    current = models.ForeignKey("contractors.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("current version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["contract", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "enterprise"], name="plan_once_per_contract")]
        indexes = [models.Index(fields=["enterprise", "contract"], name="plan_enterprise")]

    def __str__(self) -> str:
        return f"{self.contract} · {self.enterprise}"


class PlanVersionQuerySet(FirmScopedQuerySet):
    firm_path = "plan__contract__firm"


class PlanVersion(models.Model):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("version"))
    risks = models.TextField(_("risks"), blank=True)
    templates = models.ManyToManyField("inspections.ChecklistTemplate", blank=True, related_name="+",
                                       verbose_name=_("checklists used"))
    visit_dates = models.JSONField(_("visit schedule"), default=list, blank=True)  # ISO dates
    training = models.TextField(_("training for the enterprise's staff"), blank=True)
    targets = models.TextField(_("targets"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"))

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"
