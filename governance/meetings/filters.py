"""One FilterSet per listed model of the joint meetings, used by both the pages and the API.

The id filters choose among what the user may see (`visible_to`): an id out of scope is refused
exactly like an id that does not exist, so the filters cannot be used to probe which ids exist.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from governance.meetings.models import AgendaItem, Decision, Meeting
from grids.models import Department
from incidents.models import Incident


def _meetings(request):
    return Meeting.objects.visible_to(request.user) if request else Meeting.objects.none()


def _incidents(request):
    return Incident.objects.visible_to(request.user) if request else Incident.objects.none()


class MeetingFilter(django_filters.FilterSet):
    class Meta:
        model = Meeting
        fields = ["kind", "status", "year"]


class AgendaItemFilter(django_filters.FilterSet):
    meeting = django_filters.ModelChoiceFilter(queryset=_meetings, label=_("Meeting"))
    incident = django_filters.ModelChoiceFilter(queryset=_incidents, label=_("Case"))

    class Meta:
        model = AgendaItem
        fields = ["meeting", "reason", "incident"]


class DecisionFilter(django_filters.FilterSet):
    lead_department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Lead department"))
    item__meeting = django_filters.ModelChoiceFilter(queryset=_meetings, label=_("Meeting"))

    class Meta:
        model = Decision
        fields = ["lead_department", "item__meeting"]
