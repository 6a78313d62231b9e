"""When a refusal to rectify is open: the rule the `refuse` action's guard, the ladder's refusal
rung and the joint meeting's agenda share.

A refusal is "open" while no meeting decision or interview proposal follows it on the hazard's
timeline: the timeline is the record, so a refusal recorded through the `refuse` action and one
recorded by the rectification ladder (two missed deadlines) reach the agenda the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from inspections.choices import HazardEventKind, HazardStatus
from inspections.models import Hazard, HazardEvent

# What ends an open refusal on the hazard's timeline.
RESOLVING_KINDS = (HazardEventKind.MEETING_DECISION, HazardEventKind.INTERVIEW_PROPOSED)
ENDED_STATUSES = (HazardStatus.CLOSED, HazardStatus.VOID)


def _last(kinds, *, field: str = "created_at") -> Subquery:
    return Subquery(HazardEvent.objects.filter(hazard=OuterRef("pk"), kind__in=list(kinds))
                    .order_by("-created_at", "-pk").values(field)[:1])


def hazards_awaiting_interview(now: datetime | None = None) -> QuerySet:
    """Hazards still open whose latest refusal no meeting decision or interview proposal followed."""
    return (
        Hazard.objects.exclude(status__in=ENDED_STATUSES)
        .annotate(last_refused=_last([HazardEventKind.REFUSED]), last_resolved=_last(RESOLVING_KINDS))
        .filter(last_refused__isnull=False)
        .filter(Q(last_resolved__isnull=True) | Q(last_refused__gt=F("last_resolved")))
    )


def open_refusal(hazard: Hazard) -> HazardEvent | None:
    """The hazard's open refusal (the latest REFUSED event with no resolution after it), or None."""
    refusal = HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).order_by("-created_at", "-pk").first()
    if refusal is None:
        return None
    later = Q(created_at__gt=refusal.created_at) | Q(created_at=refusal.created_at, pk__gt=refusal.pk)
    resolved = HazardEvent.objects.filter(later, hazard=hazard, kind__in=RESOLVING_KINDS).exists()
    return None if resolved else refusal
