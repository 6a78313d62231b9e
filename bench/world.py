"""The reference data the generator draws from: the demo organisation and categories, as plain
tuples (no model instances in the hot loop).

`ensure_reference_data()` loads them through the demo seeders (idempotent) so that a fresh,
migrated database becomes the demo sub-district; `load_world()` reads them back.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field

from shapely.geometry import Point, shape

from grids.choices import CommunityPost, Role
from grids.models import Department, GridCell, SubDistrict, User
from incidents.demo.categories import SUBCATEGORIES
from incidents.models import Category

POINTS_PER_CELL = 64


@dataclass
class CellRef:
    id: int
    community_id: int
    zone_id: int
    name: str
    weight: float
    points: list[tuple[str, str]]  # (latitude, longitude) already formatted
    workers: list[int]
    office: list[int]


@dataclass
class CategoryRef:
    id: int
    code: str
    name: str
    domain: str
    severity: str
    self_handle: bool
    department_id: int
    limits: dict[str, tuple[float, str, str, float]]  # stage → (amount, kind, amount as stored "4.00", warn ratio)
    weight: int
    urgent: bool


@dataclass
class World:
    prefix: str
    cells: list[CellRef]
    categories: list[CategoryRef]
    zone_leaders: dict[int, list[int]]
    street: list[int]
    departments: list[int]
    department_names: dict[int, str]
    # (department, zone) → the handlers who serve that zone: its zone team there and central staff
    handlers: dict[tuple[int, int], list[int]] = field(default_factory=dict)


def ensure_reference_data(stdout=None) -> dict[str, int]:
    """The demo organisation and case categories (both seeders are idempotent)."""
    from grids.demo import seed_organisation
    from incidents.demo.categories import seed_categories

    created = dict(seed_organisation(stdout=stdout))
    created["categories"] = seed_categories()
    return created


def _points(boundary: dict, rng: random.Random) -> list[tuple[str, str]]:
    """Points spread inside the cell (rejection sampling in its bounding box)."""
    polygon = shape(boundary)
    min_x, min_y, max_x, max_y = polygon.bounds
    points: list[tuple[str, str]] = []
    tries = 0
    while len(points) < POINTS_PER_CELL and tries < POINTS_PER_CELL * 50:
        tries += 1
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if polygon.contains(Point(x, y)):
            points.append((f"{y:.6f}", f"{x:.6f}"))
    if not points:
        c = polygon.representative_point()
        points.append((f"{c.y:.6f}", f"{c.x:.6f}"))
    return points


def load_world(seed: int) -> World:
    rng = random.Random(f"world:{seed}")
    subdistrict = SubDistrict.objects.order_by("pk").first()
    if subdistrict is None:
        raise SystemExit("No sub-district: the organisation is not loaded.")
    through = User.grid_cells.through
    workers: dict[int, list[int]] = defaultdict(list)
    for user_id, cell_id in (
        through.objects.filter(user__role=Role.GRID_WORKER, user__is_active=True)
        .order_by("user__username").values_list("user_id", "gridcell_id")
    ):
        workers[cell_id].append(user_id)
    office: dict[int, list[int]] = defaultdict(list)
    for user_id, community_id in (
        User.objects.filter(role=Role.COMMUNITY, is_active=True, community_post__in=[CommunityPost.GRID_HEAD, CommunityPost.SPECIALIST])
        .order_by("username").values_list("pk", "community_id")
    ):
        office[community_id].append(user_id)
    zone_leaders: dict[int, list[int]] = defaultdict(list)
    for user_id, zone_id in User.objects.filter(role=Role.ZONE_LEADER, is_active=True).order_by("username").values_list("pk", "zone_id"):
        zone_leaders[zone_id].append(user_id)
    street = list(User.objects.filter(role=Role.STREET, is_active=True).order_by("username").values_list("pk", flat=True))
    cells = []
    for cell in GridCell.objects.select_related("community").order_by("code"):
        zone_id = cell.community.zone_id
        if zone_id not in zone_leaders:
            continue
        # Some cells see far more cases than others (markets, old housing, building sites).
        weight = max(cell.population, 200) * rng.lognormvariate(0, 0.6)
        cells.append(CellRef(
            id=cell.pk, community_id=cell.community_id, zone_id=zone_id, name=cell.name, weight=weight,
            points=_points(cell.boundary, rng), workers=workers.get(cell.pk, []), office=office.get(cell.community_id, []),
        ))
    departments = list(Department.objects.filter(is_active=True).order_by("sort", "slug").values_list("pk", "name"))
    zone_ids = sorted(zone_leaders)
    handlers: dict[tuple[int, int], list[int]] = defaultdict(list)
    for user_id, department_id, zone_id in (
        User.objects.filter(role=Role.DEPARTMENT, is_active=True, department__isnull=False)
        .order_by("username").values_list("pk", "department_id", "zone_id")
    ):
        for zone in [zone_id] if zone_id else zone_ids:
            handlers[department_id, zone].append(user_id)
    weights = {row.code: row.weight for row in SUBCATEGORIES}
    fallback = departments[0][0]
    categories = []
    for category in (
        Category.objects.leaves().filter(is_active=True).select_related("parent").prefetch_related("limits").order_by("sort", "code")
    ):
        limits = {
            limit.stage: (float(limit.amount), limit.kind, f"{limit.amount:.2f}", float(limit.warn_ratio))
            for limit in category.limits.all()
        }
        if len(limits) < 4:
            continue
        categories.append(CategoryRef(
            id=category.pk, code=category.code, name=category.name, domain=category.parent.code,
            severity=category.default_severity, self_handle=category.self_handle_allowed,
            department_id=category.default_department_id or fallback, limits=limits,
            weight=weights.get(category.code, 10),
            urgent=limits["handle"][1] == "urgent_hours",
        ))
    if not cells or not categories or not street:
        raise SystemExit("The organisation or the categories are missing: nothing to generate cases for.")
    return World(
        prefix=subdistrict.case_prefix, cells=cells, categories=categories, zone_leaders=dict(zone_leaders), street=street,
        departments=[pk for pk, _name in departments], department_names=dict(departments), handlers=dict(handlers),
    )


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
