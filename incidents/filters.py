"""The case list filters, shared by the zone/department queues, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Community, Department, GridCell
from incidents.choices import OPEN_STATUSES, Escalation, Severity, Status
from incidents.models import Category, Incident


def _communities(request):
    return Community.objects.visible_to(request.user) if request else Community.objects.none()


def _cells(request):
    return GridCell.objects.visible_to(request.user) if request else GridCell.objects.none()


def _departments(request):
    return Department.objects.filter(is_active=True)


def _categories(request):
    return Category.objects.select_related("parent")


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open only"))
    category = django_filters.ModelChoiceFilter(queryset=_categories, method="filter_category", label=_("Category"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    grid_cell = django_filters.ModelChoiceFilter(queryset=_cells, label=_("Grid cell"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("Department"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    escalation = django_filters.TypedChoiceFilter(choices=Escalation.choices, coerce=int, label=_("Supervision"))
    reported_after = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__gte", label=_("Reported from"))
    reported_before = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__lte", label=_("Reported until"))
    zone = django_filters.NumberFilter(field_name="zone_id", label=_("Zone"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Reported by me"))

    class Meta:
        model = Incident
        fields = ["q", "status", "open", "category", "community", "grid_cell", "department", "severity", "overdue", "escalation"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value) | Q(address__icontains=value))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_category(self, queryset, name, value):
        # A domain selects all its subcategories.
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(due_at__lte=now) if value else queryset.exclude(due_at__lte=now)

    def filter_mine(self, queryset, name, value):
        if not value or not self.request:
            return queryset
        return queryset.filter(reporter=self.request.user)
