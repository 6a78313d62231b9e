"""Case factories: a category tree with stage limits, cases brought to any status through the
services (`case_in`), plain rows for read-only tests, and photo bytes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from casework.choices import LimitKind
from grids.choices import Role
from grids.models import User
from incidents import services
from incidents.choices import Action, Stage, Status
from incidents.models import Category, Incident, StageLimit
from tests import factories as f

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Shanghai (no DST there, so a fixed offset is exact)."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.LazyAttribute(lambda o: f"类别{o.code}")
    parent = None


class StageLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageLimit

    category = factory.SubFactory(CategoryFactory)
    stage = Stage.HANDLE
    amount = Decimal("4")
    kind = LimitKind.WORKING_HOURS
    warn_ratio = Decimal("0.80")


@dataclass
class Categories:
    safety: Category  # domain 大安全
    urban: Category  # domain 大城管
    gas: Category  # safety / gas smell → safety supervision, working-hour limits
    fire_exit: Category  # safety / blocked fire exit → working-day handle limit
    rubbish: Category  # urban / exposed rubbish → urban management, may be fixed on the spot


def category_tree(world) -> Categories:
    safety = CategoryFactory(code="safety", name="大安全", name_en="Safety", sort=1)
    urban = CategoryFactory(code="urban", name="大城管", name_en="Urban management", sort=2)
    gas = CategoryFactory(code="gas-smell", name="燃气异味", parent=safety, default_department=world.safety, default_severity="major")
    fire_exit = CategoryFactory(code="fire-exit-blocked", name="消防通道堵塞", parent=safety, default_department=world.safety)
    rubbish = CategoryFactory(
        code="exposed-rubbish", name="暴露垃圾", parent=urban, default_department=world.urban, self_handle_allowed=True
    )
    wh, wd = LimitKind.WORKING_HOURS, LimitKind.WORKING_DAYS
    for category, limits in (
        (gas, {Stage.REGISTER: (4, wh), Stage.DISPATCH: (2, wh), Stage.HANDLE: (4, wh), Stage.VERIFY: (1, wd)}),
        (fire_exit, {Stage.REGISTER: (1, LimitKind.URGENT_HOURS), Stage.DISPATCH: (1, wd), Stage.HANDLE: (3, wd), Stage.VERIFY: (1, wd)}),
        (rubbish, {Stage.REGISTER: (1, wd), Stage.DISPATCH: (1, wd), Stage.HANDLE: (2, wd), Stage.VERIFY: (1, wd)}),
    ):
        for stage, (amount, kind) in limits.items():
            StageLimitFactory(category=category, stage=stage, amount=Decimal(amount), kind=kind)
    return Categories(safety, urban, gas, fire_exit, rubbish)


def centre(cell) -> tuple[float, float]:
    """(latitude, longitude) of the middle of a cell's (square) boundary."""
    ring = cell.boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2


# --- photos ---------------------------------------------------------------------------------

def jpeg_bytes(size: tuple[int, int] = (64, 48), *, gps: bool = False, colour=(200, 80, 40)) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (36.0, 0.0, 7.5), 3: "E", 4: (120.0, 0.0, 7.5)}  # GPS IFD
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def upload(content: bytes | None = None, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, content_type=content_type)


# --- cases through the services ---------------------------------------------------------------

# The path from a new report to each status (SELF_HANDLED is reported that way instead).
PATHS: dict[str, list[str]] = {
    Status.REPORTED: [],
    Status.SELF_HANDLED: [],
    Status.REGISTERED: [Action.REGISTER],
    Status.REJECTED: [Action.REJECT],
    Status.DISPATCHED: [Action.REGISTER, Action.DISPATCH],
    Status.ACCEPTED: [Action.REGISTER, Action.DISPATCH, Action.ACCEPT],
    Status.HANDLED: [Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.HANDLE],
    Status.VERIFIED: [Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.HANDLE, Action.VERIFY],
    Status.CLOSED: [Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.HANDLE, Action.VERIFY, Action.CLOSE],
    Status.DISPUTED: [Action.REGISTER, Action.DISPUTE],
    Status.SUSPENDED: [Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.SUSPEND],
    Status.VOID: [Action.REGISTER, Action.VOID],
}


def valid_params(action: str, department) -> dict:
    """Input that makes each action valid (the table and guards decide whether it is allowed)."""
    return {
        Action.REJECT: {"reason": "Not within the sub-district's remit"},
        Action.DISPATCH: {"department": department.pk},
        Action.RETURN: {"reason": "Not ours: a gas company matter"},
        Action.HANDLE: {"result": "Valve closed and pipe repaired"},
        Action.VERIFY: {"passed": True},
        Action.DISPUTE: {"reason": "Two departments claim it is the other's"},
        Action.REQUEST_EXTENSION: {"days": 2, "reason": "Waiting for a spare part"},
        Action.REFUSE_EXTENSION: {"reason": "Fix it with what you have"},
        Action.SUSPEND: {"reason": "Owner abroad until next month"},
        Action.VOID: {"reason": "Filed twice by mistake"},
        Action.WITHDRAW: {"reason": "Someone else already reported it"},
        Action.COMMENT: {"note": "Seen again this morning"},
    }.get(action, {})


def leader_of(incident) -> User:
    leader = User.objects.filter(role=Role.ZONE_LEADER, zone_id=incident.zone_id, is_active=True).order_by("pk").first()
    return leader or User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()


def handler_of(department, zone_id: int) -> User:
    handlers = User.objects.filter(role=Role.DEPARTMENT, department=department, is_active=True)
    return handlers.filter(Q(zone__isnull=True) | Q(zone_id=zone_id)).order_by("zone_id", "pk").first()


def verifier_of(incident) -> User:
    worker = User.objects.filter(role=Role.GRID_WORKER, grid_cells=incident.grid_cell_id, is_active=True).order_by("pk").first()
    return worker or leader_of(incident)


def case_in(
    status: str,
    world,
    cats: Categories,
    *,
    category: Category | None = None,
    cell=None,
    reporter=None,
    department=None,
    now: dt.datetime | None = None,
    step: dt.timedelta = dt.timedelta(minutes=10),
    extension_pending: bool = False,
) -> Incident:
    """A case in `status`, reported in `cell` (default: worker's cell) and moved there by the
    people whose job each step is; with `now`, step i happens at now + i × step."""
    cell = cell or world.cell_a1x
    reporter = reporter or world.users.worker
    department = department or world.safety
    fixed = status == Status.SELF_HANDLED
    category = category or (cats.rubbish if fixed else cats.gas)
    latitude, longitude = centre(cell)
    incident = services.report_incident(
        reporter=reporter, category=category.pk, description=f"{category.name}: found on patrol", latitude=latitude,
        longitude=longitude, fixed_on_spot=fixed, photos=[upload()] if fixed else None, now=now,
    )
    actions = list(PATHS[status]) + ([Action.REQUEST_EXTENSION] if extension_pending else [])
    for i, action in enumerate(actions, start=1):
        if action in (Action.ACCEPT, Action.HANDLE, Action.RETURN, Action.REQUEST_EXTENSION):
            actor = handler_of(department, incident.zone_id)
        elif action == Action.VERIFY:
            actor = verifier_of(incident)
        else:
            actor = leader_of(incident)
        at = now + i * step if now else None
        incident = services.apply_action(incident.pk, actor=actor, action=action, params=valid_params(action, department), now=at)
    incident.refresh_from_db()
    assert incident.status == status and incident.extension_pending == extension_pending
    return incident


# --- plain rows (reads only: lists, filters, scoping, the sweep) ----------------------------------

class IncidentFactory(factory.django.DjangoModelFactory):
    """A case row written directly, for tests of reads; moves go through `case_in`."""

    class Meta:
        model = Incident

    code = factory.Sequence(lambda n: f"TX2026{n:06d}")
    category = factory.LazyFunction(lambda: Category.objects.filter(parent__isnull=False).order_by("pk").first())
    description = factory.Sequence(lambda n: f"case number {n}")
    grid_cell = factory.SubFactory(f.GridCellFactory)
    community = factory.LazyAttribute(lambda o: o.grid_cell.community)
    zone = factory.LazyAttribute(lambda o: o.grid_cell.community.zone)
    reporter = factory.LazyFunction(lambda: User.objects.filter(role=Role.GRID_WORKER).order_by("pk").first())
    reported_at = factory.LazyFunction(timezone.now)
    status = Status.REPORTED


def bulk_running(n: int, *, cell, category: Category, department, reporter, due_at: dt.datetime, warn_at: dt.datetime | None = None,
                 status: str = Status.DISPATCHED, stage: str = Stage.HANDLE) -> list[int]:
    """`n` cases whose handle clock runs until `due_at`, written in one statement; their ids."""
    start = Incident.objects.count()
    rows = [
        Incident(
            code=f"BK2026{start + i:06d}", category=category, description=f"bulk case {i}", grid_cell=cell,
            community_id=cell.community_id, zone_id=cell.community.zone_id, reporter=reporter, department=department,
            status=status, stage=stage, due_at=due_at, warn_at=warn_at or due_at - dt.timedelta(hours=1),
            reported_at=due_at - dt.timedelta(days=2),
        )
        for i in range(n)
    ]
    Incident.objects.bulk_create(rows)
    return list(Incident.objects.filter(code__in=[row.code for row in rows]).order_by("pk").values_list("pk", flat=True))
