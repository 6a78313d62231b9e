"""The criteria library (判定依据): standards and their clauses, versioned.

A clause that has been cited (by a checklist item now, by a hazard later) is never edited in
place: its content is frozen and a change is a new version that supersedes it
(`inspections.services.criteria.revise_clause`). `save()` refuses a content change to a cited
clause, so the admin, a shell and a service all meet the same rule.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What a citation freezes; valid_until and is_current still move when a new version supersedes it.
FROZEN_FIELDS = ("standard_id", "number", "summary", "sectors", "flags", "is_major", "valid_from", "version")


class CriteriaQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Reference data every signed-in user reads (an inspector picks a clause).
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class Standard(models.Model):
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("document number"), max_length=100, unique=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)

    objects = CriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["-in_force_from", "number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Clause(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="clauses", verbose_name=_("standard"))
    number = models.CharField(_("clause number"), max_length=40)
    summary = models.TextField(_("summary"))
    # Sector and flag codes (inspections.choices) the clause applies to; empty: every enterprise.
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    is_major = models.BooleanField(_("major hazard if failed"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by",
        verbose_name=_("supersedes"), editable=False,
    )
    is_current = models.BooleanField(_("current"), default=True, editable=False)
    # Set the first time something cites the clause (services.criteria.cite_clause); from then
    # on its content is frozen.
    cited_at = models.DateTimeField(_("first cited at"), null=True, blank=True, editable=False)

    objects = CriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["standard_id", "number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number", "version"], name="clause_version_once"),
            models.UniqueConstraint(fields=["standard", "number"], condition=Q(is_current=True), name="clause_one_current"),
        ]
        indexes = [models.Index(fields=["is_current", "is_major"], name="clause_current")]

    def __str__(self) -> str:
        return f"{self.standard.number} {self.number} (v{self.version})"

    @property
    def cited(self) -> bool:
        return self.cited_at is not None

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Clause.objects.filter(pk=self.pk).values(*FROZEN_FIELDS, "cited_at").first()
            if stored and stored["cited_at"] is not None:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise ValidationError(
                        _("This clause has been cited and cannot be edited: make a new version that supersedes it.")
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.cited_at is not None:
            raise ValidationError(_("This clause has been cited and cannot be deleted."))
        return super().delete(*args, **kwargs)
