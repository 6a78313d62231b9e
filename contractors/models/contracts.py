"""Contracts (政府购买服务合同): amount, period, scope, visit frequency, deliverables, payment
milestones, the KPI weights and the pay rule.

A milestone is paid once: `services.contracts.pay_milestone` locks the contract and flips
`paid_at` with a conditional update, so two clerks pressing "paid" at once pay it once.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contractors.choices import (
    DEFAULT_GEOFENCE_M,
    DEFAULT_MIN_VISIT_MINUTES,
    DEFAULT_MISS_PENALTY,
    DEFAULT_PASS_MARK,
    DEFAULT_WEIGHTS,
    DEFAULT_WITHHOLD_PERCENT,
)
from contractors.models.scoping import FirmScopedQuerySet


def default_weights() -> dict:
    return {str(k): v for k, v in DEFAULT_WEIGHTS.items()}


class Contract(models.Model):
    firm = models.ForeignKey("contractors.ServiceFirm", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("firm"))
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deliverables = models.TextField(_("deliverables"), blank=True)
    enterprises = models.ManyToManyField("inspections.Enterprise", through="ContractEnterprise", related_name="contracts",
                                         verbose_name=_("enterprises served"))
    # the KPI scheme: points per line (SAFETY.md §8.4 by default), the miss penalty, the pay rule
    weights = models.JSONField(_("KPI weights"), default=default_weights)
    miss_penalty = models.DecimalField(_("points per missed major hazard"), max_digits=5, decimal_places=2,
                                       default=DEFAULT_MISS_PENALTY)
    pass_mark = models.DecimalField(_("pay in full from (points)"), max_digits=5, decimal_places=2, default=DEFAULT_PASS_MARK)
    withhold_percent = models.DecimalField(_("withheld below it (%)"), max_digits=5, decimal_places=2,
                                           default=DEFAULT_WITHHOLD_PERCENT)
    min_visit_minutes = models.PositiveSmallIntegerField(_("minimum visit (minutes)"), default=DEFAULT_MIN_VISIT_MINUTES)
    geofence_m = models.PositiveIntegerField(_("visit geofence (m)"), default=DEFAULT_GEOFENCE_M)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FirmScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_period_order"),
        ]

    def __str__(self) -> str:
        return self.number

    def weight(self, key: str) -> Decimal:
        return Decimal(str(self.weights.get(str(key), DEFAULT_WEIGHTS.get(key, 0))))


class ContractEnterpriseQuerySet(FirmScopedQuerySet):
    firm_path = "contract__firm"


class ContractEnterprise(models.Model):
    """One enterprise in a contract's scope, with its visit frequency (e.g. 4 a year for a key target)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="scope_rows", verbose_name=_("contract"))
    enterprise = models.ForeignKey("inspections.Enterprise", on_delete=models.PROTECT, related_name="contract_rows",
                                   verbose_name=_("enterprise"))
    visits_per_year = models.PositiveSmallIntegerField(_("visits a year"), default=4)

    objects = ContractEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise served")
        verbose_name_plural = _("enterprises served")
        constraints = [models.UniqueConstraint(fields=["contract", "enterprise"], name="contract_enterprise_once")]
        indexes = [models.Index(fields=["enterprise", "contract"], name="contract_scope_enterprise")]


class MilestoneQuerySet(FirmScopedQuerySet):
    firm_path = "contract__firm"


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("contract"))
    title = models.CharField(_("title"), max_length=120)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    due_on = models.DateField(_("due on"))
    condition = models.CharField(_("condition"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (¥)"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("paid by"))

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        ordering = ["contract", "due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]

    def __str__(self) -> str:
        return self.title
