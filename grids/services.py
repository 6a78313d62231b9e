"""Writes and look-ups of the organisation that other apps call."""

from __future__ import annotations

from django.db import transaction

from grids.locator import locate_cell_in
from grids.models import Community, GridCell


def locate_cell(*, latitude: float, longitude: float) -> GridCell | None:
    """The grid cell containing the WGS84 point (its boundary included), or None outside every cell.

    One query per look-up once the in-memory index is built (grids.geometry).
    """
    return locate_cell_in(GridCell.objects.select_related("community__zone"), latitude, longitude)


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
