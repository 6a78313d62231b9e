"""The FilterSets of inspections and hazards, used by both the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.filters import StrictBooleanFilter
from grids.models import Department
from inspections.choices import FactorKind, HazardLevel, HazardSource, HazardStatus, InspectionKind, InspectionStatus
from inspections.filters import _cells, _communities, _zones
from inspections.models import Enterprise, Hazard, Inspection


def _enterprises(request):
    return Enterprise.objects.visible_to(request.user) if request else Enterprise.objects.none()


class InspectionFilter(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("Status"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    flagged = StrictBooleanFilter(field_name="location_flagged", label=_("Far from the enterprise"))
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte", label=_("Started from"))
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt", label=_("Started before"))
    mine = StrictBooleanFilter(method="filter_mine", label=_("Recorded by me"))

    class Meta:
        model = Inspection
        fields = ["enterprise", "kind", "status", "zone", "flagged", "started_after", "started_before", "mine"]

    def filter_mine(self, queryset, name, value):
        if value is None or not self.request:
            return queryset
        mine = Q(created_by=self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    proposed_level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Proposed level"))
    factor_kind = django_filters.ChoiceFilter(choices=FactorKind.choices, label=_("Factor kind"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))
    inspection = django_filters.NumberFilter(field_name="inspection_id", label=_("Inspection"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    cell = django_filters.ModelChoiceFilter(field_name="grid_cell", queryset=_cells, label=_("Grid cell"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.filter(is_active=True), label=_("Department"))
    recorded_after = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte", label=_("Recorded from"))
    recorded_before = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="lt", label=_("Recorded before"))

    class Meta:
        model = Hazard
        fields = ["q", "status", "level", "proposed_level", "factor_kind", "source", "enterprise", "zone", "community", "cell",
                  "department"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value) | Q(enterprise__name__icontains=value))
