"""The shared stage clock over a limit source that is not a case category's (as a hazard's
rectification notice will set its own days): plan, pause/resume, an explicit extension, finish.

Monday 2026-11-02 is a working day; the working periods are 08:30–12:00 and 13:30–17:30.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.choices import Escalation, LimitKind
from casework.clock import DEFAULT_LIMIT, Limit, StageClock
from incidents.choices import STAGE_OF_STATUS, Stage, Status
from incidents.models import StageDeadline
from tests.incidents.factories import IncidentFactory, local

pytestmark = pytest.mark.django_db

MONDAY_9 = local(2026, 11, 2, 9, 0)


def notice_clock(days: int | None) -> StageClock:
    """A clock whose limit is N working days whatever the stage, like a notice's deadline."""
    return StageClock(
        run_model=StageDeadline, owner_field="incident", runs="deadlines",
        limit_of=lambda obj, stage: None if days is None else Limit(Decimal(days), LimitKind.WORKING_DAYS, Decimal("0.5")),
        stage_of_status=STAGE_OF_STATUS,
    )


@pytest.fixture
def case(world, cats):
    return IncidentFactory(category=cats.gas, grid_cell=world.cell_a1x, status=Status.ACCEPTED, reported_at=MONDAY_9)


def test_the_limit_source_decides_the_due_time_and_the_run_row_records_it(case):
    clock = notice_clock(3)
    clock.start(case, Stage.HANDLE, MONDAY_9)
    assert case.due_at == local(2026, 11, 5, 17, 30)  # three working days after Monday: Thursday's end
    assert case.warn_at < case.due_at and case.escalation == Escalation.NONE
    run = StageDeadline.objects.get(incident=case)
    assert (run.limit_amount, run.limit_kind, run.due_at, run.finished_at) == (3, LimitKind.WORKING_DAYS, case.due_at, None)


def test_no_limit_falls_back_to_one_working_day(case):
    clock = notice_clock(None)
    assert clock.limit(case, Stage.HANDLE) == DEFAULT_LIMIT
    clock.start(case, Stage.HANDLE, MONDAY_9)
    assert case.due_at == local(2026, 11, 3, 17, 30)


def test_an_explicit_extension_moves_the_running_due_time_and_marks_the_run(case):
    clock = notice_clock(3)
    clock.start(case, Stage.HANDLE, MONDAY_9)
    case.escalation = Escalation.YELLOW
    clock.extend(case, local(2026, 11, 3, 10, 0), working_days=2)
    assert case.due_at == local(2026, 11, 9, 17, 30)  # Thursday + 2 working days: the next Monday
    assert case.escalation == Escalation.NONE  # no longer overdue
    run = StageDeadline.objects.get(incident=case)
    assert (run.due_at, run.extended) == (case.due_at, True)


def test_pause_keeps_the_time_left_and_resume_puts_it_back(case):
    clock = notice_clock(1)
    clock.start(case, Stage.HANDLE, MONDAY_9)  # due Tuesday 17:30
    clock.pause(case, local(2026, 11, 3, 9, 30))
    assert case.due_at is None and case.paused_remaining == 6 * 3600 + 30 * 60  # 09:30–12:00 and 13:30–17:30 that Tuesday
    clock.resume(case, local(2026, 11, 4, 8, 30))
    assert case.due_at == local(2026, 11, 4, 16, 30) and case.paused_remaining is None  # 3.5 h + 3 h


def test_finish_records_whether_the_stage_ended_on_time(case):
    clock = notice_clock(1)
    clock.start(case, Stage.HANDLE, MONDAY_9)
    clock.finish(case, local(2026, 11, 4, 9, 0))  # a day late
    run = StageDeadline.objects.get(incident=case)
    assert (run.on_time, case.due_at, case.stage) == (False, None, "")
