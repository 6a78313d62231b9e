"""Finding the grid cell that contains a point: an STR-tree over prepared polygons that answers
in microseconds for thousands of cells, rebuilt when a cell changes (its version rides along the
query that fetches the cell)."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from django.db.models import Count, DateTimeField, F, Func, IntegerField, Max, Subquery
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import prep

from grids.models import GridCell


@dataclass(frozen=True)
class _Index:
    version: tuple
    tree: STRtree
    ids: list[int]
    prepared: list

    def candidate(self, latitude: float, longitude: float) -> int | None:
        """The id of the indexed cell covering the point (boundary included), or None."""
        point = Point(longitude, latitude)
        for position in self.tree.query(point):
            if self.prepared[position].covers(point):
                return self.ids[position]
        return None


_lock = threading.Lock()
_index: _Index | None = None


def _cells():
    return GridCell.objects.order_by()


def _version_of(n, changed) -> tuple:
    # (number of cells, last change) moves whenever a cell is added, deleted or saved. A bulk
    # `QuerySet.update()` of boundaries does not touch `updated_at`; callers must not do that.
    return (n, changed)


def _current_version() -> tuple:
    agg = _cells().aggregate(n=Count("*"), changed=Max("updated_at"))
    return _version_of(agg["n"], agg["changed"])


@functools.cache
def _version_columns() -> dict:
    """The index version as two scalar subqueries, so it rides along the query fetching a cell."""
    # COUNT/MAX as plain functions (not Django aggregates) so no GROUP BY is added to the subquery.
    count_all = Func(template="COUNT(*)", output_field=IntegerField())
    last_change = Func(F("updated_at"), function="MAX", output_field=DateTimeField())
    return {
        "_index_n": Subquery(_cells().annotate(v=count_all).values("v")[:1], output_field=IntegerField()),
        "_index_changed": Subquery(_cells().annotate(v=last_change).values("v")[:1], output_field=DateTimeField()),
    }


def _build(version: tuple) -> _Index:
    rows = list(_cells().values_list("pk", "boundary"))
    polygons = [shape(boundary) for _pk, boundary in rows]
    return _Index(version=version, tree=STRtree(polygons), ids=[pk for pk, _b in rows], prepared=[prep(p) for p in polygons])


def _fresh_index(version: tuple | None = None) -> _Index:
    """The cached index if it is at `version` (read from the database when not given), else a new one."""
    global _index
    version = _current_version() if version is None else version
    index = _index
    if index is None or index.version != version:
        with _lock:
            index = _index
            if index is None or index.version != version:
                index = _index = _build(version)
    return index


def locate_cell_id(latitude: float, longitude: float) -> int | None:
    """The id of the grid cell containing the point, or None when it lies outside every cell.

    One aggregate query checks that the cached index is current (cells change rarely); the index
    is rebuilt when a cell was added, removed or edited.
    """
    return _fresh_index().candidate(latitude, longitude)


def locate_cell_in(queryset, latitude: float, longitude: float):
    """The cell of `queryset` (a GridCell queryset) containing the point, or None.

    With a current index this is exactly one query: the row of the candidate cell, with the
    index version checked in the same statement. A stale or missing index is rebuilt and the
    look-up repeated once.
    """
    index = _index
    if index is None:
        index = _fresh_index()
    for _attempt in range(2):
        cell_id = index.candidate(latitude, longitude)
        cell = None
        if cell_id is not None:
            # No ORDER BY: the filter is on the primary key.
            cell = next(iter(queryset.filter(pk=cell_id).annotate(**_version_columns()).order_by()), None)
        if cell is not None:
            version = _version_of(cell._index_n, cell._index_changed)
            if version == index.version:
                return cell
        else:
            # Outside every indexed cell, or the candidate is not in `queryset` (or was deleted).
            version = _current_version()
            if version == index.version:
                return None
        index = _fresh_index(version)
    # The cells changed twice under us: answer from the index just built.
    cell_id = index.candidate(latitude, longitude)
    return None if cell_id is None else queryset.filter(pk=cell_id).first()


def cell_finder(cells_by_id: dict):
    """A look-up for a batch (an import): the index is checked once, then each point costs no
    query — `cells_by_id` (id → GridCell) holds the rows the caller loaded in one query."""
    index = _fresh_index()

    def find(latitude: float, longitude: float):
        cell_id = index.candidate(latitude, longitude)
        return None if cell_id is None else cells_by_id.get(cell_id)

    return find
