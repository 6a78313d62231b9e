"""Boundaries of grid cells: parsing, the stored extent, validation and overlap refusal.

Boundaries are GeoJSON Polygons in WGS84 stored as JSON, so the project runs on SQLite as well
as PostgreSQL without PostGIS. Shapely does the geometry. Finding the cell that contains a point
is grids.locator's (it reads the cells; this module is what the cell model itself calls).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape

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
    """Code prefix, a valid boundary, and no overlap with another cell of the same community.

    Cells of different communities are not compared: the requirement is per community, and a
    community boundary drawn slightly differently by two communities must not block either.
    """
    errors: dict[str, str] = {}
    if cell.community_id and cell.code:
        prefix = cell.community.full_code
        if not cell.code.startswith(prefix):
            errors["code"] = _("A cell code in this community must start with %(prefix)s.") % {"prefix": prefix}
    try:
        polygon = parse_polygon(cell.boundary)
    except ValidationError as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
        polygon = None
    if polygon is not None and cell.community_id:
        min_x, min_y, max_x, max_y = polygon.bounds
        neighbours = (
            type(cell)
            .objects.filter(community_id=cell.community_id, min_lng__lte=max_x, max_lng__gte=min_x, min_lat__lte=max_y, max_lat__gte=min_y)
            .exclude(pk=cell.pk)
            .order_by("code")
            .only("code", "boundary")
        )
        for other in neighbours:
            if polygon.intersection(shape(other.boundary)).area > OVERLAP_TOLERANCE:
                errors["boundary"] = _("The boundary overlaps grid cell %(code)s.") % {"code": other.code}
                break
    if errors:
        raise ValidationError(errors)
