"""Boundaries of grid cells: validation, overlap refusal, and finding the cell containing a point.

Boundaries are GeoJSON Polygons in WGS84 stored as JSON, so the project runs on SQLite as well
as PostgreSQL without PostGIS. Shapely does the geometry; an STR-tree over prepared polygons
answers point look-ups in microseconds for thousands of cells.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import prep

# Shared edges are fine; a sliver of this many square degrees (about 1 m²) is noise, more is overlap.
OVERLAP_TOLERANCE = 1e-10


def parse_polygon(geojson):
    """A valid shapely Polygon from a GeoJSON Polygon, or a ValidationError saying why not."""
    if not isinstance(geojson, dict) or geojson.get("type") != "Polygon":
        raise ValidationError({"boundary": _("The boundary must be a GeoJSON Polygon.")})
    try:
        polygon = shape(geojson)
    except Exception:  # shapely raises several types for malformed coordinates
        raise ValidationError({"boundary": _("The boundary's coordinates are malformed.")}) from None
    if polygon.is_empty or not polygon.is_valid:
        raise ValidationError({"boundary": _("The boundary is not a valid polygon (it crosses itself or is empty).")})
    min_x, min_y, max_x, max_y = polygon.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise ValidationError({"boundary": _("Coordinates must be WGS84 longitude, latitude.")})
    return polygon


def derive_extent(cell) -> None:
    polygon = parse_polygon(cell.boundary)
    cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat = polygon.bounds
    centre = polygon.representative_point()
    cell.centroid_lng, cell.centroid_lat = centre.x, centre.y


def validate_cell(cell) -> None:
    """Code format and prefix, and no overlap with another cell of the same community."""
    polygon = parse_polygon(cell.boundary)
    errors = {}
    if cell.community_id and cell.code:
        prefix = cell.community.full_code
        if not cell.code.startswith(prefix):
            errors["code"] = _("A cell code in this community must start with %(prefix)s.") % {"prefix": prefix}
    if cell.community_id:
        min_x, min_y, max_x, max_y = polygon.bounds
        neighbours = (
            type(cell)
            .objects.filter(community_id=cell.community_id, min_lng__lte=max_x, max_lng__gte=min_x, min_lat__lte=max_y, max_lat__gte=min_y)
            .exclude(pk=cell.pk)
            .only("code", "boundary")
        )
        for other in neighbours:
            if polygon.intersection(shape(other.boundary)).area > OVERLAP_TOLERANCE:
                errors["boundary"] = _("The boundary overlaps grid cell %(code)s.") % {"code": other.code}
                break
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class _Index:
    version: tuple
    tree: STRtree
    ids: list[int]
    prepared: list


_lock = threading.Lock()
_index: _Index | None = None


def _current_version(queryset) -> tuple:
    agg = queryset.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return (agg["n"], agg["changed"])


def _build(queryset, version) -> _Index:
    rows = list(queryset.values_list("pk", "boundary"))
    polygons = [shape(boundary) for _pk, boundary in rows]
    return _Index(version=version, tree=STRtree(polygons), ids=[pk for pk, _b in rows], prepared=[prep(p) for p in polygons])


def locate_cell_id(latitude: float, longitude: float) -> int | None:
    """The id of the grid cell containing the point, or None when it lies outside every cell.

    One aggregate query checks that the cached index is current (cells change rarely); the index
    is rebuilt when a cell was added, removed or edited.
    """
    from grids.models import GridCell

    global _index
    queryset = GridCell.objects.all()
    version = _current_version(queryset)
    index = _index
    if index is None or index.version != version:
        with _lock:
            index = _index
            if index is None or index.version != version:
                index = _index = _build(queryset, version)
    point = Point(longitude, latitude)
    for position in index.tree.query(point):
        if index.prepared[position].covers(point):
            return index.ids[position]
    return None
