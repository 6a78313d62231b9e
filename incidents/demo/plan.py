"""Plans of demo cases: who does what to a case, and when, from report to close.

A plan is a list of steps with times drawn around the category's stage limits (mostly on time,
some late, a few stuck for weeks) and one of several paths through the loop (plain, rejected,
void, fixed on the spot, rework, returned once or twice, disputed, extension, suspension). The
history runner (incidents.demo.history) cuts every plan at the real now and replays the steps
through the services, so what is left open, overdue or disputed follows from the times alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from casework.calendar import WorkCalendar
from casework.choices import LimitKind
from grids.models import Department, GridCell, User
from incidents.choices import Action, Severity, Stage
from incidents.demo import texts

REPORT = "report"
MINUTE = timedelta(minutes=1)

# Paths through the loop and how often a case takes each (fixed-on-the-spot cases only where the
# category allows it; the others fall back to the plain path).
PATHS: tuple[tuple[str, float], ...] = (
    ("plain", 0.68),
    ("reject", 0.04),
    ("void", 0.02),
    ("self_handled", 0.05),
    ("rework", 0.05),
    ("return_once", 0.05),
    ("return_twice", 0.02),
    ("dispute", 0.02),
    ("extension", 0.05),
    ("suspend", 0.04),
)
LATE_SHARE = 0.07  # a stage finished late, by a fraction of its limit
STUCK_SHARE = 0.05  # a case with one stage left lying for days or weeks
COMMENT_SHARE = 0.08
STAFF_REPORT_SHARE = 0.05  # reported by the community office (a call, a visit) instead of a patrol
# The joint meetings of the last weeks are the meetings demo's (governance.meetings.demo: four past
# weekly meetings and this week's): a disputed case whose meeting falls in them is left disputed
# here, for that demo to decide or put on this week's agenda. Older meetings are replayed here.
MEETINGS_DEMO_WEEKS = 5


@dataclass
class Step:
    at: datetime
    action: str  # REPORT or an Action
    actor: User
    params: dict = field(default_factory=dict)


@dataclass
class CasePlan:
    category: CategoryInfo
    cell: CellInfo
    path: str
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryInfo:
    pk: int
    code: str
    domain: str
    severity: str
    self_handle: bool
    department: Department
    limits: dict  # stage → (amount, kind)
    weight: int

    @property
    def urgent(self) -> bool:
        return self.limits[Stage.HANDLE][1] == LimitKind.URGENT_HOURS


@dataclass
class CellInfo:
    cell: GridCell
    zone_id: int
    workers: list[User]
    leader: User
    office: list[User]  # the community's grid head and specialist
    polygon: object  # shapely Polygon


@dataclass
class Cast:
    """Who acts in the demo: zone leaders, handlers per (department, zone), the street office."""

    street: User
    handlers: dict[tuple[int, int], list[User]]
    departments: list[Department]

    def handlers_of(self, department: Department, zone_id: int) -> list[User]:
        return self.handlers.get((department.pk, zone_id), [])


class Planner:
    def __init__(self, *, rng: random.Random, cal: WorkCalendar, cast: Cast, now: datetime) -> None:
        self.rng = rng
        self.cal = cal
        self.cast = cast
        self.now = now

    # --- time ------------------------------------------------------------------------------

    def due(self, start: datetime, category: CategoryInfo, stage: str) -> datetime:
        amount, kind = category.limits[stage]
        return self.cal.add(start, amount, kind)

    def office_hours(self, at: datetime, category: CategoryInfo) -> datetime:
        """Officials act in working time, except on urgent cases."""
        if category.urgent:
            return at
        return self.cal.add(at, Decimal("0.05"), LimitKind.WORKING_HOURS)

    def finish(self, start: datetime, category: CategoryInfo, stage: str, *, stuck: bool = False) -> datetime:
        """When a stage started at `start` is finished: mostly in time, sometimes late, or stuck."""
        due = self.due(start, category, stage)
        window = due - start
        r = self.rng.random()
        if stuck:
            at = due + timedelta(hours=self.rng.uniform(30, 24 * 25))
        elif r < LATE_SHARE:
            at = due + window * self.rng.uniform(0.05, 0.9)
        else:
            at = start + window * self.rng.uniform(0.08, 0.85)
        return max(self.office_hours(at, category), start + MINUTE)

    def soon(self, start: datetime, category: CategoryInfo, hours: tuple[float, float]) -> datetime:
        """A short while later, in working time."""
        at = start + timedelta(hours=self.rng.uniform(*hours))
        return max(self.office_hours(at, category), start + MINUTE)

    def next_meeting(self, after: datetime) -> datetime | None:
        """The weekly joint meeting (Wednesday 09:00) that decides a disputed case: the first one at
        least a day later, or, for a hard case, one of the next few. None when that meeting is one
        of the meetings demo's (MEETINGS_DEMO_WEEKS) or still to come: the case stays disputed."""
        local = timezone.localtime(after) + timedelta(days=1)
        days = (2 - local.weekday()) % 7 + 7 * self.rng.choice((0, 0, 0, 1, 2, 4))
        meeting = local.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=days)
        this_monday = timezone.localtime(self.now).replace(hour=0, minute=0, second=0, microsecond=0)
        this_monday -= timedelta(days=this_monday.weekday())
        if meeting >= this_monday - timedelta(weeks=MEETINGS_DEMO_WEEKS - 1):
            return None
        return meeting

    # --- people ----------------------------------------------------------------------------

    def handler(self, department: Department, zone_id: int) -> User:
        return self.rng.choice(self.cast.handlers_of(department, zone_id))

    def wrong_department(self, zone_id: int, *exclude: Department) -> Department:
        excluded = {d.pk for d in exclude}
        choices = [d for d in self.cast.departments if d.pk not in excluded and self.cast.handlers_of(d, zone_id)]
        return self.rng.choice(choices)

    # --- plans -----------------------------------------------------------------------------

    def draw_path(self, category: CategoryInfo) -> str:
        path = self.rng.choices([p for p, _ in PATHS], [share for _, share in PATHS])[0]
        if path == "self_handled" and not category.self_handle:
            return "plain"
        return path

    def plan(self, category: CategoryInfo, cell: CellInfo, t0: datetime, *, path: str | None = None,
             reporter: User | None = None) -> CasePlan:
        rng = self.rng
        path = path or self.draw_path(category)
        plan = CasePlan(category=category, cell=cell, path=path)
        stuck = rng.choice((Stage.REGISTER, Stage.DISPATCH, Stage.HANDLE, Stage.VERIFY)) if rng.random() < STUCK_SHARE else None
        staff = reporter is None and path != "self_handled" and cell.office and rng.random() < STAFF_REPORT_SHARE
        if reporter is None:
            reporter = rng.choice(cell.office) if staff else rng.choice(cell.workers)
        severity = category.severity
        if severity in (Severity.MINOR, Severity.GENERAL) and rng.random() < 0.1:
            severity = Severity.GENERAL if severity == Severity.MINOR else Severity.MAJOR
        lng, lat = self.point(cell)
        steps = plan.steps
        steps.append(Step(t0, REPORT, reporter, {
            "category": category.pk, "severity": severity, "latitude": lat, "longitude": lng,
            "description": rng.choice(texts.DESCRIPTIONS[category.code]).format(place=rng.choice(texts.PLACES)),
            "address": f"{cell.cell.community.name}{rng.choice(texts.PLACES)}",
            "fixed_on_spot": path == "self_handled", "source": "staff" if staff else "grid_worker",
        }))
        leader = cell.leader

        def add(at: datetime, action: str, actor: User, **params) -> datetime:
            at = max(at, steps[-1].at + MINUTE)
            steps.append(Step(at, action, actor, params))
            return at

        if path == "self_handled":
            add(self.finish(t0, category, Stage.REGISTER), Action.CONFIRM, leader, note="已核实，现场已处理。")
            return plan
        t = self.finish(t0, category, Stage.REGISTER, stuck=stuck == Stage.REGISTER)
        if path == "reject":
            add(t, Action.REJECT, leader, reason=rng.choice(texts.REJECT_REASONS))
            return plan
        if path == "void" and rng.random() < 0.5:
            add(t, Action.VOID, leader, reason=rng.choice(texts.VOID_REASONS))
            return plan
        t = add(t, Action.REGISTER, leader)
        if rng.random() < COMMENT_SHARE:
            add(self.soon(t, category, (0.1, 1)), Action.COMMENT, leader, note=rng.choice(texts.COMMENTS))
        if path == "void":
            add(self.soon(t, category, (0.5, 6)), Action.VOID, leader, reason=rng.choice(texts.VOID_REASONS))
            return plan
        department = category.department
        if path in ("dispute", "return_twice"):
            if path == "dispute":
                t = add(self.finish(t, category, Stage.DISPATCH), Action.DISPUTE, leader, reason=texts.DISPUTE_REASONS[0])
            else:
                # Returned twice: disputed on its own.
                t, wrong = self._returned(add, t, category, cell, department)
                t, _ = self._returned(add, t, category, cell, department, wrong)
            meeting = self.next_meeting(t)
            if meeting is None:
                return plan
            t = add(meeting, Action.DISPATCH, self.cast.street, department=department.pk, note=texts.MEETING_NOTES)
        else:
            if path == "return_once":
                t, _ = self._returned(add, t, category, cell, department)
            t = add(self.finish(t, category, Stage.DISPATCH, stuck=stuck == Stage.DISPATCH), Action.DISPATCH, leader,
                    department=department.pk)
        handler = self.handler(department, cell.zone_id)
        t = self._handle(add, t, category, handler, leader, path, stuck=stuck == Stage.HANDLE)
        verifier = reporter if reporter in cell.workers else rng.choice(cell.workers)
        if path == "rework":
            t = add(self.finish(t, category, Stage.VERIFY), Action.VERIFY, verifier, passed=False,
                    note=rng.choice(texts.VERIFY_FAILED_NOTES))
            t = self._handle(add, t, category, handler, leader, "plain")
        t = add(self.finish(t, category, Stage.VERIFY, stuck=stuck == Stage.VERIFY), Action.VERIFY, verifier, passed=True)
        add(self.soon(t, category, (0.2, 5)), Action.CLOSE, leader)
        return plan

    def _returned(self, add, t, category, cell, department, *also_wrong) -> tuple[datetime, Department]:
        wrong = self.wrong_department(cell.zone_id, department, *also_wrong)
        t = add(self.finish(t, category, Stage.DISPATCH), Action.DISPATCH, cell.leader, department=wrong.pk)
        t = add(self.soon(t, category, (0.5, 10)), Action.RETURN, self.handler(wrong, cell.zone_id),
                reason=self.rng.choice(texts.RETURN_REASONS))
        return t, wrong

    def _handle(self, add, t, category, handler, leader, path, *, stuck: bool = False) -> datetime:
        """accept → (extension | suspension) → handle; returns when it was handled."""
        rng = self.rng
        dispatched = t
        handled = self.finish(dispatched, category, Stage.HANDLE, stuck=stuck)
        t = add(dispatched + (handled - dispatched) * rng.uniform(0.02, 0.25), Action.ACCEPT, handler)
        if path == "extension":
            days = rng.randint(2, 10)
            t = add(t + (handled - t) * rng.uniform(0.3, 0.7), Action.REQUEST_EXTENSION, handler, days=days,
                    reason=rng.choice(texts.EXTENSION_REASONS))
            if rng.random() < 0.8:
                t = add(self.soon(t, category, (0.5, 6)), Action.APPROVE_EXTENSION, leader)
                hours = Decimal(days * 7.5 * rng.uniform(0.3, 1.0)).quantize(Decimal("0.01"))
                handled = self.cal.add(t, hours, LimitKind.WORKING_HOURS)
            else:
                t = add(self.soon(t, category, (0.5, 6)), Action.REFUSE_EXTENSION, leader, reason=texts.REFUSE_REASONS[0])
                handled = self.soon(t, category, (1, 12))
        elif path == "suspend":
            t = add(t + (handled - t) * rng.uniform(0.1, 0.5), Action.SUSPEND, leader, reason=rng.choice(texts.SUSPEND_REASONS))
            t = add(self.office_hours(t + timedelta(days=rng.uniform(3, 75)), category), Action.RESUME, leader)
            handled = self.finish(t, category, Stage.HANDLE)
        return add(handled, Action.HANDLE, handler, result=rng.choice(texts.RESULTS[category.domain]))

    def point(self, cell: CellInfo) -> tuple[float, float]:
        """A point inside the cell near its centroid (lng, lat), rounded like a phone's fix."""
        from shapely.geometry import Point

        c = cell.cell
        width, height = c.max_lng - c.min_lng, c.max_lat - c.min_lat
        for _ in range(20):
            lng = round(c.centroid_lng + self.rng.uniform(-0.3, 0.3) * width, 6)
            lat = round(c.centroid_lat + self.rng.uniform(-0.3, 0.3) * height, 6)
            if cell.polygon.contains(Point(lng, lat)):
                return lng, lat
        inside = cell.polygon.representative_point()
        return round(inside.x, 6), round(inside.y, 6)
