"""The enterprise registry (监管对象, 一企一档): who is supervised, where, and how risky.

Sectors and flags are multi-valued; each is a row of a small child table (enterprise, code), so
"the catering enterprises of zone 2" is one indexed EXISTS on PostgreSQL and SQLite alike.
Territory (cell → community → zone) is denormalised like incidents.Incident so that scoping and
the list filter on one indexed column.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from grids.choices import DepartmentKind
from grids.models.people import mask_phone, phone_validator
from grids.models.scoping import ScopedQuerySet
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, RiskMethod, Sector, TargetKind
from inspections.creditcode import is_fictional


def is_safety_office(user) -> bool:
    """A handler of the safety-supervision department (安监办): sees and keeps the whole registry."""
    return bool(user.department_id) and user.department.kind == DepartmentKind.SAFETY


class EnterpriseQuerySet(ScopedQuerySet):
    """Street office and safety office: all; zone leader: the zone; community: the community;
    grid worker: the enterprises in their cells; another department: those it is responsible
    for (a zone team within its zone); contractor staff: none here (issue 13 adds its rule)."""

    def for_zone_leader(self, user) -> EnterpriseQuerySet:
        return self.filter(zone_id=user.zone_id)

    def for_community(self, user) -> EnterpriseQuerySet:
        return self.filter(community_id=user.community_id)

    def for_grid_worker(self, user) -> EnterpriseQuerySet:
        return self.filter(grid_cell__in=user.grid_cells.all())

    def for_department(self, user) -> EnterpriseQuerySet:
        if is_safety_office(user):
            return self
        mine = self.filter(Exists(
            Enterprise.responsible_departments.through.objects.filter(
                enterprise_id=OuterRef("pk"), department_id=user.department_id)
        ))
        return mine.filter(zone_id=user.zone_id) if user.zone_id else mine

    def with_sector(self, code: str) -> EnterpriseQuerySet:
        return self.filter(Exists(EnterpriseSector.objects.filter(enterprise_id=OuterRef("pk"), code=code)))

    def with_flag(self, code: str) -> EnterpriseQuerySet:
        return self.filter(Exists(EnterpriseFlag.objects.filter(enterprise_id=OuterRef("pk"), code=code)))

    def for_list(self) -> EnterpriseQuerySet:
        """What a list row shows: territory names and the sector and flag codes."""
        return self.select_related("grid_cell", "community", "zone").prefetch_related("sector_rows", "flag_rows")


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    principal = models.CharField(_("principal (主要负责人)"), max_length=60, blank=True)
    safety_officer = models.CharField(_("safety officer"), max_length=60, blank=True)
    safety_officer_phone = models.CharField(_("safety officer's phone"), max_length=20, blank=True, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200)
    # Normalised name and address (casefolded, half-width, no spaces or punctuation): the
    # duplicate check "same name + address" compares these, with one index.
    name_key = models.CharField(max_length=200, editable=False, default="")
    address_key = models.CharField(max_length=200, editable=False, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    grid_cell = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("grid cell"))
    community = models.ForeignKey("grids.Community", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("community"))
    zone = models.ForeignKey("grids.Zone", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("zone"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    target_kind = models.CharField(_("target kind"), max_length=10, choices=TargetKind.choices, default=TargetKind.ORDINARY)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.BLUE)
    risk_assessed_on = models.DateField(_("risk assessed on"), null=True, blank=True)
    risk_method = models.CharField(_("risk method"), max_length=10, choices=RiskMethod.choices, blank=True)
    responsible_departments = models.ManyToManyField(
        "grids.Department", blank=True, related_name="enterprises", verbose_name=_("responsible departments")
    )
    status = models.CharField(_("status"), max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["zone", "name"], name="enterprise_zone"),
            models.Index(fields=["community", "name"], name="enterprise_community"),
            models.Index(fields=["grid_cell", "name"], name="enterprise_cell"),
            models.Index(fields=["risk_level", "name"], name="enterprise_risk"),
            models.Index(fields=["status", "name"], name="enterprise_status"),
            models.Index(fields=["name", "id"], name="enterprise_name"),
            models.Index(fields=["name_key", "address_key"], name="enterprise_identity"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_officer_phone(self) -> str:
        return mask_phone(self.safety_officer_phone)

    @property
    def fictional(self) -> bool:
        return is_fictional(self.credit_code)

    @property
    def sector_codes(self) -> list[str]:
        return sorted(row.code for row in self.sector_rows.all())

    @property
    def flag_codes(self) -> list[str]:
        return sorted(row.code for row in self.flag_rows.all())

    @property
    def sector_labels(self) -> list[str]:
        return [str(Sector(code).label) for code in self.sector_codes]

    @property
    def flag_labels(self) -> list[str]:
        return [str(Flag(code).label) for code in self.flag_codes]


class EnterpriseSector(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="sector_rows")
    code = models.CharField(_("sector"), max_length=24, choices=Sector.choices)

    class Meta:
        verbose_name = _("enterprise sector")
        verbose_name_plural = _("enterprise sectors")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="enterprise_sector_once")]
        indexes = [models.Index(fields=["code", "enterprise"], name="enterprise_sector_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class EnterpriseFlag(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="flag_rows")
    code = models.CharField(_("flag"), max_length=24, choices=Flag.choices)

    class Meta:
        verbose_name = _("enterprise flag")
        verbose_name_plural = _("enterprise flags")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="enterprise_flag_once")]
        indexes = [models.Index(fields=["code", "enterprise"], name="enterprise_flag_code")]

    def __str__(self) -> str:
        return self.get_code_display()


__all__ = ["Enterprise", "EnterpriseFlag", "EnterpriseQuerySet", "EnterpriseSector", "is_safety_office"]
