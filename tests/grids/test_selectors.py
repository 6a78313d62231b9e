"""Read models of the organisation: duty-roster gaps and the per-role home summary."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from grids.models import DutyShift, TrainingAttendance
from grids.selectors import duty_gaps, home_summary, uncovered_hours_by_community, week_start, worker_counts_by_kind
from tests import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI)  # a Monday
END = START + timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def h(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def shifts(world, community, *spans: tuple[float, float]) -> None:
    for begin, finish in spans:
        DutyShift.objects.create(community=community, officer=world.users.officer, starts_at=h(begin), ends_at=h(finish))


def spans(gaps) -> list[tuple[float, float]]:
    return [((g.starts_at - START).total_seconds() / 3600, (g.ends_at - START).total_seconds() / 3600) for g in gaps]


# --- duty gaps ---------------------------------------------------------------------------------------


def test_full_coverage_has_no_gap(world):
    shifts(world, world.community_a1, (0, 8), (8, 16), (16, 24))
    assert duty_gaps([world.community_a1], START, END) == []


def test_shifts_reaching_beyond_the_window_cover_its_ends(world):
    shifts(world, world.community_a1, (-6, 12), (12, 30))
    assert duty_gaps([world.community_a1], START, END) == []


def test_overlapping_shifts_are_merged(world):
    shifts(world, world.community_a1, (0, 10), (5, 15), (14, 24))
    assert duty_gaps([world.community_a1], START, END) == []


def test_shift_inside_another_does_not_open_a_gap(world):
    shifts(world, world.community_a1, (0, 20), (3, 4), (20, 24))
    assert duty_gaps([world.community_a1], START, END) == []


def test_gap_at_the_start(world):
    shifts(world, world.community_a1, (2, 24))
    assert spans(duty_gaps([world.community_a1], START, END)) == [(0, 2)]


def test_gap_in_the_middle_after_overlapping_shifts(world):
    shifts(world, world.community_a1, (0, 6), (4, 8), (10, 24))
    assert spans(duty_gaps([world.community_a1], START, END)) == [(8, 10)]


def test_gap_at_the_end(world):
    shifts(world, world.community_a1, (0, 20))
    gaps = duty_gaps([world.community_a1], START, END)
    assert spans(gaps) == [(20, 24)]
    assert gaps[0].hours == 4
    assert gaps[0].community == world.community_a1


def test_gaps_at_start_middle_and_end_together(world):
    shifts(world, world.community_a1, (1, 5), (7, 9), (9, 23.5))
    assert spans(duty_gaps([world.community_a1], START, END)) == [(0, 1), (5, 7), (23.5, 24)]


def test_no_shift_at_all_is_one_gap_over_the_whole_window(world):
    shifts(world, world.community_a1, (-10, -2), (30, 40))  # outside the window
    gaps = duty_gaps([world.community_a1], START, END)
    assert spans(gaps) == [(0, 24)]


def test_each_community_has_its_own_gaps_from_one_query(world, django_assert_num_queries):
    a1, a2, b1 = world.community_a1, world.community_a2, world.community_b1
    shifts(world, a1, (0, 24))
    shifts(world, a2, (0, 12))
    shifts(world, b1, (6, 24))
    with django_assert_num_queries(1):
        gaps = duty_gaps([a1, a2, b1], START, END)
    assert [(g.community, *s) for g, s in zip(gaps, spans(gaps), strict=True)] == [(a2, 12, 24), (b1, 0, 6)]


def test_another_communitys_shift_does_not_cover_this_one(world):
    shifts(world, world.community_b1, (0, 24))
    assert spans(duty_gaps([world.community_a1], START, END)) == [(0, 24)]


def test_uncovered_hours_add_up_per_community(world):
    shifts(world, world.community_a1, (1, 5), (7, 24))
    shifts(world, world.community_a2, (0, 24))
    totals = uncovered_hours_by_community([world.community_a1, world.community_a2, world.community_b1], START, START + timedelta(days=7))
    assert totals == {world.community_a1.pk: 3 + 6 * 24, world.community_a2.pk: 6 * 24, world.community_b1.pk: 7 * 24}


def test_week_starts_on_monday_midnight_in_shanghai():
    # Sunday 2026-11-29 23:30 in Shanghai is 15:30 UTC; its week began Monday 23rd.
    moment = datetime(2026, 11, 29, 15, 30, tzinfo=ZoneInfo("UTC"))
    assert week_start(moment) == START
    assert week_start(START) == START


# --- home summary ------------------------------------------------------------------------------------


def test_home_summary_counts_what_each_persona_may_see(world, django_assert_max_num_queries):
    from django.utils import timezone

    soon = timezone.now() + timedelta(days=3)
    everyone = f.TrainingSessionFactory(title="all", zone=None, starts_at=soon)
    f.TrainingSessionFactory(title="zone b", zone=world.zone_b, starts_at=soon)
    f.TrainingSessionFactory(title="past", zone=None, starts_at=timezone.now() - timedelta(days=3))
    TrainingAttendance.objects.create(session=everyone, user=world.users.worker)

    # persona: (zones, communities, cells, grid workers, upcoming trainings)
    expected = {
        "street": (2, 3, 4, 2, 2),
        "admin": (2, 3, 4, 2, 2),
        "zone_leader": (1, 2, 3, 1, 1),
        "zone_leader_b": (1, 1, 1, 1, 2),
        "community": (1, 1, 2, 1, 1),
        "worker": (1, 1, 1, 1, 1),
        "worker_b": (1, 1, 1, 1, 0),
        "safety": (2, 3, 4, 0, 0),
        "safety_a": (1, 2, 3, 0, 0),
        "urban": (2, 3, 4, 0, 0),
        "officer": (1, 2, 3, 0, 0),
        "contractor": (0, 0, 0, 0, 0),
    }
    assert set(expected) == set(vars(world.users))
    for name, counts in expected.items():
        with django_assert_max_num_queries(7):
            summary = home_summary(world.persona(name))
        got = (summary["zones"], summary["communities"], summary["cells"], summary["workers"], summary["trainings"])
        assert got == counts, name
        assert ("my_cells" in summary) == name.startswith("worker"), name
    assert home_summary(world.users.worker)["my_cells"] == [world.cell_a1x]
    assert home_summary(world.users.worker_b)["my_cells"] == [world.cell_b1x]


def test_worker_counts_by_kind(world):
    from grids.models import User

    f.GridWorkerFactory(username="extra_part_timer", community=world.community_a2, worker_kind="part_time")
    assert worker_counts_by_kind(User.objects.all()) == {"community_ft": 1, "part_time": 2}
    assert worker_counts_by_kind(User.objects.visible_to(world.users.zone_leader)) == {"community_ft": 1, "part_time": 1}
