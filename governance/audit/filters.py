"""The audit trail's one FilterSet: by event, person, object, address and time."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.audit.models import AuditEntry, Kind


class IPAddressFilter(django_filters.CharFilter):
    field_class = forms.GenericIPAddressField  # a malformed address is a form error, not a database error


class AuditEntryFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, label=_("Event"))
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("Username"))
    target_type = django_filters.CharFilter(lookup_expr="iexact", label=_("Object type"))
    target_id = django_filters.CharFilter(label=_("Object"))
    ip = IPAddressFilter(label=_("IP address"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = ["kind", "username", "target_type", "target_id", "ip", "since", "until"]
