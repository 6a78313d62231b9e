"""The FilterSet of joint interviews, used by both the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Department
from inspections.filters import _zones
from inspections.interview_choices import InterviewStatus, Outcome
from inspections.models import JointInterview


class InterviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=InterviewStatus.choices, label=_("Status"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    organiser = django_filters.ModelChoiceFilter(queryset=Department.objects.filter(is_active=True), label=_("Organiser"))
    zone = django_filters.ModelChoiceFilter(field_name="enterprise__zone", queryset=_zones, label=_("Zone"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    hazard = django_filters.NumberFilter(field_name="hazards", label=_("Hazard"))
    proposed_after = django_filters.IsoDateTimeFilter(field_name="proposed_at", lookup_expr="gte", label=_("Proposed from"))
    proposed_before = django_filters.IsoDateTimeFilter(field_name="proposed_at", lookup_expr="lt", label=_("Proposed before"))

    class Meta:
        model = JointInterview
        fields = ["q", "status", "outcome", "organiser", "zone", "enterprise", "hazard", "proposed_after", "proposed_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(enterprise__name__icontains=value))
