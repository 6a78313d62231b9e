"""The FilterSets of the registry and the library, used by both the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.filters import StrictBooleanFilter
from grids.models import Community, GridCell, Zone
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, Sector, TargetKind
from inspections.creditcode import normalise
from inspections.models import Clause, Enterprise, Standard


def _zones(request):
    return Zone.objects.visible_to(request.user) if request else Zone.objects.none()


def _communities(request):
    return Community.objects.visible_to(request.user) if request else Community.objects.none()


def _cells(request):
    return GridCell.objects.visible_to(request.user) if request else GridCell.objects.none()


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    sector = django_filters.ChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("Sector"))
    flag = django_filters.ChoiceFilter(choices=Flag.choices, method="filter_flag", label=_("Flag"))
    risk = django_filters.MultipleChoiceFilter(field_name="risk_level", choices=RiskLevel.choices, label=_("Risk level"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    cell = django_filters.ModelChoiceFilter(field_name="grid_cell", queryset=_cells, label=_("Grid cell"))
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label=_("Status"))
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, label=_("Target kind"))

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "flag", "risk", "zone", "community", "cell", "status", "target_kind"]

    def search(self, queryset, name, value):
        code = normalise(value)
        query = Q(name__icontains=value.strip()) | Q(address__icontains=value.strip())
        if code:
            query |= Q(credit_code__startswith=code)
        return queryset.filter(query)

    def filter_sector(self, queryset, name, value):
        return queryset.with_sector(value)

    def filter_flag(self, queryset, name, value):
        return queryset.with_flag(value)


class ClauseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    standard = django_filters.ModelChoiceFilter(queryset=Standard.objects.all(), label=_("Standard"))
    major = StrictBooleanFilter(field_name="is_major", label=_("Major"))
    current = StrictBooleanFilter(field_name="is_current", label=_("Current version"))

    class Meta:
        model = Clause
        fields = ["q", "standard", "major", "current"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(summary__icontains=value) | Q(number__icontains=value) | Q(standard__name__icontains=value))
