"""Months of demo case history, replayed through the services with the clock they would have seen.

`seed_history()` draws some 3,000 case plans (incidents.demo.plan) over the last months,
merges their steps into one time line and replays it: `report_incident(now=t)`, then
`apply_action(..., now=t)` for each later step, with the escalation sweep run in between at
two-hour ticks of simulated time whenever a clock has crossed a threshold (beat sweeps every
minute; cards in the history are therefore dated up to two hours late). Steps later than the real now
are not taken, so recent cases stay open at whatever stage their plan had reached, late ones
carry yellow and red cards, and twice-returned ones wait for the joint meeting. Timelines, stage
deadlines, on-time flags and notifications are therefore all real. Finally notifications are
dated to the simulated time they were sent, and those older than a few days are marked read.
"""

from __future__ import annotations

import io
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from shapely.geometry import shape

from casework.calendar import pinned_calendar
from grids.choices import CommunityPost, Role
from grids.models import Department, GridCell, Notification, User
from incidents.choices import Action, Escalation, Status
from incidents.demo.categories import SUBCATEGORIES
from incidents.demo.plan import REPORT, CasePlan, Cast, CategoryInfo, CellInfo, Planner, Step
from incidents.models import Category, Incident, IncidentEvent
from incidents.services import Refused, apply_action, escalate_overdue, report_incident

SWEEP_EVERY = timedelta(hours=2)
READ_AFTER = timedelta(days=3)  # notifications older than this (in simulated time) count as read
FEATURED_WORKER = "worker1"


# Replaying through the services costs some 30-45 ms of CPU per case on SQLite (about 8 steps of
# 10-15 queries each). Measured: seed_demo with 3,000 cases took 98 s (97 s of CPU) on a quiet 2-core
# machine — once, on the first `make run` — for the "few thousand cases in every state" the demo shows.
DEMO_CASES = 3000


def seed_history(*, months: int = 6, seed: int = 2026, now: datetime | None = None, cases: int = DEMO_CASES,
                 stdout: TextIO | None = None) -> dict[str, int]:
    """Replay about `cases` demo cases over the last `months` months; returns what was created.

    Deterministic for a given `now` and `seed`. Idempotent: when any case reported by a demo grid
    worker or community office exists, it does nothing (the demo history is all or nothing).
    """
    now = now or timezone.now()
    with transaction.atomic():
        cells, cast = _load_world()
        if not cells:
            return {}
        reporters = {u.pk for c in cells for u in (*c.workers, *c.office)}
        if Incident.objects.filter(reporter_id__in=reporters).exists():
            _say(stdout, "Demo cases exist already: history left as it is.")
            return {}
        categories = _load_categories()
        if not categories:
            return {}
        rng = random.Random(seed)
        with pinned_calendar() as cal, _no_query_log():
            planner = Planner(rng=rng, cal=cal, cast=cast, now=now)
            plans = _draw_plans(planner, rng, cells, categories, months=months, cases=cases, now=now)
            plans += _featured_plans(planner, cells, categories, now)
            return _replay(plans, now=now, stdout=stdout)


def _say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")
        stdout.flush()


@contextmanager
def _no_query_log() -> Iterator[None]:
    """No DEBUG query log while replaying: the demo runs with DEBUG on, and logging some 50,000
    queries costs a fifth of the run. (The log keeps only the last 9,000 anyway.)"""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):
        yield


# --- the world ----------------------------------------------------------------------------------

def _load_world() -> tuple[list[CellInfo], Cast]:
    cells = list(GridCell.objects.select_related("community__zone").order_by("code"))
    workers: dict[int, list[User]] = defaultdict(list)
    through = User.grid_cells.through
    people = User.objects.in_bulk(
        list(through.objects.filter(user__role=Role.GRID_WORKER, user__is_active=True).values_list("user_id", flat=True))
    )
    for user_id, cell_id in through.objects.filter(user_id__in=people).order_by("user__username").values_list("user_id", "gridcell_id"):
        workers[cell_id].append(people[user_id])
    leaders = {u.zone_id: u for u in User.objects.filter(role=Role.ZONE_LEADER, is_active=True).order_by("-username")}
    office: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=Role.COMMUNITY, community_post__in=[CommunityPost.GRID_HEAD, CommunityPost.SPECIALIST], is_active=True
    ).order_by("username"):
        office[user.community_id].append(user)
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("username").first()
    infos = [
        CellInfo(cell=c, zone_id=c.community.zone_id, workers=workers[c.pk], leader=leaders[c.community.zone_id],
                 office=office[c.community_id], polygon=shape(c.boundary))
        for c in cells
        if workers[c.pk] and c.community.zone_id in leaders
    ]
    zone_ids = sorted({c.zone_id for c in infos})
    departments = list(Department.objects.filter(is_active=True).order_by("sort", "slug"))
    handlers: dict[tuple[int, int], list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.DEPARTMENT, is_active=True, department__isnull=False).order_by("username"):
        for zone_id in [user.zone_id] if user.zone_id else zone_ids:
            handlers[user.department_id, zone_id].append(user)
    if street is None:
        return [], Cast(street=None, handlers={}, departments=[])
    return infos, Cast(street=street, handlers=dict(handlers), departments=departments)


def _load_categories() -> list[CategoryInfo]:
    weights = {row.code: row.weight for row in SUBCATEGORIES}
    fallback = Department.objects.filter(slug="comprehensive").first() or Department.objects.order_by("sort").first()
    infos = []
    for category in Category.objects.leaves().filter(is_active=True).select_related("parent", "default_department").prefetch_related(
        "limits"
    ).order_by("sort", "code"):
        limits = {limit.stage: (limit.amount, limit.kind) for limit in category.limits.all()}
        if category.code not in weights or len(limits) < 4:
            continue
        infos.append(
            CategoryInfo(
                pk=category.pk, code=category.code, domain=category.parent.code, severity=category.default_severity,
                self_handle=category.self_handle_allowed, department=category.default_department or fallback,
                limits=limits, weight=weights[category.code],
            )
        )
    return infos


# --- the plans ----------------------------------------------------------------------------------

def _report_time(rng: random.Random, category: CategoryInfo, *, now: datetime, days: int) -> datetime:
    """A patrol's time of day (urgent things any time), fewer on weekends, never in the future.

    Use of the system grows over the months: the last weeks have about three times as many
    reports as the first.
    """
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        ago = int(days * (1 - (1 - rng.random()) ** 0.5 if rng.random() < 0.5 else rng.random()))
        hour = rng.uniform(0, 24) if category.urgent and rng.random() < 0.4 else rng.uniform(8, 18)
        at = timezone.localtime(today - timedelta(days=ago) + timedelta(hours=hour))
        if at.weekday() >= 5 and rng.random() < 0.5:
            continue
        if at < now - timedelta(minutes=10):
            return at


def _draw_plans(planner: Planner, rng: random.Random, cells: list[CellInfo], categories: list[CategoryInfo], *,
                months: int, cases: int, now: datetime) -> list[CasePlan]:
    cell_weights = [max(c.cell.population, 1) for c in cells]
    category_weights = [c.weight for c in categories]
    plans = []
    for _ in range(cases):
        category = rng.choices(categories, category_weights)[0]
        cell = rng.choices(cells, cell_weights)[0]
        plans.append(planner.plan(category, cell, _report_time(rng, category, now=now, days=months * 30)))
    return plans


def _featured_plans(planner: Planner, cells: list[CellInfo], categories: list[CategoryInfo], now: datetime) -> list[CasePlan]:
    """Cases in worker1's cells that a walk through the demo shows: one waiting for worker1's
    verification, fresh ones at each early stage, an overdue one, a disputed one."""
    mine = [c for c in cells if any(w.username == FEATURED_WORKER for w in c.workers)]
    by_code = {c.code: c for c in categories}
    if not mine:
        return []
    worker = next(w for w in mine[0].workers if w.username == FEATURED_WORKER)
    wanted = [
        # (category, path, reported days ago, the last step taken, and how many of those)
        ("flyposting", "plain", 2, Action.HANDLE, 1),  # handled: waiting for worker1's verification
        ("dirty-road", "plain", 1, Action.VERIFY, 1),  # verified by worker1: the zone closes it
        ("exposed-rubbish", "plain", 0.05, REPORT, 1),  # just reported
        ("blocked-fire-exit", "plain", 1, Action.REGISTER, 1),  # registered, waiting for dispatch
        ("ebike-charging", "plain", 1.5, Action.DISPATCH, 1),  # dispatched to safety supervision
        ("street-vending", "plain", 6, Action.ACCEPT, 1),  # accepted days ago, never handled: red card
        ("neighbour-dispute", "return_twice", 4, Action.RETURN, 2),  # returned twice: disputed
    ]
    plans = []
    for n, (code, path, days_ago, last, times) in enumerate(wanted):
        category = by_code.get(code)
        if category is None:
            continue
        plan = planner.plan(category, mine[n % len(mine)], now - timedelta(days=days_ago), path=path, reporter=worker)
        steps = [s for s in plan.steps if s.action != Action.COMMENT]
        ends = [k for k, s in enumerate(steps) if s.action == last]
        if len(ends) < times:
            continue
        plan.steps = _squeeze(steps[: ends[times - 1] + 1], now)
        plans.append(plan)
    return plans


def _squeeze(steps: list[Step], now: datetime) -> list[Step]:
    """Keep a featured plan's first steps but make sure all of them happened before now."""
    if steps[-1].at < now:
        return steps
    start, span = steps[0].at, steps[-1].at - steps[0].at
    room = (now - timedelta(minutes=5)) - start
    for step in steps[1:]:
        step.at = start + (step.at - start) * (room / span)
    return steps


# --- the replay ---------------------------------------------------------------------------------

def _tiny_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (64, 48), (120, 160, 110))
    ImageDraw.Draw(image).rectangle((16, 12, 48, 36), fill=(230, 230, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=60)
    return out.getvalue()


def _replay(plans: list[CasePlan], *, now: datetime, stdout: TextIO | None) -> dict[str, int]:
    events_before = IncidentEvent.objects.count()
    notifications_before = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    timeline = sorted(
        ((step.at, n, i) for n, plan in enumerate(plans) for i, step in enumerate(plan.steps) if step.at <= now),
        key=lambda row: (row[0], row[1], row[2]),
    )
    photo = _tiny_photo()
    case_ids: dict[int, int] = {}
    dead: set[int] = set()  # plans a step of which was refused: the rest of them is skipped
    broken: Counter[str] = Counter()
    clocks: dict[int, tuple] = {}  # case id → (warn_at, due_at, escalation) of the running clock
    windows: list[tuple[int, datetime]] = []  # (last notification pk, simulated time) at each sweep tick
    next_sweep = timeline[0][0] + SWEEP_EVERY if timeline else now
    photos = 0
    busy = False  # whether anything happened since the last window was closed
    started = time.monotonic()
    report_every = max(len(plans) // 10, 1)  # a progress line per tenth of the cases
    for at, n, i in timeline:
        while next_sweep <= at:
            if _sweep_due(clocks, next_sweep):
                escalate_overdue(now=next_sweep)
                _refresh_clocks(clocks)
                busy = True
            if busy:
                windows.append((_last_notification(), next_sweep))
                busy = False
            next_sweep += SWEEP_EVERY
        busy = True
        plan, step = plans[n], plans[n].steps[i]
        if n in dead:
            continue
        try:
            if step.action == REPORT:
                params = dict(step.params)
                uploads = None
                if params["fixed_on_spot"]:
                    uploads = [SimpleUploadedFile("fixed.jpg", photo, content_type="image/jpeg")]
                    photos += 1
                incident = report_incident(reporter=step.actor, photos=uploads, now=at, **params)
                case_ids[n] = incident.pk
                if len(case_ids) % report_every == 0:
                    _say(stdout, f"  cases: {len(case_ids)}/{len(plans)} reported ({time.monotonic() - started:.0f} s)")
            else:
                incident = apply_action(case_ids[n], actor=step.actor, action=step.action, params=step.params, now=at)
        except (Refused, ValidationError, Http404) as error:
            broken[f"{plan.path}:{step.action}"] += 1
            _say(stdout, f"  step refused ({plan.path}, {step.action}): {error}")
            dead.add(n)
            continue
        if incident.due_at is not None:
            clocks[incident.pk] = (incident.warn_at, incident.due_at, incident.escalation)
        else:
            clocks.pop(incident.pk, None)
    escalate_overdue(now=now)
    windows.append((_last_notification(), now))
    _date_notifications(notifications_before, windows, now)
    statuses = Counter(Incident.objects.filter(pk__in=case_ids.values()).values_list("status", flat=True))
    _say(stdout, "Cases by status: " + ", ".join(f"{Status(s).label} {statuses[s]}" for s in Status.values if statuses[s]))
    created = {
        "cases": len(case_ids),
        "timeline events": IncidentEvent.objects.count() - events_before,
        "notifications": Notification.objects.filter(pk__gt=notifications_before).count(),
        "photos": photos,
    }
    if broken:
        created["refused steps"] = sum(broken.values())
    return created


def _sweep_due(clocks: dict[int, tuple], at: datetime) -> bool:
    """Whether the sweep at `at` would move any running clock (the sweep's own conditions)."""
    red = at - timedelta(hours=settings.ESCALATION_RED_AFTER_HOURS)
    return any(
        (level == Escalation.NONE and warn_at is not None and warn_at <= at)
        or (level < Escalation.YELLOW and due_at <= at)
        or (level == Escalation.YELLOW and due_at <= red)
        for warn_at, due_at, level in clocks.values()
    )


def _refresh_clocks(clocks: dict[int, tuple]) -> None:
    rows = Incident.objects.filter(pk__in=list(clocks), due_at__isnull=False).values_list("pk", "warn_at", "due_at", "escalation")
    clocks.clear()
    clocks.update((pk, (warn_at, due_at, level)) for pk, warn_at, due_at, level in rows)


def _last_notification() -> int:
    return Notification.objects.aggregate(m=Max("pk"))["m"] or 0


def _date_notifications(first: int, windows: list[tuple[int, datetime]], now: datetime) -> None:
    """Give the notifications of each sweep window the simulated time they were sent; mark the
    ones older than READ_AFTER as read, so the inbox shows what is recent, not six months."""
    low = first
    for high, at in windows:
        if high > low:
            read = at + timedelta(hours=2) if at < now - READ_AFTER else None
            Notification.objects.filter(pk__gt=low, pk__lte=high).update(created_at=at, read_at=read)
            low = high
