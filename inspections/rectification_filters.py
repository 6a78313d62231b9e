"""The rectification list's one FilterSet (page and API): what is waiting on whom, now."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.choices import Escalation
from inspections.choices import OPEN, RUNNING, HazardLevel, HazardStatus
from inspections.fieldwork_filters import _enterprises
from inspections.filters import _communities, _zones
from inspections.models import Hazard, Referral

QUEUES = [
    ("unserved", _("Notices to serve")),
    ("due_soon", _("Deadline tomorrow")),
    ("overdue", _("Overdue")),
    ("rechecks_due", _("Rechecks to do")),
    ("recheck_overdue", _("Rechecks overdue")),
    ("supervised", _("Listed for supervision (挂牌督办)")),
    ("refused", _("Refusal recorded")),
    ("referred", _("Awaiting department feedback")),
]


def queue_condition(name: str, now) -> Q:
    """The rows of one queue (also what a dashboard counts, with the same condition)."""
    return {
        "unserved": Q(status=HazardStatus.NOTIFIED),
        "due_soon": Q(status__in=RUNNING, escalation=Escalation.WARNING, due_at__gt=now),
        "overdue": Q(status__in=RUNNING, due_at__lte=now),
        "rechecks_due": Q(status__in=[HazardStatus.SUBMITTED, HazardStatus.RECHECKING]),
        "recheck_overdue": Q(status__in=[HazardStatus.SUBMITTED, HazardStatus.RECHECKING], recheck_due_at__lte=now),
        "supervised": Q(supervised_at__isnull=False),
        "refused": Q(refusals__gt=0),
        "referred": Q(Exists(Referral.objects.filter(hazard=OuterRef("pk"), feedback_at__isnull=True))),
    }[name]


class RectificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    queue = django_filters.ChoiceFilter(choices=QUEUES, method="in_queue", label=_("Waiting for"))
    status = django_filters.MultipleChoiceFilter(choices=[(s, HazardStatus(s).label) for s in HazardStatus.values
                                                          if s in OPEN or s == HazardStatus.CLOSED], label=_("Status"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    escalation = django_filters.TypedChoiceFilter(choices=Escalation.choices, coerce=int, label=_("Supervision"))
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("Due before"))

    class Meta:
        model = Hazard
        fields = ["q", "queue", "status", "level", "escalation", "enterprise", "zone", "community", "due_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(enterprise__name__icontains=value) | Q(notice__number__icontains=value))

    def in_queue(self, queryset, name, value):
        return queryset.filter(queue_condition(value, timezone.now()))


def rectification_queryset():
    """The hazards in the loop (open under a notice or not yet, and closed ones), soonest due first."""
    return (Hazard.objects.filter(status__in=[*OPEN, HazardStatus.CLOSED]).select_related("enterprise", "zone", "notice")
            .order_by(F("due_at").asc(nulls_last=True), "-recorded_at", "-pk"))
