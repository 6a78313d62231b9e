"""The street office's own pages: the per-role home page, a to-do list first (governance.home)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from governance.home.headline import warm_headline
from governance.home.selectors import todo_items
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
    if user.sees_everything:
        counts = selectors.worker_counts_by_kind(visible(User, user).filter(is_active=True))
        return {
            "headline": warm_headline(user),
            "workers_by_kind": [(label, counts.get(value, 0)) for value, label in WorkerKind.choices],
            "gap_communities": [c for c in _communities_with_duty(user) if c.uncovered_hours],
        }
    if user.role in (Role.ZONE_LEADER, Role.COMMUNITY):
        return {"duty_communities": _communities_with_duty(user)}
    if user.role == Role.DEPARTMENT:
        teams = ZoneTeam.objects.filter(department_id=user.department_id).select_related("zone")
        if user.zone_id:
            teams = teams.filter(zone_id=user.zone_id)
        return {"teams": list(teams.order_by("zone__number"))}
    return {}


@login_required
def home(request):
    user = request.user
    context = {"todo": todo_items(user), "summary": selectors.home_summary(user), **_role_context(user)}
    return render(request, "governance/home.html", context)
