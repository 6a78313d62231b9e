"""Spot checks (抽查): the safety office re-inspects a random sample of the enterprises a firm
visited in the last 30 days; a major hazard found there that the firm's visit missed (漏判) is
counted against the firm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contractors.choices import SpotCheckResult
from contractors.models.scoping import FirmScopedQuerySet


class SpotCheckQuerySet(FirmScopedQuerySet):
    def for_contractor(self, user):
        # a firm learns of a check once it is done: knowing the draw beforehand, it could visit
        # the enterprise first and record the hazards as its own findings
        return super().for_contractor(user).filter(checked_at__isnull=False)

    def for_list(self):
        return self.select_related("firm", "enterprise", "visit", "contract")


class SpotCheck(models.Model):
    firm = models.ForeignKey("contractors.ServiceFirm", on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("firm"))
    contract = models.ForeignKey("contractors.Contract", on_delete=models.PROTECT, related_name="spot_checks",
                                 verbose_name=_("contract"))
    enterprise = models.ForeignKey("inspections.Enterprise", on_delete=models.PROTECT, related_name="spot_checks",
                                   verbose_name=_("enterprise"))
    visit = models.ForeignKey("contractors.Visit", on_delete=models.PROTECT, related_name="spot_checks",
                              verbose_name=_("the firm's visit checked"))
    sample = models.CharField(_("sample"), max_length=40)  # the draw it came from, e.g. "2026-12-02 #3"
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    hazards = models.ManyToManyField("inspections.Hazard", blank=True, related_name="spot_checks",
                                     verbose_name=_("hazards found at the check"))
    missed_major = models.PositiveSmallIntegerField(_("major hazards missed"), default=0)
    result = models.CharField(_("result"), max_length=8, choices=SpotCheckResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-drawn_at", "-pk"]
        indexes = [models.Index(fields=["contract", "checked_at"], name="spotcheck_contract_time")]

    def __str__(self) -> str:
        return f"{self.firm} · {self.enterprise} · {self.sample}"
