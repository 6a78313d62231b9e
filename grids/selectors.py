"""Read models of the organisation for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from grids.choices import Role
from grids.models import Community, Department, DutyShift, GridCell, TrainingSession, User, Zone


def home_summary(user) -> dict:
    """Counts for the home page, each from the scoped querysets the lists use."""
    summary = {
        "zones": Zone.objects.visible_to(user).count(),
        "communities": Community.objects.visible_to(user).count(),
        "cells": GridCell.objects.visible_to(user).count(),
        "workers": User.objects.visible_to(user).grid_workers().count(),
        "trainings": TrainingSession.objects.visible_to(user).filter(starts_at__gte=timezone.now()).count(),
    }
    if user.role == Role.GRID_WORKER:
        summary["my_cells"] = list(user.grid_cells.select_related("community").order_by("code"))
    return summary


def week_start(moment: datetime | None = None) -> datetime:
    """Monday 00:00 local time of the week containing `moment` (default now)."""
    local = timezone.localtime(moment or timezone.now())
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class DutyGap:
    community: Community
    starts_at: datetime
    ends_at: datetime

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def duty_gaps(communities, start: datetime, end: datetime) -> list[DutyGap]:
    """Periods within [start, end) when a community has no officer on duty.

    Every community should have an officer 24 hours a day; this merges each community's shifts
    and returns the uncovered stretches, in one query for all communities.
    """
    communities = list(communities)
    shifts = (
        DutyShift.objects.filter(community__in=communities, ends_at__gt=start, starts_at__lt=end)
        .order_by("community_id", "starts_at")
        .values_list("community_id", "starts_at", "ends_at")
    )
    by_community: dict[int, list[tuple[datetime, datetime]]] = {c.pk: [] for c in communities}
    for community_id, s, e in shifts:
        by_community[community_id].append((s, e))
    gaps: list[DutyGap] = []
    for community in communities:
        cursor = start
        for s, e in by_community[community.pk]:
            if s > cursor:
                gaps.append(DutyGap(community, cursor, min(s, end)))
            cursor = max(cursor, e)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append(DutyGap(community, cursor, end))
    return gaps


def uncovered_hours_by_community(communities, start: datetime, end: datetime) -> dict[int, float]:
    totals: dict[int, float] = {}
    for gap in duty_gaps(communities, start, end):
        totals[gap.community.pk] = totals.get(gap.community.pk, 0.0) + gap.hours
    return totals


def worker_counts_by_kind(queryset) -> dict[str, int]:
    return dict(queryset.grid_workers().values_list("worker_kind").annotate(n=Count("pk")).values_list("worker_kind", "n"))


def active_department(value, *, field: str = "department") -> Department:
    """The active department a form or body names (an object or an id), or a ValidationError on `field`."""
    return parsers.one_of(
        value, Department.objects.filter(is_active=True), field=field,
        missing=_("Choose a department."), unknown=_("Unknown department."),
    )
