"""Case categories in two levels (the six domains and their subcategories) with stage limits."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casework.choices import LimitKind
from incidents.choices import Severity, Stage


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> CategoryQuerySet:
        # Reference data: every signed-in user reads the category tree.
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def domains(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=True)

    def leaves(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=False)


class Category(models.Model):
    """A domain (parent is empty) or a subcategory, which is what a case is filed under."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("domain")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    default_department = models.ForeignKey(
        "grids.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("default department"),
    )
    default_severity = models.CharField(_("default severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    # Self-handling is offered to grid workers only for categories where it is safe.
    self_handle_allowed = models.BooleanField(_("may be fixed on the spot"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Open311: offered to outside reporting clients (GET services), and whether a case's exact point
    # is kept from the public (PIPL: stability, petitions, …): then it is shown rounded, without address.
    open311_public = models.BooleanField(
        _("open to public reports (Open311)"), default=False,
        help_text=_("Listed to Open311 clients (hotline, city apps) as a service the public may report."),
    )
    sensitive_location = models.BooleanField(
        _("sensitive location"), default=False,
        help_text=_("The public Open311 read shows this category's cases only at a rounded point and without their address."),
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.display_name if self.parent_id is None else f"{self.parent.display_name} / {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the language of the page: the English name when English is active and one is set."""
        language = translation.get_language() or ""
        if self.name_en and language.startswith("en"):
            return self.name_en
        return self.name

    @property
    def is_domain(self) -> bool:
        return self.parent_id is None


class StageLimit(models.Model):
    """How long one stage of a case in this category may take, and when to warn."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="limits", verbose_name=_("category"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    amount = models.DecimalField(_("limit"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    kind = models.CharField(_("unit"), max_length=16, choices=LimitKind.choices)
    warn_ratio = models.DecimalField(
        _("warn at"), max_digits=3, decimal_places=2, default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("0.99"))],
        help_text=_("Share of the limit used when the case is flagged as due soon, e.g. 0.80."),
    )

    class Meta:
        verbose_name = _("stage time limit")
        verbose_name_plural = _("stage time limits")
        constraints = [
            models.UniqueConstraint(fields=["category", "stage"], name="stagelimit_one_per_stage"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="stagelimit_amount_positive"),
            models.CheckConstraint(condition=Q(warn_ratio__gt=0, warn_ratio__lt=1), name="stagelimit_warn_ratio_range"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.get_stage_display()}: {self.amount} {self.get_kind_display()}"
