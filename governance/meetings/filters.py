"""One FilterSet per listed model of the joint meetings, used by both the pages and the API."""

import django_filters

from governance.meetings.models import AgendaItem, Decision, Meeting


class MeetingFilter(django_filters.FilterSet):
    class Meta:
        model = Meeting
        fields = ["kind", "status", "year"]


class AgendaItemFilter(django_filters.FilterSet):
    class Meta:
        model = AgendaItem
        fields = ["meeting", "reason", "incident"]


class DecisionFilter(django_filters.FilterSet):
    class Meta:
        model = Decision
        fields = ["lead_department", "item__meeting"]
