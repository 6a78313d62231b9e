"""The per-day rollups always equal a recount from scratch: after random sequences of case events
moved through the services (some in transactions that roll back), for any period, and with
several writers at once on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casework.errors import Refused
from governance.dashboard.counted import counted_numbers
from governance.dashboard.numbers import dashboard_numbers
from governance.dashboard.selectors import Period, Scope
from governance.rollups import selectors as rollups
from governance.rollups.models import Contribution, DailyCount
from governance.rollups.services import differences, rebuild, recount, refresh, stored
from governance.rollups.sources import incidents as source
from incidents import services
from incidents.choices import Action, EventKind
from incidents.models import Incident
from incidents.services.escalation import escalate_overdue
from tests.governance import dashboard_data as dd
from tests.incidents import factories as cf

pytestmark = pytest.mark.django_db

START = cf.local(2026, 10, 5, 9, 0)
ACTIONS = [
    Action.REGISTER, Action.REJECT, Action.DISPATCH, Action.ACCEPT, Action.RETURN, Action.HANDLE, Action.VERIFY,
    Action.CLOSE, Action.DISPUTE, Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION,
    Action.SUSPEND, Action.RESUME, Action.VOID, Action.COMMENT, Action.CONFIRM, Action.WITHDRAW,
]
FORWARD = {Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.HANDLE, Action.VERIFY, Action.CLOSE, Action.CONFIRM,
           Action.APPROVE_EXTENSION, Action.REQUEST_EXTENSION, Action.RESUME, Action.RETURN}


class RolledBack(Exception):
    pass


def _actor(world, case: Incident, action: str, department):
    if action in (Action.ACCEPT, Action.HANDLE, Action.RETURN, Action.REQUEST_EXTENSION):
        return cf.handler_of(department, case.zone_id) if department else world.users.safety
    if action == Action.VERIFY:
        return cf.verifier_of(case)
    if action == Action.WITHDRAW:
        return case.reporter
    return cf.leader_of(case)


def _move(world, pk: int, action, which: int, department, passed: bool, now: dt.datetime, note=event) -> None:
    case = Incident.objects.select_related("department").get(pk=pk)
    if action is None:  # a move the case can take now (most random moves would be refused)
        possible = [a for a in ACTIONS if services.refusal(_actor(world, case, a, case.department or department), case, a) is None]
        if not possible:
            return
        forward = [a for a in possible if a in FORWARD]
        # mostly along the loop, so that sequences reach handling, verification, closure and cards
        action = forward[which % len(forward)] if forward and which % 5 else possible[which % len(possible)]
    params = {**cf.valid_params(action, case.department or department)}
    if action == Action.VERIFY:
        params["passed"] = passed
    try:
        services.apply_action(case.pk, actor=_actor(world, case, action, case.department or department), action=action,
                              params=params, now=now)
        note(f"moved: {action}")  # --hypothesis-show-statistics shows which moves the runs made
    except (Refused, ValidationError, Http404):
        pass  # a refused move changes nothing, rollups included


def _step(world, cats, step, ids: list[int], now: dt.datetime) -> None:
    kind = step[0]
    if kind == "report":
        _, cell, category = step
        cell = [world.cell_a1x, world.cell_a2x, world.cell_b1x][cell]
        reporter = world.users.worker_b if cell == world.cell_b1x else world.users.worker
        latitude, longitude = cf.centre(cell)
        case = services.report_incident(
            reporter=reporter, category=[cats.gas, cats.fire_exit, cats.rubbish][category].pk, description="seen on patrol",
            latitude=latitude, longitude=longitude, now=now,
        )
        ids.append(case.pk)
    elif kind == "act" and ids:
        _, which, action, department, passed, moves = step
        for turn in range(moves if action is None else 1):
            _move(world, ids[which % len(ids)], action, which + turn, [world.safety, world.urban][department], passed, now)
            now += dt.timedelta(minutes=7)
    elif kind == "sweep":
        escalate_overdue(now=now)


step_strategy = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("act"), st.integers(0, 50), st.one_of(st.none(), st.sampled_from(ACTIONS)), st.integers(0, 1), st.booleans(),
              st.integers(1, 7)),
    st.tuples(st.just("sweep")),
)
# A batch of steps, each batch in one transaction; a batch marked True is rolled back at its end.
batches = st.lists(
    st.tuples(st.lists(st.tuples(step_strategy, st.integers(1, 60 * 30)), min_size=1, max_size=8), st.booleans()),
    min_size=1, max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=batches)
def test_rollups_equal_a_recount_after_random_events_and_rollbacks(world, cats, batches):
    ids = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
    now = START + dt.timedelta(days=len(ids))  # later examples continue on later days
    for steps, roll_back in batches:
        before = list(ids)
        try:
            with transaction.atomic():
                for step, minutes in steps:
                    now += dt.timedelta(minutes=minutes)
                    _step(world, cats, step, ids, now)
                if roll_back:
                    raise RolledBack
        except RolledBack:
            ids[:] = before
    assert differences("incidents") == {}
    _assert_rebuild_writes_what_the_hooks_wrote()
    for period in (Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), Period(now.date() - dt.timedelta(days=2), now.date())):
        for user, scope in ((world.users.street, Scope()), (world.users.zone_leader, Scope(world.zone_a))):
            rolled, counted = dashboard_numbers(user, scope, period, now), counted_numbers(user, scope, period, now)
            assert rolled == counted


def _signatures() -> dict[int, dict]:
    return dict(Contribution.objects.filter(source="incidents").values_list("object_id", "signature"))


def _assert_rebuild_writes_what_the_hooks_wrote() -> None:
    """Both rebuilds (set-wise SQL on PostgreSQL, object by object) write exactly the daily counts
    and signatures the per-event hooks wrote."""
    counts, signatures = stored("incidents"), _signatures()
    for sql in (True, False):
        rebuild("incidents", sql=sql)
        assert stored("incidents") == counts
        assert _signatures() == signatures


def _window(days: list[int], start: int, end: int) -> int:
    """Entries of the `yellow` measure that count in [start, end] (days as offsets)."""
    base = dt.date(2026, 1, 1)
    signature = {
        "zone": 1, "community": 2, "cell": 3, "department": 0, "category": 5, "reporter": 6, "status": "reported",
        "reported": None, "registered": None, "closed": None, "late": False, "reworked": False, "extended": False,
        "events": {"yellow": sorted((base + dt.timedelta(days=d)).isoformat() for d in days)},
    }
    a, b = base + dt.timedelta(days=start), base + dt.timedelta(days=end)
    return sum(
        1 for grain, measure, day, since, *_ in source.entries(signature)
        if grain == "community" and measure == "yellow" and a <= day <= b and since < a
    )


@given(days=st.lists(st.integers(0, 40), max_size=6), start=st.integers(0, 40), length=st.integers(0, 40))
def test_a_case_with_events_counts_once_in_any_period(days, start, length):
    """Cards count cases, each once however many cards it had in the period: the `since` column."""
    end = start + length
    assert _window(days, start, end) == (1 if any(start <= d <= end for d in days) else 0)


def test_a_period_reads_the_same_as_a_recount_of_the_cases(world, cats):
    dd.random_cases(world, cats, 300, seed=3)
    dd.build(world, cats)
    assert differences("incidents") == {}
    for period in (dd.OCTOBER, Period(dt.date(2026, 8, 3), dt.date(2026, 8, 3)), Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31))):
        for user, scope in ((world.users.street, Scope()), (world.users.zone_leader, Scope(world.zone_a))):
            now = timezone.now()
            assert dashboard_numbers(user, scope, period, now) == counted_numbers(user, scope, period, now)


def test_counts_per_subject_for_assessment(world, cats):
    """The public API: counts per department (or worker, community, zone) for any date range."""
    month = dd.build(world, cats)
    by_department = rollups.counts("incidents", "department", ["handled", "handled_on_time"], {"": dd.OCTOBER})
    assert by_department[world.safety.pk] == {"handled": 6, "handled_on_time": 5}  # A B C D J L (B late)
    workers = rollups.counts("incidents", "reporter", ["reported", "reported_valid"], {"": dd.OCTOBER, "_prev": dd.OCTOBER.previous()})
    assert workers[world.users.worker.pk] == {"reported": 9, "reported_valid": 7, "reported_prev": 4, "reported_valid_prev": 3}
    assert rollups.totals("incidents", "community", ["yellow", "red"], dd.OCTOBER) == {"yellow": 1, "red": 1}
    assert rollups.totals("incidents", "community", ["reported"], dd.OCTOBER, zone=world.zone_b.pk) == {"reported": 1}
    days = rollups.daily("incidents", "cell", ["reported"], dd.OCTOBER)
    assert days[dt.date(2026, 10, 19)]["reported"] == 6 and month.L.zone_id == world.zone_b.pk


def test_quiet_events_and_unchanged_cases_write_nothing(world, cats, django_assert_num_queries):
    case = cf.case_in("dispatched", world, cats)
    rows = list(DailyCount.objects.order_by("pk").values_list("pk", "n"))
    services.apply_action(case.pk, actor=world.users.zone_leader, action=Action.COMMENT, params={"note": "Still there"})
    assert list(DailyCount.objects.order_by("pk").values_list("pk", "n")) == rows
    with django_assert_num_queries(2):  # claim (create or lock) the contribution, read the case; nothing written
        assert refresh("incidents", [case.pk]) == 0
    Incident.objects.filter(pk=case.pk).update(status="closed", closed_at=case.reported_at)
    with django_assert_num_queries(4):  # … and, for a change, the counts' upsert and the new signature
        assert refresh("incidents", [case.pk]) == 1
    assert differences("incidents") == {}


def test_a_failed_change_leaves_the_rollups_as_they_were(world, cats):
    case = cf.case_in("registered", world, cats)
    before = recount("incidents")
    with pytest.raises(RolledBack), transaction.atomic():
        services.apply_action(case.pk, actor=world.users.zone_leader, action=Action.DISPATCH, params={"department": world.safety.pk})
        raise RolledBack
    assert recount("incidents") == before and differences("incidents") == {}


def test_rebuild_command_recounts_and_check_reports_differences(world, cats):
    dd.build(world, cats)
    DailyCount.objects.filter(measure="reported").update(n=0)
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")
    assert differences("incidents") == {} and Contribution.objects.count() == Incident.objects.count()
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "hazards-not-yet")


def test_rebuild_equals_the_rollups_the_hooks_maintained(world, cats):
    """On a hand-built set (the dashboard's month, cards, disputes, extensions, rework, late
    handling, rejected and void cases, a case without a department) and random cases."""
    dd.random_cases(world, cats, 200, seed=11)
    dd.build(world, cats)
    escalate_overdue(now=timezone.now() + dt.timedelta(days=30))
    assert DailyCount.objects.filter(measure__in=["yellow", "red", "disputed_new", "handled_reworked"]).exists()
    _assert_rebuild_writes_what_the_hooks_wrote()
    # the hooks go on from a rebuilt ledger: a change after the rebuild subtracts the rebuilt signature
    before = _signatures()
    for which, pk in enumerate(Incident.objects.order_by("pk").values_list("pk", flat=True)[:40]):
        _move(world, pk, None, which, world.safety, which % 3 > 0, timezone.now(), note=lambda _: None)
    assert _signatures() != before and differences("incidents") == {}


def test_migrating_a_database_with_cases_but_no_rollups_backfills_them(world, cats):
    dd.build(world, cats)
    DailyCount.objects.all().delete()
    Contribution.objects.all().delete()
    from governance.rollups.services import backfill_after_migrate

    backfill_after_migrate()
    assert differences("incidents") == {} and DailyCount.objects.exists()
    assert rebuild() == {"incidents": Incident.objects.count()}


# --- several writers at once (PostgreSQL) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_rollups_equal_to_a_recount(world, cats):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent upserts are PostgreSQL's")
    shared = cf.case_in("registered", world, cats, now=START)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(4):
                at = START + dt.timedelta(minutes=10 * i + n)
                case = services.report_incident(
                    reporter=world.users.worker, category=cats.gas.pk, description=f"writer {n} case {i}",
                    latitude=cf.centre(world.cell_a1x)[0], longitude=cf.centre(world.cell_a1x)[1], now=at,
                )
                services.apply_action(case.pk, actor=world.users.zone_leader, action=Action.REGISTER, now=at)
                # Everyone also touches the same case: comments, and one of them dispatches it.
                action = Action.DISPATCH if (n, i) == (0, 1) else Action.COMMENT
                try:
                    services.apply_action(shared.pk, actor=world.users.zone_leader, action=action,
                                          params=cf.valid_params(action, world.safety), now=at)
                except Refused:
                    pass
                if i == 2:  # a change that rolls back, while the others commit theirs
                    try:
                        with transaction.atomic():
                            services.apply_action(case.pk, actor=world.users.zone_leader, action=Action.VOID,
                                                  params={"reason": "filed twice"}, now=at)
                            raise RolledBack
                    except RolledBack:
                        pass
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert differences("incidents") == {}
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    totals = rollups.totals("incidents", "community", ["reported", "registered", "reported_valid"], october)
    assert totals == {"reported": 17, "registered": 17, "reported_valid": 17}
    assert Incident.objects.get(pk=shared.pk).department_id == world.safety.pk
    assert EventKind.DISPATCH in set(Incident.objects.get(pk=shared.pk).events.values_list("kind", flat=True))
