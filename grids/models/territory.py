"""The territory: sub-district → management zones → communities → grid cells, and departments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from grids.choices import CommunityKind, DepartmentKind
from grids.geometry import derive_extent, validate_cell
from grids.models.scoping import ScopedQuerySet


def digits(n: int) -> RegexValidator:
    # format_lazy keeps the message lazy: formatted in the language active when it is shown.
    return RegexValidator(rf"^\d{{{n}}}$", format_lazy(_("Enter exactly {n} digits."), n=n))


class SubDistrict(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # 6-digit district division code + 3-digit sub-district code (unit-grid coding, DB11).
    code = models.CharField(_("code"), max_length=9, unique=True, validators=[digits(9)])
    district_name = models.CharField(_("district"), max_length=100, blank=True)
    case_prefix = models.CharField(
        _("case code prefix"), max_length=8, help_text=_("Letters that start every case code, e.g. XA.")
    )

    class Meta:
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^\d{9}$"), name="subdistrict_code_9_digits")]

    def __str__(self) -> str:
        return self.name


class ZoneQuerySet(ScopedQuerySet):
    def for_zone_leader(self, user) -> ZoneQuerySet:
        return self.filter(pk=user.zone_id)

    def for_community(self, user) -> ZoneQuerySet:
        return self.filter(communities__pk=user.community_id)

    def for_grid_worker(self, user) -> ZoneQuerySet:
        # Their community's zone and the zones of the cells they patrol.
        return self.filter(Q(communities__pk=user.community_id) | Q(communities__cells__workers=user)).distinct()

    def for_department(self, user) -> ZoneQuerySet:
        return self.filter(pk=user.zone_id) if user.zone_id else self


class Zone(models.Model):
    subdistrict = models.ForeignKey(SubDistrict, on_delete=models.PROTECT, related_name="zones", verbose_name=_("sub-district"))
    name = models.CharField(_("name"), max_length=100)
    number = models.PositiveSmallIntegerField(_("number"))
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("leader")
    )

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("management zone")
        verbose_name_plural = _("management zones")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "name"], name="zone_unique_name"),
            models.UniqueConstraint(fields=["subdistrict", "number"], name="zone_unique_number"),
        ]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    def for_zone_leader(self, user) -> CommunityQuerySet:
        return self.filter(zone_id=user.zone_id)

    def for_community(self, user) -> CommunityQuerySet:
        return self.filter(pk=user.community_id)

    def for_grid_worker(self, user) -> CommunityQuerySet:
        return self.filter(Q(pk=user.community_id) | Q(cells__workers=user)).distinct()

    def for_department(self, user) -> CommunityQuerySet:
        return self.filter(zone_id=user.zone_id) if user.zone_id else self


class Community(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="communities", verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=3, validators=[digits(3)], help_text=_("3 digits within the sub-district."))
    kind = models.CharField(_("kind"), max_length=16, choices=CommunityKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    grid_head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("grid head"), help_text=_("The community party secretary."),
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("social governance specialist"),
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["zone__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="community_unique_name"),
            models.CheckConstraint(condition=Q(code__regex=r"^\d{3}$"), name="community_code_3_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_code(self) -> str:
        """The first 12 digits of every grid cell code in this community."""
        return f"{self.zone.subdistrict.code}{self.code}"


class GridCellQuerySet(ScopedQuerySet):
    def for_zone_leader(self, user) -> GridCellQuerySet:
        return self.filter(community__zone_id=user.zone_id)

    def for_community(self, user) -> GridCellQuerySet:
        return self.filter(community_id=user.community_id)

    def for_grid_worker(self, user) -> GridCellQuerySet:
        return self.filter(workers=user)

    def for_department(self, user) -> GridCellQuerySet:
        return self.filter(community__zone_id=user.zone_id) if user.zone_id else self


class GridCell(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="cells", verbose_name=_("community"))
    # 6 district + 3 sub-district + 3 community + 3 sequence.
    code = models.CharField(_("code"), max_length=15, unique=True, validators=[digits(15)])
    name = models.CharField(_("name"), max_length=100)
    # A GeoJSON Polygon in WGS84 (longitude, latitude). Validated by grids.geometry.
    boundary = models.JSONField(_("boundary"))
    # Derived from the boundary on save; the bounding box prefilters point look-ups.
    min_lng = models.FloatField(_("minimum longitude"), editable=False, default=0)
    min_lat = models.FloatField(_("minimum latitude"), editable=False, default=0)
    max_lng = models.FloatField(_("maximum longitude"), editable=False, default=0)
    max_lat = models.FloatField(_("maximum latitude"), editable=False, default=0)
    centroid_lng = models.FloatField(_("centroid longitude"), editable=False, default=0)
    centroid_lat = models.FloatField(_("centroid latitude"), editable=False, default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^\d{15}$"), name="gridcell_code_15_digits")]
        indexes = [
            models.Index(fields=["min_lng", "max_lng", "min_lat", "max_lat"], name="gridcell_bbox"),
            # The point index checks it is current with MAX(updated_at) on every look-up.
            models.Index(fields=["updated_at"], name="gridcell_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        validate_cell(self)

    def save(self, *args, **kwargs) -> None:
        derive_extent(self)
        super().save(*args, **kwargs)


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> DepartmentQuerySet:
        # Departments are reference data every signed-in user needs (to dispatch, to read a case).
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.OTHER)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the language of the page: the English name when English is active and one is set."""
        language = translation.get_language() or ""
        if self.name_en and language.startswith("en"):
            return self.name_en
        return self.name


class ZoneTeam(models.Model):
    """A department's team sunk into a zone; a police station's team in a zone is its police room."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="teams", verbose_name=_("department"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="teams", verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = models.Manager()

    class Meta:
        verbose_name = _("zone team")
        verbose_name_plural = _("zone teams")
        ordering = ["zone__number", "department__sort"]
        constraints = [models.UniqueConstraint(fields=["department", "zone"], name="zoneteam_one_per_zone")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police_room(self) -> bool:
        return self.department.kind == DepartmentKind.POLICE
