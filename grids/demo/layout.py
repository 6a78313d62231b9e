"""The demo territory as plain data: zones, their communities and their grid cells with boundaries.

The cells are a jittered lattice over a stretch of the Qingdao West Coast: every lattice corner
is moved a little at random, and neighbouring cells share their corners, so the cells tile the
area edge to edge without overlap. A zone is a rectangular block of the lattice and is cut into
rectangular blocks, one per community, so communities and zones are contiguous.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from grids.demo import data

COLUMNS, ROWS = 12, 10
WEST, EAST, SOUTH, NORTH = 120.10, 120.25, 35.90, 36.02
# How far (as a share of a cell's width and height) a lattice corner may move. Below 0.25 each
# cell stays a simple quadrilateral and neighbours cannot overlap.
JITTER = 0.2


@dataclass(frozen=True)
class Block:
    """Columns [col, col + cols) and rows [row, row + rows) of the lattice; row 0 is the south edge."""

    col: int
    row: int
    cols: int
    rows: int

    def cells(self) -> list[tuple[int, int]]:
        """(col, row) of each cell, north-west first, as a map is read."""
        return [(c, r) for r in reversed(range(self.row, self.row + self.rows)) for c in range(self.col, self.col + self.cols)]

    def split(self, parts: int) -> list[Block]:
        """Cut into `parts` rectangles of about equal size, across the longer side each time."""
        if parts == 1:
            return [self]
        first = parts // 2
        if self.cols >= self.rows:
            width = min(max(round(self.cols * first / parts), 1), self.cols - 1)
            a, b = Block(self.col, self.row, width, self.rows), Block(self.col + width, self.row, self.cols - width, self.rows)
        else:
            # North part first, so community numbers run from north to south.
            height = min(max(round(self.rows * first / parts), 1), self.rows - 1)
            top = self.row + self.rows - height
            a, b = Block(self.col, top, self.cols, height), Block(self.col, self.row, self.cols, self.rows - height)
        return a.split(first) + b.split(parts - first)


# Each zone's block of the lattice and how many communities it holds (4 + 5 + 4 + 6 + 6 = 25).
ZONE_BLOCKS: tuple[tuple[Block, int], ...] = (
    (Block(0, 5, 4, 5), 4),
    (Block(4, 5, 4, 5), 5),
    (Block(8, 5, 4, 5), 4),
    (Block(0, 0, 6, 5), 6),
    (Block(6, 0, 6, 5), 6),
)


@dataclass
class CellPlan:
    code: str
    name: str
    boundary: dict
    households: int
    population: int


@dataclass
class CommunityPlan:
    code: str
    name: str
    kind: str
    address: str
    cells: list[CellPlan] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(c.households for c in self.cells)

    @property
    def population(self) -> int:
        return sum(c.population for c in self.cells)


@dataclass
class ZonePlan:
    number: int
    name: str
    office_address: str
    communities: list[CommunityPlan] = field(default_factory=list)


def _corners(rng: random.Random) -> dict[tuple[int, int], tuple[float, float]]:
    width, height = (EAST - WEST) / COLUMNS, (NORTH - SOUTH) / ROWS
    corners = {}
    for i in range(COLUMNS + 1):
        for j in range(ROWS + 1):
            dx, dy = rng.uniform(-JITTER, JITTER), rng.uniform(-JITTER, JITTER)
            # Rounded once here, so the cells sharing a corner share exactly the same numbers.
            corners[i, j] = (round(WEST + (i + dx) * width, 6), round(SOUTH + (j + dy) * height, 6))
    return corners


def _polygon(corners, col: int, row: int) -> dict:
    ring = [corners[col, row], corners[col + 1, row], corners[col + 1, row + 1], corners[col, row + 1], corners[col, row]]
    return {"type": "Polygon", "coordinates": [[list(point) for point in ring]]}


def territory_plan() -> list[ZonePlan]:
    """The five zones with their communities and cells; the same every time it is called."""
    rng = random.Random(data.SEED)
    corners = _corners(rng)
    low, high = data.PERSONS_PER_HOUSEHOLD
    names = iter(data.COMMUNITIES)
    zones: list[ZonePlan] = []
    number = 0
    for zone_number, (block, parts) in enumerate(ZONE_BLOCKS, start=1):
        zone_name = data.ZONE_NAMES[zone_number - 1]
        office = f"{data.SUBDISTRICT['name']}{zone_name}服务中心（{data.ROADS[zone_number - 1]}{10 + zone_number * 7}号）"
        zone = ZonePlan(zone_number, zone_name, office)
        for community_block in block.split(parts):
            number += 1
            name, kind = next(names)
            code = f"{number:03d}"
            road = data.ROADS[rng.randrange(len(data.ROADS))]
            community = CommunityPlan(code, name, kind, f"{data.SUBDISTRICT['name']}{road}{rng.randint(1, 299)}号")
            few, many = data.HOUSEHOLDS_PER_CELL[kind]
            for seq, (col, row) in enumerate(community_block.cells(), start=1):
                households = rng.randint(few, many)
                community.cells.append(
                    CellPlan(
                        code=f"{data.SUBDISTRICT['code']}{code}{seq:03d}",
                        name=f"{name}第{seq}网格",
                        boundary=_polygon(corners, col, row),
                        households=households,
                        population=round(households * rng.uniform(low, high)),
                    )
                )
            zone.communities.append(community)
        zones.append(zone)
    return zones
