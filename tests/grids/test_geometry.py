"""Finding the grid cell that contains a point: grids.services.locate_cell and its index."""

from __future__ import annotations

import random
import time

import pytest

from grids import locator
from grids.geometry import derive_extent, parse_polygon
from grids.locator import locate_cell_id
from grids.models import GridCell
from grids.services import grid_cell_save, locate_cell
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_index_between_tests():
    # The index is a process-wide cache; each test starts without one so none sees another's cells.
    locator._index = None
    yield
    locator._index = None


# The world's cells are 0.005° squares with south-west corners at
# a1x (120.000, 36.0), a1y (120.005, 36.0), a2x (120.020, 36.0), b1x (120.040, 36.0).


def test_point_inside_a_cell_finds_that_cell_with_its_community_and_zone(world, django_assert_num_queries):
    cell = locate_cell(latitude=36.0025, longitude=120.0025)
    assert cell == world.cell_a1x
    with django_assert_num_queries(0):
        assert cell.community.zone == world.zone_a


@pytest.mark.parametrize(
    ("lat", "lng", "expected"),
    [
        (36.001, 120.041, "cell_b1x"),
        (36.004, 120.024, "cell_a2x"),
        (36.0049, 120.0099, "cell_a1y"),
    ],
)
def test_each_cell_is_found_from_a_point_inside_it(world, lat, lng, expected):
    assert locate_cell(latitude=lat, longitude=lng) == getattr(world, expected)


@pytest.mark.parametrize(
    ("lat", "lng", "expected"),
    [
        (36.0, 120.0, "cell_a1x"),  # a corner
        (36.0025, 120.0, "cell_a1x"),  # west edge
        (36.005, 120.023, "cell_a2x"),  # north edge
        (36.0025, 120.045, "cell_b1x"),  # east edge
    ],
)
def test_point_on_the_boundary_belongs_to_the_cell(world, lat, lng, expected):
    assert locate_cell(latitude=lat, longitude=lng) == getattr(world, expected)


def test_point_on_an_edge_shared_by_two_cells_belongs_to_one_of_them(world):
    assert locate_cell(latitude=36.0025, longitude=120.005) in (world.cell_a1x, world.cell_a1y)


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (36.0025, 120.015),  # between a1y and a2x
        (36.0051, 120.0025),  # just north of a1x
        (35.0, 120.0),
        (0.0, 0.0),
        (-89.9, -179.9),
    ],
)
def test_point_outside_every_cell_finds_none(world, lat, lng):
    assert locate_cell(latitude=lat, longitude=lng) is None
    assert locate_cell_id(lat, lng) is None


def test_no_cells_at_all_finds_none(db):
    assert locate_cell(latitude=36.0, longitude=120.0) is None


def test_point_in_a_hole_is_outside_the_cell(world):
    outer = [[121.0, 37.0], [121.01, 37.0], [121.01, 37.01], [121.0, 37.01], [121.0, 37.0]]
    hole = [[121.004, 37.004], [121.006, 37.004], [121.006, 37.006], [121.004, 37.006], [121.004, 37.004]]
    ring = f.GridCellFactory(community=world.community_b1, code=f"{world.community_b1.full_code}002",
                             boundary={"type": "Polygon", "coordinates": [outer, hole]})
    assert locate_cell(latitude=37.002, longitude=121.002) == ring
    assert locate_cell(latitude=37.005, longitude=121.005) is None


def test_index_is_rebuilt_after_a_cell_is_added(world):
    assert locate_cell(latitude=36.0025, longitude=120.0125) is None
    new = grid_cell_save(
        GridCell(community=world.community_a1, code=f"{world.community_a1.full_code}003", name="new", boundary=f.square(120.01, 36.0))
    )
    assert locate_cell(latitude=36.0025, longitude=120.0125) == new
    assert locate_cell_id(36.0025, 120.0125) == new.pk


def test_index_is_rebuilt_after_a_cell_boundary_is_edited(world):
    assert locate_cell(latitude=36.0025, longitude=120.0025) == world.cell_a1x
    cell = world.cell_a1x
    cell.boundary = f.square(120.0, 36.01)
    grid_cell_save(cell)
    assert locate_cell(latitude=36.0025, longitude=120.0025) is None
    assert locate_cell(latitude=36.0125, longitude=120.0025) == cell


def test_index_is_rebuilt_after_a_cell_is_deleted(world):
    assert locate_cell(latitude=36.0025, longitude=120.0425) == world.cell_b1x
    world.users.worker_b.grid_cells.clear()
    world.cell_b1x.delete()
    assert locate_cell(latitude=36.0025, longitude=120.0425) is None


def test_locate_cell_is_one_query_while_the_index_is_current(world, django_assert_num_queries):
    locate_cell(latitude=36.0025, longitude=120.0025)  # builds the index
    with django_assert_num_queries(1):
        assert locate_cell(latitude=36.0025, longitude=120.0425) == world.cell_b1x
    with django_assert_num_queries(1):
        assert locate_cell(latitude=30.0, longitude=110.0) is None
    with django_assert_num_queries(1):
        assert locate_cell_id(36.0025, 120.0225) == world.cell_a2x.pk


def test_three_thousand_cells_answer_a_thousand_lookups_through_the_index(db, django_assert_num_queries):
    # Codes are unique and have 3 sequence digits, so 3,000 cells need 3 communities of 1,000.
    zone = f.ZoneFactory()
    communities = [f.CommunityFactory(zone=zone, code=f"{100 + n:03d}") for n in range(3)]
    size = 0.002
    columns = 60  # 60 × 50 = 3,000 cells over 0.12° × 0.1°
    cells = []
    for i in range(3000):
        col, row = i % columns, i // columns
        community = communities[i // 1000]
        cell = GridCell(
            community=community,
            code=f"{community.full_code}{i % 1000:03d}",
            name=f"c{i}",
            boundary=f.square(121.0 + col * size, 30.0 + row * size, size=size),
        )
        derive_extent(cell)
        cells.append(cell)
    GridCell.objects.bulk_create(cells, batch_size=500)
    by_code = dict(GridCell.objects.values_list("code", "pk"))
    assert len(by_code) == 3000

    rng = random.Random(2026)
    points = []
    for _ in range(1000):
        i = rng.randrange(3000)
        col, row = i % columns, i // columns
        # Strictly inside cell i, away from the shared edges.
        lng = 121.0 + col * size + size * rng.uniform(0.05, 0.95)
        lat = 30.0 + row * size + size * rng.uniform(0.05, 0.95)
        points.append((lat, lng, by_code[cells[i].code]))

    started = time.perf_counter()
    locate_cell(latitude=points[0][0], longitude=points[0][1])
    built = time.perf_counter() - started

    started = time.perf_counter()
    found = [locate_cell(latitude=lat, longitude=lng) for lat, lng, _pk in points]
    elapsed = time.perf_counter() - started
    print(f"\nindex over 3,000 cells built in {built * 1000:.0f} ms; 1,000 look-ups in {elapsed * 1000:.0f} ms")

    assert [cell.pk for cell in found] == [pk for _lat, _lng, pk in points]
    for lat, lng, pk in points[:20]:
        with django_assert_num_queries(1):
            assert locate_cell(latitude=lat, longitude=lng).pk == pk
    with django_assert_num_queries(1):
        assert locate_cell(latitude=30.2, longitude=121.0) is None  # north of the whole grid


def test_parse_polygon_returns_the_shape():
    polygon = parse_polygon(f.square(120.0, 36.0, size=0.01))
    assert polygon.area == pytest.approx(0.0001)
    assert polygon.bounds == pytest.approx((120.0, 36.0, 120.01, 36.01))


def test_locate_within_a_scoped_queryset(world, django_assert_num_queries):
    from grids.locator import locate_cell_in

    mine = GridCell.objects.visible_to(world.users.worker)
    assert locate_cell_in(mine, 36.0025, 120.0025) == world.cell_a1x
    with django_assert_num_queries(2):  # the candidate is not in scope; the version is checked alone
        assert locate_cell_in(mine, 36.0025, 120.0425) is None
