"""Hazards (隐患), recorded from an inspection item or on their own, on the shared machinery.

The code `YH-2026-000123` comes from the shared gapless numbering; the timeline is append-only
(TimelineEventBase); the state (recorded → confirmed | void) moves only through
`inspections.services.hazards.HAZARD_WORKFLOW`. Territory is denormalised from the enterprise,
like incidents.Incident, so scoping and the list filter on one indexed column.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from casework.models import ClockedBase, PhotoBase, SequenceBase, TimelineEventBase
from grids.models.scoping import ScopedQuerySet
from inspections.choices import (
    OPEN,
    FactorKind,
    HazardEventKind,
    HazardLevel,
    HazardSource,
    HazardStatus,
    MajorBasis,
    RectificationMode,
)
from inspections.models.enterprises import Enterprise, is_safety_office


class HazardQuerySet(ScopedQuerySet):
    """As enterprises: zone, community, cells; a department those of its enterprises (the safety office all)."""

    def for_zone_leader(self, user):
        return self.filter(zone_id=user.zone_id)

    def for_community(self, user):
        return self.filter(community_id=user.community_id)

    def for_grid_worker(self, user):
        return self.filter(grid_cell__in=user.grid_cells.all())

    def for_department(self, user):
        if is_safety_office(user):
            return self
        mine = self.filter(Exists(Enterprise.responsible_departments.through.objects.filter(
            enterprise_id=OuterRef("enterprise_id"), department_id=user.department_id)))
        return mine.filter(zone_id=user.zone_id) if user.zone_id else mine

    def for_list(self):
        return self.select_related("enterprise", "grid_cell", "zone", "clause__standard", "department")


def _any_status(statuses) -> Q:
    """`status = a OR status = b …`: an index predicate that PostgreSQL deparses to itself
    (`status IN (…)` comes back from pg_get_indexdef in another spelling, which bench.loader's
    schema comparison would report) and that a query's `status IN (…)` still implies."""
    return reduce(operator.or_, (Q(status=status) for status in sorted(statuses)))


class Hazard(ClockedBase):
    """A hazard. While its notice's deadline runs, `due_at`/`warn_at`/`escalation` (ClockedBase)
    hold that deadline's clock for the ladder; the columns after `updated_at` keep what the
    rectification measures count (closed on time, recheck failures, 挂牌督办, extensions), so
    each rate is one query."""

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=HazardStatus.choices, default=HazardStatus.RECORDED)
    source = models.CharField(_("source"), max_length=12, choices=HazardSource.choices, default=HazardSource.OFFICE)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("enterprise"))
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="hazards", verbose_name=_("inspection"))
    answer = models.OneToOneField("inspections.InspectionAnswer", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="hazard", verbose_name=_("answer"))
    item = models.ForeignKey("inspections.ChecklistItem", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="hazards", verbose_name=_("check item"))
    clause = models.ForeignKey("inspections.Clause", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards",
                               verbose_name=_("criterion"))
    proposed_level = models.CharField(_("proposed level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    level = models.CharField(_("level"), max_length=10, choices=HazardLevel.choices, blank=True)
    major_basis = models.CharField(_("why major"), max_length=10, choices=MajorBasis.choices, blank=True)
    major_reason = models.CharField(_("external factors"), max_length=500, blank=True)
    factor_kind = models.CharField(_("factor kind"), max_length=12, choices=FactorKind.choices, default=FactorKind.THING)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    department = models.ForeignKey("grids.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards",
                                   verbose_name=_("responsible department"))
    rectification_days = models.PositiveSmallIntegerField(_("rectification days"), default=7)
    grid_cell = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("grid cell"))
    community = models.ForeignKey("grids.Community", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("community"))
    zone = models.ForeignKey("grids.Zone", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("zone"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("confirmed by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # --- the rectification loop (issue 12) ---
    notice = models.ForeignKey("inspections.RectificationNotice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="hazards", verbose_name=_("rectification notice"))
    mode = models.CharField(_("rectification mode"), max_length=10, choices=RectificationMode.choices, blank=True)
    first_due_at = models.DateTimeField(_("deadline as first set"), null=True, blank=True)
    # when the red card falls due: 5 working days after the deadline, at the deadline for a major
    red_at = models.DateTimeField(_("red card due"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    missed_deadlines = models.PositiveSmallIntegerField(_("deadlines missed"), default=0)
    recheck_failures = models.PositiveSmallIntegerField(_("failed rechecks"), default=0)
    recheck_due_at = models.DateTimeField(_("recheck due"), null=True, blank=True)
    # the ladder's flag: the recheck due at recheck_due_at was reported overdue (a later request to
    # close has a later due time, so the flag then no longer covers it)
    recheck_overdue_at = models.DateTimeField(_("recheck reported overdue"), null=True, blank=True)
    # the open referral's feedback clock (Referral.feedback_due_at), kept here for the ladder's query
    referral_due_at = models.DateTimeField(_("department feedback due"), null=True, blank=True)
    referral_overdue_at = models.DateTimeField(_("department feedback reported overdue"), null=True, blank=True)
    production_halted = models.BooleanField(_("production halted"), default=False)
    supervised_at = models.DateTimeField(_("listed for supervision (挂牌督办)"), null=True, blank=True)
    # the automatic refusal (two missed deadlines) was recorded: it is recorded once
    auto_refused_at = models.DateTimeField(_("refusal recorded automatically"), null=True, blank=True)
    refusals = models.PositiveSmallIntegerField(_("refusals recorded"), default=0)
    completed_at = models.DateTimeField(_("rectification completed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["-recorded_at", "-id"], name="hazard_time"),
            models.Index(fields=["zone", "-recorded_at"], name="hazard_zone"),
            models.Index(fields=["community", "-recorded_at"], name="hazard_community"),
            models.Index(fields=["grid_cell", "-recorded_at"], name="hazard_cell"),
            models.Index(fields=["enterprise", "-recorded_at"], name="hazard_enterprise"),
            models.Index(fields=["status", "-recorded_at"], name="hazard_status"),
            # the ladder's query: only hazards whose deadline runs
            models.Index(fields=["due_at"], condition=Q(due_at__isnull=False), name="hazard_due"),
            models.Index(fields=["warn_at"], condition=Q(due_at__isnull=False), name="hazard_warn"),
            models.Index(fields=["recheck_due_at"], condition=Q(recheck_due_at__isnull=False), name="hazard_recheck_due"),
            models.Index(fields=["referral_due_at"], condition=Q(referral_due_at__isnull=False), name="hazard_referral_due"),
            # the hazard measures' "first deadline in the period", read from the index alone on
            # PostgreSQL (hazard_alive_covering, a GiST index there only, serves "alive during the
            # period" the same way: inspections 0012 and 0014)
            models.Index(fields=["first_due_at"], include=["status", "closed_on_time", "zone", "community", "confirmed_at", "id"],
                         condition=Q(first_due_at__isnull=False, confirmed_at__isnull=False), name="hazard_deadlines"),
            # the measures of now (open, overdue, major overdue) per zone, community or sector, read
            # from the index alone (a covering index on PostgreSQL; a plain one on SQLite)
            models.Index(fields=["zone", "community"], include=["status", "due_at", "level", "enterprise", "id"],
                         condition=_any_status(OPEN), name="hazard_open_now"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def shown_level(self) -> str:
        """The confirmed level, else the proposal."""
        return self.level or self.proposed_level


class HazardEvent(TimelineEventBase):
    """One line of a hazard's timeline. Append-only."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events", verbose_name=_("hazard"))
    kind = models.CharField(_("event"), max_length=20, choices=HazardEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=HazardStatus.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        indexes = [models.Index(fields=["hazard", "created_at"], name="hazard_event_time")]


def hazard_photo_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard.recorded_at:%Y/%m}/{instance.hazard.code}/{filename}"


class HazardPhoto(PhotoBase):
    """A “before” photo (the rectification issue adds “after”)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos", verbose_name=_("hazard"))
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path, width_field="width", height_field="height")

    class Meta(PhotoBase.Meta):
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")


class HazardSequence(SequenceBase):
    """The last hazard number handed out per year (YH-2026-000123)."""

    class Meta(SequenceBase.Meta):
        verbose_name = _("hazard number sequence")
        verbose_name_plural = _("hazard number sequences")
