import pytest

from tests.scoping import assert_api_scoping

pytestmark = pytest.mark.django_db


def test_grid_cells_api_is_scoped_per_role(world, api_for):
    w = world
    every = {c.pk for c in (w.cell_a1x, w.cell_a1y, w.cell_a2x, w.cell_b1x)}
    zone_a = {w.cell_a1x.pk, w.cell_a1y.pk, w.cell_a2x.pk}
    assert_api_scoping(
        api_for,
        vars(w.users),
        list_url="/api/v1/grid-cells/",
        detail_url=lambda pk: f"/api/v1/grid-cells/{pk}/",
        expected={
            "street": every,
            "admin": every,
            "zone_leader": zone_a,
            "zone_leader_b": {w.cell_b1x.pk},
            "community": {w.cell_a1x.pk, w.cell_a1y.pk},
            "worker": {w.cell_a1x.pk},
            "worker_b": {w.cell_b1x.pk},
            "safety": every,
            "safety_a": zone_a,
            "contractor": set(),
        },
        all_ids=every,
    )
