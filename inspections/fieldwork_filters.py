"""The FilterSets of inspections and hazards, used by both the pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.filters import DayFilter, StrictBooleanFilter
from grids.models import Department
from inspections import measures
from inspections.choices import (
    CampaignPhase,
    CampaignTheme,
    FactorKind,
    HazardLevel,
    HazardSource,
    HazardStatus,
    InspectionKind,
    InspectionStatus,
    RecheckResult,
    Sector,
)
from inspections.filters import _cells, _communities, _zones
from inspections.models import Campaign, CampaignTarget, Enterprise, Hazard, Inspection


class ChosenOnlySelect(forms.Select):
    """A select over the enterprise registry that renders only the chosen enterprise (and the empty
    choice): the registry grows with the district (25,000 enterprises at a million cases), and
    rendering all of them made the hazard list megabytes long (docs/performance.md, "Enterprise
    safety at scale"). The enterprise page links here with ?enterprise=<pk>; by name, the search
    box finds it."""

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        chosen = [v for v in value if v not in (None, "")]
        if not hasattr(iterator, "queryset"):
            return super().optgroups(name, value, attrs)
        options = [("", iterator.field.empty_label or "")]
        if chosen:
            options += [iterator.choice(obj) for obj in iterator.queryset.filter(pk__in=[v for v in chosen if str(v).isdigit()])]
        groups = []
        for index, (option_value, label) in enumerate(options):
            key = str(getattr(option_value, "value", option_value))
            groups.append((None, [self.create_option(name, option_value, label, key in {str(v) for v in value}, index,
                                                     attrs=attrs)], index))
        return groups


def _enterprises(request):
    return Enterprise.objects.visible_to(request.user) if request else Enterprise.objects.none()


def _campaigns(request):
    return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


class InspectionFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label=_("Campaign"))
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"), widget=ChosenOnlySelect)
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("Status"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    flagged = StrictBooleanFilter(field_name="location_flagged", label=_("Far from the enterprise"))
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte", label=_("Started from"))
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt", label=_("Started before"))
    mine = StrictBooleanFilter(method="filter_mine", label=_("Recorded by me"))

    class Meta:
        model = Inspection
        fields = ["campaign", "enterprise", "kind", "status", "zone", "flagged", "started_after", "started_before", "mine"]

    def filter_mine(self, queryset, name, value):
        if value is None or not self.request:
            return queryset
        mine = Q(created_by=self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)


FIRST_RECHECK_FIELDS = ("first_recheck_from", "first_recheck_until", "first_recheck")


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    proposed_level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Proposed level"))
    factor_kind = django_filters.ChoiceFilter(choices=FactorKind.choices, label=_("Factor kind"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"), widget=ChosenOnlySelect)
    inspection = django_filters.NumberFilter(field_name="inspection_id", label=_("Inspection"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    cell = django_filters.ModelChoiceFilter(field_name="grid_cell", queryset=_cells, label=_("Grid cell"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.filter(is_active=True), label=_("Department"))
    recorded_after = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte", label=_("Recorded from"))
    recorded_before = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="lt", label=_("Recorded before"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("Sector"))
    # The drill-down of the hazard measures (governance.dashboard.hazards): the same conditions
    # (inspections.measures), as hidden fields that the filter form keeps while other filters change.
    # Dates are whole local days, both ends included.
    status_not = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, exclude=True, field_name="status",
                                                     label=_("Status is not"), widget=forms.MultipleHiddenInput)
    live = StrictBooleanFilter(method="filter_live", label=_("Confirmed, not void"), widget=forms.HiddenInput)
    recorded_from = DayFilter(method="day_from", field_name="recorded_at", widget=forms.HiddenInput)
    recorded_until = DayFilter(method="day_until", field_name="recorded_at", widget=forms.HiddenInput)
    confirmed_from = DayFilter(method="day_from", field_name="confirmed_at", widget=forms.HiddenInput)
    confirmed_until = DayFilter(method="day_until", field_name="confirmed_at", widget=forms.HiddenInput)
    closed_from = DayFilter(method="day_from", field_name="closed_at", widget=forms.HiddenInput)
    closed_until = DayFilter(method="day_until", field_name="closed_at", widget=forms.HiddenInput)
    first_due_from = DayFilter(method="day_from", field_name="first_due_at", widget=forms.HiddenInput)
    first_due_until = DayFilter(method="day_until", field_name="first_due_at", widget=forms.HiddenInput)
    supervised_until = DayFilter(method="day_until", field_name="supervised_at", widget=forms.HiddenInput)
    open_on = DayFilter(method="filter_open_on", label=_("Open on"), widget=forms.HiddenInput)
    on_time = StrictBooleanFilter(field_name="closed_on_time", label=_("Closed on time"), widget=forms.HiddenInput)
    noticed = StrictBooleanFilter(field_name="notice", lookup_expr="isnull", exclude=True, label=_("Under a notice"),
                                  widget=forms.HiddenInput)
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"), widget=forms.HiddenInput)
    repeat = StrictBooleanFilter(method="filter_repeat", label=_("Repeat hazard"), widget=forms.HiddenInput)
    first_recheck_from = DayFilter(method="filter_first_recheck", widget=forms.HiddenInput)
    first_recheck_until = DayFilter(method="filter_first_recheck", widget=forms.HiddenInput)
    first_recheck = django_filters.ChoiceFilter(choices=[c for c in RecheckResult.choices if c[0]], method="filter_first_recheck",
                                                label=_("First recheck"), widget=forms.HiddenInput)

    class Meta:
        model = Hazard
        fields = ["q", "status", "level", "proposed_level", "factor_kind", "source", "enterprise", "zone", "community", "cell",
                  "department"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(measures.with_sector(value))

    def filter_live(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(measures.live()) if value else queryset.exclude(measures.live())

    def day_from(self, queryset, name, value):
        return queryset.filter(**{f"{name}__gte": measures.day_start(value)})

    def day_until(self, queryset, name, value):
        return queryset.filter(**{f"{name}__lt": measures.day_start(value + dt.timedelta(days=1))})

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(measures.open_at(measures.day_start(value)))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = measures.overdue(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_repeat(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(measures.repeat()) if value else queryset.exclude(measures.repeat())

    def filter_first_recheck(self, queryset, name, value):
        """The three first-recheck fields act together, once (one annotation of the first recheck):
        the first of them that has a value applies all three."""
        data = self.form.cleaned_data
        if name != next(n for n in FIRST_RECHECK_FIELDS if data.get(n) not in (None, "")):
            return queryset
        queryset = measures.with_first_recheck(queryset).filter(first_recheck_at__isnull=False)
        if data.get("first_recheck_from"):
            queryset = queryset.filter(first_recheck_at__gte=measures.day_start(data["first_recheck_from"]))
        if data.get("first_recheck_until"):
            queryset = queryset.filter(first_recheck_at__lt=measures.day_start(data["first_recheck_until"] + dt.timedelta(days=1)))
        if data.get("first_recheck"):
            queryset = queryset.filter(first_recheck_result=data["first_recheck"])
        return queryset


class CampaignFilter(django_filters.FilterSet):
    """The campaign list's filter, for the page and the API."""

    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    theme = django_filters.ChoiceFilter(choices=CampaignTheme.choices, label=_("Theme"))
    phase = django_filters.MultipleChoiceFilter(choices=CampaignPhase.choices, label=_("Phase"))
    zone = django_filters.ModelChoiceFilter(field_name="zones", queryset=_zones, method="filter_zone", label=_("Zone"))
    running_on = DayFilter(method="filter_running_on", label=_("Running on"))
    starts_after = DayFilter(field_name="starts_on", lookup_expr="gte", label=_("Starts from"))
    starts_before = DayFilter(field_name="starts_on", lookup_expr="lt", label=_("Starts before"))

    class Meta:
        model = Campaign
        fields = ["q", "theme", "phase", "zone", "running_on", "starts_after", "starts_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_zone(self, queryset, name, value):
        """Campaigns whose scope names the zone, or with a target there."""
        return queryset.filter(
            Exists(Campaign.zones.through.objects.filter(campaign_id=OuterRef("pk"), zone_id=value.pk))
            | Exists(CampaignTarget.objects.filter(campaign_id=OuterRef("pk"), enterprise__zone_id=value.pk)))

    def filter_running_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)
