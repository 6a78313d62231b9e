"""The street office's own pages: the per-role home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grids import selectors
from grids.access import visible
from grids.choices import Role, WorkerKind
from grids.forms import roster_period
from grids.models import Community, User, ZoneTeam


def _communities_with_duty(user) -> list:
    """The user's communities, each with `uncovered_hours` over the coming 7 days."""
    communities = list(visible(Community, user).select_related("zone").order_by("zone__number", "code"))
    start, end = roster_period()
    uncovered = selectors.uncovered_hours_by_community(communities, start, end)
    for community in communities:
        community.uncovered_hours = uncovered.get(community.pk, 0.0)
    return communities


def _role_context(user) -> dict:
    role = user.role
    if user.sees_everything:
        communities = _communities_with_duty(user)
        counts = selectors.worker_counts_by_kind(visible(User, user).filter(is_active=True))
        return {
            "workers_by_kind": [(label, counts.get(value, 0)) for value, label in WorkerKind.choices],
            "gap_communities": [c for c in communities if c.uncovered_hours],
        }
    if role == Role.ZONE_LEADER:
        return {"duty_communities": _communities_with_duty(user)}
    if role == Role.COMMUNITY:
        return {"duty_communities": _communities_with_duty(user)}
    if role == Role.DEPARTMENT:
        teams = ZoneTeam.objects.filter(department_id=user.department_id).select_related("zone")
        if user.zone_id:
            teams = teams.filter(zone_id=user.zone_id)
        return {"teams": list(teams.order_by("zone__number"))}
    return {}


@login_required
def home(request):
    user = request.user
    context = {"summary": selectors.home_summary(user), **_role_context(user)}
    return render(request, "governance/home.html", context)
