"""Proposed case-list shape: only the joins the queue and the list API show (no reporter, no
assignee), no grid-cell boundary polygons; the category filter resolved to ids in Python (no
join, no OR) and the report dates as local-midnight timestamp ranges (index-friendly)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from incidents.models import Incident


def case_list(user) -> QuerySet:
    return (
        Incident.objects.visible_to(user)
        .select_related("category__parent", "grid_cell", "community", "department")
        .defer("grid_cell__boundary")
        .order_by("-reported_at", "-pk")
    )


def filter_category(self, queryset, name, value):
    ids = [value.pk, *value.children.values_list("pk", flat=True)] if value.parent_id is None else [value.pk]
    return queryset.filter(category_id__in=ids)


def apply() -> None:
    from incidents import selectors
    from incidents.filters import IncidentFilter

    original = selectors.case_list

    def department_aware(user) -> QuerySet:
        # The department queue's cards show the assignee.
        return case_list(user).select_related("assignee") if getattr(user, "department_id", None) else case_list(user)

    department_aware.original = original
    selectors.case_list = department_aware
    IncidentFilter.filter_category = filter_category
    for name, method in (("reported_after", "filter_day_from"), ("reported_before", "filter_day_until")):
        old = IncidentFilter.base_filters[name]
        IncidentFilter.base_filters[name] = django_filters.DateFilter(method=method, field_name="reported_at", label=old.label)
