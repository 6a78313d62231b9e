"""Checklist templates per sector or flag, in versions; a version is immutable once used.

The inspection part marks a version used (`services.checklists.mark_version_used`) when the
first inspection is answered against it; from then on its items are frozen and
`services.checklists.revise_template` makes the next version. Inspections keep the version they
were answered against, so a changed template never rewrites an old answer.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import AnswerType, Comparison, Flag, Sector
from inspections.models.criteria import Clause, CriteriaQuerySet


class ChecklistTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices, blank=True)
    flag = models.CharField(_("flag"), max_length=24, choices=Flag.choices, blank=True)
    description = models.TextField(_("what it covers"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = CriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name=_("template"))
    number = models.PositiveSmallIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    used_at = models.DateTimeField(_("first used at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_once"),
            models.UniqueConstraint(fields=["template"], condition=Q(is_current=True), name="checklist_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def used(self) -> bool:
        return self.used_at is not None

    def delete(self, *args, **kwargs):
        if self.used_at is not None:
            raise ValidationError(_("This checklist version has been used and cannot be deleted."))
        return super().delete(*args, **kwargs)


def _version_used(version_id) -> bool:
    return ChecklistVersion.objects.filter(pk=version_id, used_at__isnull=False).exists()


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2, null=True, blank=True)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    photo_required = models.BooleanField(_("photo required"), default=False)
    clause = models.ForeignKey(
        "inspections.Clause", null=True, blank=True, on_delete=models.PROTECT, related_name="checklist_items",
        verbose_name=_("criterion"),
    )
    rectification_days = models.PositiveSmallIntegerField(_("default rectification days"), default=7)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code_once"),
            models.CheckConstraint(
                condition=Q(answer_type=AnswerType.YES_NO) | (Q(threshold__isnull=False) & ~Q(comparison="")),
                name="checklist_number_has_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def clean(self) -> None:
        if self.answer_type == AnswerType.NUMBER and (self.threshold is None or not self.comparison):
            raise ValidationError({"threshold": _("A numeric item needs a threshold and a comparison.")})

    def passes(self, value) -> bool:
        """Whether a measured number passes the item's threshold."""
        value, limit = Decimal(str(value)), self.threshold
        return {
            Comparison.LTE: value <= limit, Comparison.LT: value < limit, Comparison.GTE: value >= limit,
            Comparison.GT: value > limit, Comparison.EQ: value == limit,
        }[Comparison(self.comparison)]

    def save(self, *args, **kwargs) -> None:
        if _version_used(self.version_id):
            raise ValidationError(_("This checklist version has been used: revise the template to change it."))
        super().save(*args, **kwargs)
        if self.clause_id is not None:
            # An item cites its clause: from now on the clause's content is frozen.
            Clause.objects.filter(pk=self.clause_id, cited_at__isnull=True).update(cited_at=timezone.now())

    def delete(self, *args, **kwargs):
        if _version_used(self.version_id):
            raise ValidationError(_("This checklist version has been used: revise the template to change it."))
        return super().delete(*args, **kwargs)
