"""Writes and look-ups of the organisation that other apps call."""

from __future__ import annotations

import math

import shapely
from django.db import transaction
from django.db.models import Max, Min
from shapely.geometry import Point, shape

from grids.locator import locate_cell_in
from grids.models import Community, GridCell


def locate_cell(*, latitude: float, longitude: float) -> GridCell | None:
    """The grid cell containing the WGS84 point (its boundary included), or None outside every cell.

    One query per look-up once the in-memory index is built (grids.geometry).
    """
    return locate_cell_in(GridCell.objects.select_related("community__zone__subdistrict"), latitude, longitude)


@transaction.atomic
def grid_cell_save(cell: GridCell) -> GridCell:
    """Validate (code, boundary, no overlap within the community) and save a grid cell.

    Raises django.core.exceptions.ValidationError naming the field (and the overlapped cell).
    """
    # Lock the community row (only it: no default ordering join) so that two concurrent saves in
    # one community cannot both pass the overlap check.
    list(Community.objects.select_for_update().filter(pk=cell.community_id).order_by().values_list("pk", flat=True))
    cell.full_clean()
    cell.save()
    return cell


M_PER_DEG = 111_320.0  # metres per degree of latitude (and of longitude at the equator)


def distance_to_cell_m(cell: GridCell, *, latitude: float, longitude: float) -> float:
    """Metres from the point to the cell's boundary (0 inside), on a local flat projection: exact
    enough at the few kilometres this is used for."""
    scale_x = M_PER_DEG * math.cos(math.radians(latitude))
    polygon = shapely.transform(shape(cell.boundary), lambda xy: (xy - (longitude, latitude)) * (scale_x, M_PER_DEG))
    return polygon.distance(Point(0, 0))


def within_subdistrict_extent(*, latitude: float, longitude: float) -> bool:
    """Whether the point lies inside the bounding box of all grid cells (one aggregate query)."""
    box = GridCell.objects.aggregate(
        min_lat=Min("min_lat"), max_lat=Max("max_lat"), min_lng=Min("min_lng"), max_lng=Max("max_lng")
    )
    if box["min_lat"] is None:
        return False
    return box["min_lat"] <= latitude <= box["max_lat"] and box["min_lng"] <= longitude <= box["max_lng"]
