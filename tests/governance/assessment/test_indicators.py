"""Each pre-loaded indicator on the hand-built October (tests/governance/assessment/data.py),
against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.assessment import services
from governance.assessment.models import ScoreSheet

pytestmark = pytest.mark.django_db


def sheet(period, subject_type, pk) -> ScoreSheet:
    return ScoreSheet.objects.current().get(period=period, subject_type=subject_type, subject_id=pk)


def lines(s: ScoreSheet) -> dict:
    return {line["key"]: line for line in s.lines}


def test_grid_worker_indicators_by_hand(world, october):
    cases, period = october
    services.compute_provisional(period.pk)
    s = sheet(period, "grid_worker", world.users.worker.pk)
    got = lines(s)
    # 有效上报率: reported W1 W2 W3 V1, valid W1 W3 → 2/4 → 50 points × 40 % = 20
    assert (got["valid_report_rate"]["numerator"], got["valid_report_rate"]["denominator"]) == (2, 4)
    assert sorted(got["valid_report_rate"]["num_ids"]) == sorted([cases.W1.pk, cases.W3.pk])
    assert got["valid_report_rate"]["weighted"] == "20.00"
    # 漏报率: registered in a1x W1 W3 V1 P1 P2, by others P1 P2 → 2/5 → (1 − 0.4) × 100 × 20 % = 12
    assert (got["missed_report_rate"]["numerator"], got["missed_report_rate"]["denominator"]) == (2, 5)
    assert got["missed_report_rate"]["weighted"] == "12.00"
    # 按时核实率: of P1 P2, P1 registered on time → 1/2 → 10
    assert (got["confirm_on_time_rate"]["numerator"], got["confirm_on_time_rate"]["denominator"]) == (1, 2)
    assert got["confirm_on_time_rate"]["weighted"] == "10.00"
    # 按时核查率: checked and closed W1 W3 P2, on time W1 W3 → 2/3 → 13.33
    assert (got["check_on_time_rate"]["numerator"], got["check_on_time_rate"]["denominator"]) == (2, 3)
    assert got["check_on_time_rate"]["weighted"] == "13.33"
    assert got["hazards_found"]["numerator"] == 0 and got["hazards_found"]["weighted"] == "0.00"
    # 20 + 12 + 10 + 13.333 = 55.33 → 不合格, coefficient 0.7
    assert s.total == Decimal("55.33") and s.grade == "fail" and s.coefficient == Decimal("0.70")


def test_department_indicators_by_hand(world, october):
    cases, period = october
    services.compute_provisional(period.pk)
    urban = lines(sheet(period, "department", world.urban.pk))
    # 立案数 3 → band 0–50 → 100 × 10 % = 10
    assert urban["registered_count"]["numerator"] == 3 and urban["registered_count"]["weighted"] == "10.00"
    # 结案率 3/3 → 30; 按期处置率 W1 B1 of 3 → 20; 返工率 W3 of 3 → (1 − 1/3) × 30 = 20
    assert urban["closure_rate"]["weighted"] == "30.00"
    assert (urban["on_time_rate"]["numerator"], urban["on_time_rate"]["denominator"]) == (2, 3)
    assert urban["on_time_rate"]["weighted"] == "20.00"
    assert (urban["rework_rate"]["numerator"], urban["rework_rate"]["denominator"]) == (1, 3)
    assert urban["rework_rate"]["weighted"] == "20.00"
    s = sheet(period, "department", world.urban.pk)
    assert s.total == Decimal("80.00") and s.grade == "B"
    # Safety: 立案 P1 P2 → 10; 结案率 1/2 → 15; 按期 1/1 → 30; 返工 0/1 → 30 → 85, B
    safety = sheet(period, "department", world.safety.pk)
    assert safety.total == Decimal("85.00") and safety.grade == "B"
    # The police had nothing to handle: no rate applies, so no score, no grade, no rank.
    police = sheet(period, "department", world.police.pk)
    assert police.total is None and police.grade == "" and police.rank is None
    assert s.rank == 2 and safety.rank == 1


def test_registered_count_bands():
    from governance.assessment.scoring import band_points

    bands = [[50, 100], [100, 90], [200, 75], [500, 60], [999, 40], [None, 0]]
    assert [band_points(bands, v) for v in (0, 50, 51, 100, 101, 200, 201, 500, 501, 999, 1000, 5000)] == [
        100, 100, 90, 90, 75, 75, 60, 60, 40, 40, 0, 0]


def test_community_indicators_by_hand(world, october):
    cases, period = october
    services.compute_provisional(period.pk)
    s = sheet(period, "community", world.community_a1.pk)
    got = lines(s)
    # 事件处置率: closed W1 W3 P2 of live W1 W3 P1 P2 → 3/4 → 22.5
    assert (got["handling_rate"]["numerator"], got["handling_rate"]["denominator"]) == (3, 4)
    assert got["handling_rate"]["weighted"] == "22.50"
    # per 10,000 residents beside the raw count (population 5000)
    assert got["handling_rate"]["per_10k"] == 6.0
    # 按期结案率: W1 P2 of W1 W3 P2 → 20; 有效上报率 4/6 → 13.33; 漏报率 2/5 → 12
    assert got["on_time_rate"]["weighted"] == "20.00"
    assert (got["valid_report_rate"]["numerator"], got["valid_report_rate"]["denominator"]) == (4, 6)
    assert got["valid_report_rate"]["weighted"] == "13.33"
    assert got["missed_report_rate"]["weighted"] == "12.00"
    # 22.5 + 20 + 13.333 + 12 = 67.83 → 不合格
    assert s.total == Decimal("67.83") and s.grade == "fail" and s.population == 5000


def test_zone_indicators_by_hand(world, october):
    cases, period = october
    services.compute_provisional(period.pk)
    got = lines(sheet(period, "zone", world.zone_a.pk))
    assert got["handling_rate"]["weighted"] == "22.50"
    assert got["on_time_rate"]["weighted"] == "20.00"
    # 返工率 1/3 → 66.67 × 20 % = 13.33
    assert got["rework_rate"]["weighted"] == "13.33"
    # 按时立案率: of W1 W3 V1 P1 P2 only P2's registration ran late → 4/5 → 8
    assert (got["register_on_time_rate"]["numerator"], got["register_on_time_rate"]["denominator"]) == (4, 5)
    assert got["register_on_time_rate"]["weighted"] == "8.00"
    # 红牌: one (P1) → 10 − 2 = 8 (floored at zero)
    assert got["red_cards"]["numerator"] == 1 and got["red_cards"]["num_ids"] == [cases.P1.pk]
    assert got["red_cards"]["weighted"] == "8.00"
    zone_a = sheet(period, "zone", world.zone_a.pk)
    assert zone_a.total == Decimal("71.83") and zone_a.grade == "C"
    zone_b = sheet(period, "zone", world.zone_b.pk)
    assert zone_b.total == Decimal("100.00") and zone_b.grade == "A" and zone_b.rank == 1


def test_deductions_floor_at_zero_and_bonuses_are_capped():
    from governance.assessment.scoring import Rule, points_of, total_of

    deduction = Rule("red", "deduction", weight=Decimal(10), per_item=Decimal(2), has_denominator=False)
    assert [points_of(deduction, n) for n in (0, 1, 5, 9)] == [10, 8, 0, 0]
    bonus = Rule("hz", "bonus", per_item=Decimal("0.5"), cap=Decimal(3), has_denominator=False)
    assert [points_of(bonus, n) for n in (0, 1, 6, 40)] == [0, 0.5, 3, 3]
    lines = [
        {"scoring": "rate", "weight": "100", "points": 100.0, "denominator": 1},
        {"scoring": "bonus", "weight": "0", "points": 3.0},
        {"scoring": "bonus", "weight": "0", "points": 3.0},
    ]
    assert total_of(lines, Decimal(5)) == Decimal("105.00")  # the scheme's bonus cap: +5 at most


def test_excluded_case_is_not_counted(world, october):
    cases, period = october
    services.exclude_case(cases.W2.pk, actor=world.users.street, reason="unreasonable", note="报告重复")
    services.compute_provisional(period.pk)
    got = lines(sheet(period, "grid_worker", world.users.worker.pk))
    assert (got["valid_report_rate"]["numerator"], got["valid_report_rate"]["denominator"]) == (2, 3)
    # The case's timeline says so, with the reason and the approver.
    event = cases.W2.events.get()
    assert event.data["assessment"] == "excluded" and event.actor == world.users.street and "报告重复" in event.note
