"""Pages of the organisation: zones, communities, grid cells (with maps), workers, training, roster.

Every page starts from `visible_to(user)` through ScopedPageMixin (details), FilteredListView
(grids.listing: lists) or `visible()`; out-of-scope objects answer 404 like missing ones. Lists
are filtered by the same FilterSets as the API and declare their joins and counts up front, so
the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from grids import selectors
from grids.access import ScopedPageMixin, visible
from grids.choices import DepartmentKind, Role
from grids.filters import CommunityFilter, GridCellFilter, TrainingSessionFilter, UserFilter, ZoneFilter
from grids.forms import RosterWeekForm, roster_period
from grids.listing import FilteredListView, narrow_choices
from grids.models import Community, DutyShift, GridCell, TrainingAttendance, TrainingSession, User, Zone


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: unlike Count() over a join it is not skewed by the
    joins `visible_to()` adds (a worker's cell queryset joins `workers`, which would otherwise
    make every cell count exactly one worker)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _count(queryset: QuerySet) -> SubqueryCount:
    return SubqueryCount(queryset.order_by().values("pk"))


def _active_workers() -> QuerySet:
    return User.objects.grid_workers().filter(is_active=True)


# --- Maps --------------------------------------------------------------------------------------

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%(layer)s"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s"
)


def map_config() -> dict:
    """Tile layers from settings.MAP_TILES, and the labels map.js shows. Boundaries are drawn
    independently of these layers, so the map still works when tiles cannot load."""
    tiles: list[dict] = []
    if settings.MAP_TILES == "osm":
        tiles.append({
            "url": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            "options": {"subdomains": "abc", "maxZoom": 19, "attribution": OSM_ATTRIBUTION},
        })
    elif settings.MAP_TILES == "tianditu":
        attribution = f'&copy; <a href="https://www.tianditu.gov.cn/">{_("Tianditu")}</a>'
        for layer in ("vec", "cva"):
            tiles.append({
                "url": TIANDITU_URL % {"layer": layer, "key": settings.TIANDITU_KEY},
                "options": {"subdomains": "01234567", "maxZoom": 18, "attribution": attribution},
            })
    return {
        "tiles": tiles,
        "labels": {
            "open": str(_("Open cell page")),
            "community": str(_("Community")),
            "code": str(_("Code")),
            "mine": str(_("My grid cell")),
        },
    }


def my_cell_ids(user) -> set[int]:
    """The cells highlighted as the user's own: a grid worker's assigned cells."""
    if user.role != Role.GRID_WORKER:
        return set()
    return set(user.grid_cells.values_list("pk", flat=True))


def cell_features(cells, mine: set[int]) -> dict:
    """A GeoJSON FeatureCollection for the map, each feature marked as the user's own or not."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": cell.pk,
                "geometry": cell.boundary,
                "properties": {
                    "name": cell.name,
                    "code": cell.code,
                    "community": cell.community.name,
                    "url": reverse("grids:cell-detail", args=[cell.pk]),
                    "mine": cell.pk in mine,
                },
            }
            for cell in cells
        ],
    }


def map_context(cells, user) -> dict:
    cells = list(cells)
    mine = my_cell_ids(user)
    return {
        "map_config": map_config(),
        "map_cells": cell_features(cells, mine),
        "mine_count": sum(1 for c in cells if c.pk in mine),
        "other_count": sum(1 for c in cells if c.pk not in mine),
    }


# --- Zones ---------------------------------------------------------------------------------------


class ZoneListView(FilteredListView):
    template_name = "grids/zone_list.html"
    filterset_class = ZoneFilter
    queryset = Zone.objects.select_related("leader").annotate(
        community_count=_count(Community.objects.filter(zone=OuterRef("pk"))),
        cell_count=_count(GridCell.objects.filter(community__zone=OuterRef("pk"))),
        worker_count=_count(_active_workers().filter(community__zone=OuterRef("pk"))),
    ).order_by("number")


class ZoneDetailView(ScopedPageMixin, DetailView):
    template_name = "grids/zone_detail.html"
    queryset = Zone.objects.select_related("leader", "subdistrict")
    context_object_name = "zone"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        zone, user = self.object, self.request.user
        communities = list(
            visible(Community, user).filter(zone=zone).select_related("grid_head").annotate(
                cell_count=_count(GridCell.objects.filter(community=OuterRef("pk"))),
                worker_count=_count(_active_workers().filter(community=OuterRef("pk"))),
            )
        )
        start, end = roster_period()
        uncovered = selectors.uncovered_hours_by_community(communities, start, end)
        for community in communities:
            community.uncovered_hours = uncovered.get(community.pk, 0.0)
        teams = list(zone.teams.select_related("department").order_by("department__sort", "department__name"))
        context.update(
            communities=communities,
            teams=teams,
            police_room=next((t for t in teams if t.department.kind == DepartmentKind.POLICE), None),
            cell_total=visible(GridCell, user).filter(community__zone=zone).count(),
            worker_total=visible(User, user).grid_workers().filter(is_active=True, community__zone=zone).count(),
            roster_start=start,
        )
        return context


# --- Communities ---------------------------------------------------------------------------------


class CommunityListView(FilteredListView):
    template_name = "grids/community_list.html"
    filterset_class = CommunityFilter
    queryset = Community.objects.select_related("zone", "grid_head", "specialist").annotate(
        cell_count=_count(GridCell.objects.filter(community=OuterRef("pk"))),
        worker_count=_count(_active_workers().filter(community=OuterRef("pk"))),
    ).order_by("zone__number", "code")


class CommunityDetailView(ScopedPageMixin, DetailView):
    template_name = "grids/community_detail.html"
    queryset = Community.objects.select_related("zone", "grid_head", "specialist")
    context_object_name = "community"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community, user = self.object, self.request.user
        cells = list(
            visible(GridCell, user).filter(community=community).select_related("community").annotate(
                worker_count=_count(_active_workers().filter(grid_cells=OuterRef("pk")))
            )
        )
        workers = (
            visible(User, user).grid_workers().filter(is_active=True, community=community)
            .prefetch_related(Prefetch("grid_cells", queryset=visible(GridCell, user).order_by("code")))
            .order_by("username")
        )
        start = selectors.week_start()
        end = start + timedelta(days=7)
        shifts = (
            visible(DutyShift, user).filter(community=community, ends_at__gt=start, starts_at__lt=end)
            .select_related("officer").order_by("starts_at")
        )
        gaps = selectors.duty_gaps([community], start, end)
        context.update(
            cells=cells,
            workers=workers,
            shifts=shifts,
            gaps=gaps,
            uncovered_hours=sum(g.hours for g in gaps),
            week_start=start,
            week_end=end - timedelta(days=1),
            **map_context(cells, user),
        )
        return context


# --- Grid cells ----------------------------------------------------------------------------------


class CellListView(FilteredListView):
    template_name = "grids/cell_list.html"
    filterset_class = GridCellFilter
    queryset = GridCell.objects.select_related("community__zone").annotate(
        worker_count=_count(_active_workers().filter(grid_cells=OuterRef("pk")))
    ).order_by("code")


class CellDetailView(ScopedPageMixin, DetailView):
    template_name = "grids/cell_detail.html"
    queryset = GridCell.objects.select_related("community__zone")
    context_object_name = "cell"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cell, user = self.object, self.request.user
        context.update(
            workers=visible(User, user).filter(is_active=True, grid_cells=cell).select_related("community").order_by("username"),
            **map_context([cell], user),
        )
        return context


class CellMapView(LoginRequiredMixin, TemplateView):
    """Every cell the user may see on one map; a grid worker's own cells stand out."""

    template_name = "grids/cell_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = visible(GridCell, user).select_related("community").order_by("code")
        filterset = narrow_choices(GridCellFilter(self.request.GET, queryset=queryset, request=self.request))
        context.update(filter=filterset, **map_context(filterset.qs, user))
        return context


# --- Workers -------------------------------------------------------------------------------------


class WorkerListView(FilteredListView):
    """The worker directory; grid workers unless another role (or all, `role=`) is asked for."""

    template_name = "grids/worker_list.html"
    filterset_class = UserFilter
    queryset = User.objects.filter(is_active=True).select_related("community__zone", "zone", "department")

    def filter_data(self):
        data = self.request.GET.copy()
        if "role" not in data:
            data["role"] = Role.GRID_WORKER
        return data

    def get_queryset(self) -> QuerySet:
        cells = visible(GridCell, self.request.user).order_by("code")
        return super().get_queryset().prefetch_related(Prefetch("grid_cells", queryset=cells)).order_by("username")


class WorkerDetailView(ScopedPageMixin, DetailView):
    template_name = "grids/worker_detail.html"
    queryset = User.objects.filter(is_active=True).select_related("community__zone", "zone", "department")
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person, user = self.object, self.request.user
        attendances = list(
            person.training_attendances.filter(session__in=visible(TrainingSession, user))
            .select_related("session").order_by("-session__starts_at")
        )
        context.update(
            cells=visible(GridCell, user).filter(workers=person).select_related("community").order_by("code"),
            attendances=attendances,
            hours_attended=sum(a.session.hours for a in attendances if a.attended),
        )
        return context


# --- Training ------------------------------------------------------------------------------------


class TrainingListView(FilteredListView):
    template_name = "grids/training_list.html"
    filterset_class = TrainingSessionFilter
    queryset = TrainingSession.objects.select_related("zone").annotate(
        registered_count=_count(TrainingAttendance.objects.filter(session=OuterRef("pk"))),
        attended_count=_count(TrainingAttendance.objects.filter(session=OuterRef("pk"), attended=True)),
    ).order_by("-starts_at")


class TrainingDetailView(ScopedPageMixin, DetailView):
    template_name = "grids/training_detail.html"
    queryset = TrainingSession.objects.select_related("zone").annotate(
        registered_count=_count(TrainingAttendance.objects.filter(session=OuterRef("pk"))),
        attended_count=_count(TrainingAttendance.objects.filter(session=OuterRef("pk"), attended=True)),
    )
    context_object_name = "session"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The totals above count everyone; the names listed are only people the user may see.
        context["attendances"] = (
            self.object.attendances.filter(user__in=visible(User, self.request.user))
            .select_related("user__community").order_by("user__username")
        )
        return context


# --- Duty roster ---------------------------------------------------------------------------------


class RosterView(LoginRequiredMixin, TemplateView):
    """Seven days of police duty per community, and the hours nobody is on duty."""

    template_name = "grids/roster.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = RosterWeekForm(self.request.GET or None, initial={"start": timezone.localdate()})
        start, end = form.period()
        shifts = visible(DutyShift, user).filter(ends_at__gt=start, starts_at__lt=end).select_related("officer")
        base = visible(Community, user).select_related("zone").order_by("zone__number", "code")
        community_filter = narrow_choices(CommunityFilter(self.request.GET, queryset=base, request=self.request))
        communities = list(
            community_filter.qs.prefetch_related(
                Prefetch("duty_shifts", queryset=shifts.order_by("starts_at"), to_attr="week_shifts")
            )
        )
        gaps_by_community: dict[int, list] = defaultdict(list)
        for gap in selectors.duty_gaps(communities, start, end):
            gaps_by_community[gap.community.pk].append(gap)
        rows = [
            {
                "community": c,
                "shifts": c.week_shifts,
                "gaps": gaps_by_community.get(c.pk, []),
                "uncovered_hours": sum(g.hours for g in gaps_by_community.get(c.pk, [])),
            }
            for c in communities
        ]
        context.update(
            form=form,
            filter=community_filter,
            rows=rows,
            start=start,
            last_day=end - timedelta(days=1),
            with_gaps=sum(1 for r in rows if r["gaps"]),
            previous_start=(start - timedelta(days=7)).date(),
            next_start=end.date(),
        )
        return context
