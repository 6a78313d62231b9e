"""FilterSets of the contractors app, used by both the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contractors.choices import VisitStatus
from contractors.models import Contract, ServiceFirm, Visit


def _contracts(request):
    return Contract.objects.visible_to(request.user) if request is not None else Contract.objects.none()


def _firms(request):
    return ServiceFirm.objects.visible_to(request.user) if request is not None else ServiceFirm.objects.none()


class VisitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=VisitStatus.choices, label=_("Status"))
    firm = django_filters.ModelChoiceFilter(queryset=_firms, label=_("Firm"))
    contract = django_filters.ModelChoiceFilter(queryset=_contracts, label=_("Contract"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    flagged = django_filters.BooleanFilter(method="only_flagged", label=_("Flagged (far, short, no position)"))
    planned_after = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte", label=_("Planned from"))
    planned_before = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte", label=_("Planned until"))

    class Meta:
        model = Visit
        fields = ["q", "status", "firm", "contract", "enterprise", "flagged", "planned_after", "planned_before"]

    def search(self, queryset, name, value):
        return queryset.filter(enterprise__name__icontains=value.strip())

    def only_flagged(self, queryset, name, value):
        flagged = Q(far=True) | Q(short=True) | Q(no_position=True)
        return queryset.filter(flagged) if value else queryset.exclude(flagged)
