"""A hand-built month of cases for the dashboard tests, every one moved through the case services
at controlled times, with the answers worked out by hand (see EXPECTED).

The period is October 2026 (its previous period of equal length: 31 Aug – 30 Sep 2026). Cases
are reported on Monday 19 Oct (a working day) unless said otherwise; "zone A" is the world's zone
of `cell_a1x`, and one case (L) lies in zone B.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from governance.dashboard.selectors import Period
from governance.rollups.services import rebuild
from incidents import services
from incidents.choices import Action, EventKind, Stage, Status
from incidents.models import Incident, IncidentEvent, StageDeadline
from incidents.services.escalation import escalate_overdue
from tests.incidents import factories as cf

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
TEN_MINUTES = dt.timedelta(minutes=10)


def oct_(day: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return cf.local(2026, 10, day, hh, mm)


def sep_(day: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return cf.local(2026, 9, day, hh, mm)


def act(case, action: str, at: dt.datetime, actor=None, **params):
    case = Incident.objects.select_related("department").get(pk=case.pk)
    department = case.department
    if actor is None:
        if action in (Action.ACCEPT, Action.HANDLE, Action.RETURN, Action.REQUEST_EXTENSION):
            actor = cf.handler_of(department, case.zone_id)
        elif action == Action.VERIFY:
            actor = cf.verifier_of(case)
        else:
            actor = cf.leader_of(case)
    defaults = cf.valid_params(action, department) if department else {}
    return services.apply_action(case.pk, actor=actor, action=action, params={**defaults, **params}, now=at)


def build(world, cats) -> SimpleNamespace:
    """The cases A–N described in EXPECTED; returns them by letter."""
    c = SimpleNamespace()
    make = lambda status, at, **kw: cf.case_in(status, world, cats, now=at, step=TEN_MINUTES, **kw)  # noqa: E731

    # October, zone A.
    c.A = make(Status.CLOSED, oct_(19), category=cats.fire_exit)  # closed on time
    c.B = cf.case_in(Status.CLOSED, world, cats, now=oct_(19), step=dt.timedelta(days=1))  # handled two days late
    c.C = make(Status.HANDLED, oct_(19, 10))  # reworked once, then closed on time
    act(c.C, Action.VERIFY, oct_(19, 11), passed=False, note="Still smells of gas")
    for i, action in enumerate([Action.ACCEPT, Action.HANDLE, Action.VERIFY, Action.CLOSE], start=1):
        act(c.C, action, oct_(19, 11) + i * TEN_MINUTES)
    c.D = make(Status.ACCEPTED, oct_(19, 14), extension_pending=True)  # extended, then closed on time
    for i, action in enumerate([Action.APPROVE_EXTENSION, Action.HANDLE, Action.VERIFY, Action.CLOSE], start=1):
        act(c.D, action, oct_(19, 15) + i * TEN_MINUTES)
    c.E = make(Status.DISPATCHED, oct_(19, 9))  # never handled: overdue, yellow then red card in October
    c.F = make(Status.VOID, oct_(20))  # registered, then voided
    c.G = make(Status.REJECTED, oct_(20))
    c.H = make(Status.DISPUTED, oct_(20))
    c.I = make(Status.SELF_HANDLED, oct_(21))  # fixed on the spot, confirmed: closed but never dispatched
    act(c.I, Action.CONFIRM, oct_(21, 10))
    # October, zone B.
    c.L = make(Status.CLOSED, oct_(19), cell=world.cell_b1x, reporter=world.users.worker_b)
    # September (the previous period), zone A.
    c.J = make(Status.REGISTERED, sep_(14))  # registered in September, closed in October
    for i, action in enumerate([Action.DISPATCH, Action.ACCEPT, Action.HANDLE, Action.VERIFY, Action.CLOSE], start=1):
        act(c.J, action, oct_(22) + i * TEN_MINUTES, **({"department": world.safety.pk} if action == Action.DISPATCH else {}))
    c.K = make(Status.REGISTERED, sep_(14))  # never dispatched: overdue, carded in September
    c.M = make(Status.CLOSED, sep_(15))
    c.N = make(Status.VOID, sep_(16))
    # The sweep: K goes yellow and red on 20 Sep; E yellow on 20 Oct and red on 21 Oct.
    escalate_overdue(now=sep_(20))
    escalate_overdue(now=oct_(20))
    escalate_overdue(now=oct_(21, 10))
    for case in vars(c).values():
        case.refresh_from_db()
    return c


# Worked out by hand from the stories above: (value, previous period value).
EXPECTED_SUBDISTRICT = {
    "reported": (10, 4),  # A B C D E F G H I L | J K M N
    "registered": (8, 4),  # A B C D E F H L | J K M N
    "registered_live": (7, 3),  # without void F | without void N
    "registered_closed": (5, 2),  # A B C D L | J M
    "closed": (7, 1),  # A B C D I J L | M
    "handled": (6, 1),  # closed and dispatched: without I | M
    "handled_on_time": (5, 1),  # without B
    "handled_reworked": (1, 0),  # C
    "handled_extended": (1, 0),  # D
    "yellow": (1, 1),  # E | K
    "red": (1, 1),  # E | K
    "disputed_new": (1, 0),  # H
}
EXPECTED_NOW = {"open_overdue": 2, "disputed": 1, "open": 3}  # E K | H | E H K
EXPECTED_ZONE_A = {
    "reported": (9, 4), "registered": (7, 4), "registered_live": (6, 3), "registered_closed": (4, 2), "closed": (6, 1),
    "handled": (5, 1), "handled_on_time": (4, 1), "handled_reworked": (1, 0), "handled_extended": (1, 0),
    "yellow": (1, 1), "red": (1, 1), "disputed_new": (1, 0),
}
EXPECTED_ZONE_B = {"reported": (1, 0), "registered": (1, 0), "registered_live": (1, 0), "registered_closed": (1, 0),
                   "closed": (1, 0), "handled": (1, 0), "handled_on_time": (1, 0)}


# --- a random mix of plain rows, for the recount and the query-count tests ---------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = [Status.REPORTED, Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED, Status.HANDLED, Status.VERIFIED,
        Status.DISPUTED, Status.SUSPENDED, Status.SELF_HANDLED]
FINAL = [Status.CLOSED, Status.CLOSED, Status.CLOSED, Status.REJECTED, Status.VOID]
CARD_KINDS = [EventKind.YELLOW_CARD, EventKind.RED_CARD, EventKind.DISPUTE, EventKind.AUTO_DISPUTE, EventKind.COMMENT]


def random_cases(world, cats, n: int, *, seed: int = 7, start: dt.datetime | None = None, days: int = 120) -> list[int]:
    """`n` cases written directly as rows (with handle-stage runs and timeline events), spread over
    `days` days from `start` (default 1 Aug 2026) and over the world's four cells: every combination
    of status, dates, counts, late and on-time runs and cards the dashboard distinguishes."""
    rng = random.Random(seed)
    start = start or dt.datetime(2026, 8, 1, tzinfo=SHANGHAI)
    cells = [world.cell_a1x, world.cell_a1y, world.cell_a2x, world.cell_b1x]
    departments = [world.safety, world.urban, world.police, None]
    categories = [cats.gas, cats.fire_exit, cats.rubbish]
    reporters = [world.users.worker, world.users.worker_b, world.users.zone_leader]
    offset = Incident.objects.count()
    now = timezone.now()
    rows = []
    for i in range(n):
        cell = rng.choice(cells)
        reported = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        status = rng.choice(OPEN + FINAL)
        registered = None if status in (Status.REPORTED, Status.REJECTED, Status.SELF_HANDLED) or rng.random() < 0.1 else (
            reported + dt.timedelta(hours=rng.randrange(1, 400)))
        closed = reported + dt.timedelta(hours=rng.randrange(2, 900)) if status == Status.CLOSED else None
        running = status in OPEN and status not in (Status.DISPUTED, Status.SUSPENDED) and rng.random() < 0.8
        rows.append(Incident(
            code=f"RD{seed:02d}{offset + i:06d}", category=rng.choice(categories), description=f"random case {i}", grid_cell=cell,
            community_id=cell.community_id, zone_id=cell.community.zone_id, reporter=rng.choice(reporters),
            department=rng.choice(departments), status=status, reported_at=reported, registered_at=registered, closed_at=closed,
            due_at=now + dt.timedelta(hours=rng.randrange(-300, 300)) if running else None,
            rework_count=rng.choice([0, 0, 0, 1, 2]), extension_count=rng.choice([0, 0, 0, 1]), return_count=rng.choice([0, 0, 1]),
        ))
    Incident.objects.bulk_create(rows)
    ids = list(Incident.objects.filter(code__in=[r.code for r in rows]).order_by("pk").values_list("pk", flat=True))
    runs, events = [], []
    for pk in ids:
        for _run in range(rng.choice([0, 1, 1, 2])):
            begun = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
            finished = begun + dt.timedelta(hours=rng.randrange(1, 100)) if rng.random() < 0.85 else None
            runs.append(StageDeadline(
                incident_id=pk, stage=rng.choice([Stage.HANDLE, Stage.HANDLE, Stage.VERIFY]), limit_amount=4, limit_kind="working_hours",
                started_at=begun, due_at=begun + dt.timedelta(hours=8), finished_at=finished,
                on_time=None if finished is None else rng.random() < 0.7,
            ))
        for _event in range(rng.choice([0, 0, 1, 2, 3])):
            events.append(IncidentEvent(
                incident_id=pk, kind=rng.choice(CARD_KINDS), created_at=start + dt.timedelta(minutes=rng.randrange(days * 24 * 60)),
            ))
    StageDeadline.objects.bulk_create(runs)
    IncidentEvent.objects.bulk_create(events)
    rebuild("incidents")  # rows written without the services: the rollups are recounted, as after an import
    return ids


# --- the recount: the same figures computed in Python, case by case, from scratch -----------------------


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(period.start, dt.time.min, tzinfo=SHANGHAI)
    return lo, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)


def case_measures(case, period: Period, now: dt.datetime) -> set[str]:
    """Which measures count this case, decided from its own row, runs and events."""
    lo, hi = _bounds(period)
    within = lambda t: t is not None and lo <= t < hi  # noqa: E731
    handle = [run for run in case.deadlines.all() if run.stage == Stage.HANDLE]
    dispatched = case.department_id is not None
    on_time = dispatched and all(run.on_time is not False for run in handle)
    closed = case.status == Status.CLOSED and within(case.closed_at)
    kinds = {event.kind for event in case.events.all() if within(event.created_at)}
    is_open = case.status in OPEN
    found = {
        "reported": within(case.reported_at),
        "reported_valid": within(case.reported_at) and case.status not in (Status.REJECTED, Status.VOID),
        "reported_invalid": within(case.reported_at) and case.status in (Status.REJECTED, Status.VOID),
        "registered": within(case.registered_at),
        "registered_live": within(case.registered_at) and case.status != Status.VOID,
        "registered_closed": within(case.registered_at) and case.status == Status.CLOSED,
        "closed": closed,
        "handled": closed and dispatched,
        "handled_on_time": closed and on_time,
        "handled_reworked": closed and dispatched and case.rework_count > 0,
        "handled_extended": closed and dispatched and case.extension_count > 0,
        "open": is_open,
        "open_overdue": is_open and case.due_at is not None and case.due_at <= now,
        "disputed": case.status == Status.DISPUTED,
        "yellow": EventKind.YELLOW_CARD in kinds,
        "red": EventKind.RED_CARD in kinds,
        "disputed_new": bool(kinds & {EventKind.DISPUTE, EventKind.AUTO_DISPUTE}),
    }
    return {key for key, yes in found.items() if yes}


def recount(cases, period: Period, now: dt.datetime, group=lambda case: None) -> dict:
    """{group: {measure: count}} over `cases` (an iterable of Incident rows with deadlines and events)."""
    out: dict = {}
    for case in cases:
        bucket = out.setdefault(group(case), {})
        for key in case_measures(case, period, now):
            bucket[key] = bucket.get(key, 0) + 1
    return out


def all_cases():
    return Incident.objects.prefetch_related("deadlines", "events").order_by("pk")
