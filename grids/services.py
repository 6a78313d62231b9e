"""Writes and look-ups of the organisation that other apps call."""

from __future__ import annotations

from django.db import transaction

from grids.geometry import locate_cell_id
from grids.models import GridCell


def locate_cell(*, latitude: float, longitude: float) -> GridCell | None:
    """The grid cell containing the WGS84 point, or None when it lies outside every cell."""
    cell_id = locate_cell_id(latitude, longitude)
    if cell_id is None:
        return None
    return GridCell.objects.select_related("community__zone").get(pk=cell_id)


@transaction.atomic
def grid_cell_save(cell: GridCell) -> GridCell:
    """Validate (code, boundary, no overlap within the community) and save a grid cell."""
    # Lock the community so two concurrent saves cannot both pass the overlap check.
    from grids.models import Community

    Community.objects.select_for_update().filter(pk=cell.community_id).first()
    cell.full_clean()
    cell.save()
    return cell
