"""Service firms (第三方安全技术服务机构): identity, qualifications, contacts and staff.

A member of staff may have a login (role contractor staff): that account is how the portal knows
whose firm's rows to show. The pension-insurance proof is one row per person and month: the rule
counts as employees only people with contributions paid for 3+ months at the firm (SAFETY.md §3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contractors.models.scoping import FirmScopedQuerySet


class FirmQuerySet(FirmScopedQuerySet):
    firm_path = "pk"


class ServiceFirm(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("service firm")
        verbose_name_plural = _("service firms")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class FirmChildQuerySet(FirmScopedQuerySet):
    firm_path = "firm"


class Qualification(models.Model):
    firm = models.ForeignKey(ServiceFirm, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("firm"))
    certificate = models.CharField(_("certificate"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=40, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = FirmChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["firm", "certificate", "pk"]

    def __str__(self) -> str:
        return self.certificate


class FirmContact(models.Model):
    firm = models.ForeignKey(ServiceFirm, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("firm"))
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = FirmChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["firm", "pk"]

    def __str__(self) -> str:
        return self.name


class FirmStaff(models.Model):
    firm = models.ForeignKey(ServiceFirm, on_delete=models.CASCADE, related_name="staff", verbose_name=_("firm"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="firm_staff", verbose_name=_("login"))
    name = models.CharField(_("name"), max_length=60)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    title = models.CharField(_("qualification title"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = FirmChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["firm", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class PensionQuerySet(FirmScopedQuerySet):
    firm_path = "staff__firm"


def pension_path(instance, filename: str) -> str:
    return f"contractors/pension/{instance.month:%Y/%m}/{instance.staff_id}/{filename}"


class PensionProof(models.Model):
    """One month's pension-insurance proof for one person (养老保险缴纳证明)."""

    staff = models.ForeignKey(FirmStaff, on_delete=models.CASCADE, related_name="pension_proofs", verbose_name=_("staff member"))
    month = models.DateField(_("month"))  # the first day of the month
    document = models.FileField(_("proof"), upload_to=pension_path, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("pension-insurance proof")
        verbose_name_plural = _("pension-insurance proofs")
        ordering = ["staff", "-month"]
        constraints = [models.UniqueConstraint(fields=["staff", "month"], name="pension_proof_once")]

    def __str__(self) -> str:
        return f"{self.staff} {self.month:%Y-%m}"

