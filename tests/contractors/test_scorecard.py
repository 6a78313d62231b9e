"""The scorecard on a hand-built quarter: every line's figures are written out by hand below, and
every line equals the rows of its drill-down page; the miss penalty and the pay rule."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contractors.selectors.scorecard import rows, scorecard
from contractors.services import findings, spotchecks
from contractors.services.visits import apply_visit_action, upload_report
from inspections.demo_rectification import _photo
from inspections.services import apply_hazard_action, record_hazard
from tests.contractors.fixtures import Q3, at, position

MIN = dt.timedelta(minutes=1)


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("r.pdf", b"%PDF-1.4 report", content_type="application/pdf")


def visit_done(cw, plan, planned, *, start, minutes, north_m=0, survey=None, found=(), review=None, safety=None):
    visit = cw.visit(plan, planned)
    actor = cw.staff_a
    apply_visit_action(visit.pk, actor=actor, action="start", params=position(visit.enterprise, north_m=north_m), now=start)
    made = [findings.record_finding(visit.pk, actor=actor, description=text, major=major, now=start + 10 * MIN)
            for text, major in found]
    apply_visit_action(visit.pk, actor=actor, action="finish", now=start + minutes * MIN,
                       params={"survey_score": survey} if survey else {})
    if review:
        upload_report(visit.pk, actor=actor, report=pdf(), now=start + dt.timedelta(hours=5))
        apply_visit_action(visit.pk, actor=safety, action="review", params={"result": review}, now=start + dt.timedelta(days=1))
    return visit, made


@pytest.fixture
def quarter(cw, world):
    safety = world.users.safety
    # a1x 07-10: on time, accepted; a general hazard closed on the spot, a major one reported in time
    _v, (f1, f2) = visit_done(cw, cw.plan_a1x, dt.date(2026, 7, 10), start=at(7, 10, 9), minutes=45, survey=4,
                              found=[("灭火器过期", False), ("液化气钢瓶存放于地下室", True)], review="passed", safety=safety)
    findings.report_major(f2.pk, actor=cw.staff_a, now=at(7, 10, 10))
    apply_hazard_action(f1.hazard_id, actor=safety, action="confirm", params={"level": "general"}, now=at(7, 10, 15))
    closed = at(7, 12, 10)
    apply_hazard_action(f1.hazard_id, actor=safety, action="close_on_spot", params={"note": "已整改"},
                        photos=[_photo(cw.plan_a1x.enterprise, closed)], now=closed)
    apply_hazard_action(f2.hazard_id, actor=safety, action="confirm", params={"level": "major", "major_reason": "地下室"},
                        now=at(7, 10, 16))
    # a1x 08-10: done on 08-20, beyond the 7 days' grace; its hazard voided; its report failed
    _v, (f3,) = visit_done(cw, cw.plan_a1x, dt.date(2026, 8, 10), start=at(8, 20, 9), minutes=45, survey=2,
                           found=[("误报", False)], review="failed", safety=safety)
    apply_hazard_action(f3.hazard_id, actor=safety, action="void", params={"reason": "误报"}, now=at(8, 20, 15))
    # a1x 09-10: never visited; a1y 07-20: 900 m away; a1y 09-20: 10 minutes
    visit_done(cw, cw.plan_a1y, dt.date(2026, 7, 20), start=at(7, 21, 9), minutes=60, north_m=900, survey=5)
    visit_done(cw, cw.plan_a1y, dt.date(2026, 9, 20), start=at(9, 22, 9), minutes=10)
    # the spot check of 09-25 draws from visits finished since 08-26: a1y only; it finds a missed major hazard
    [check] = spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, size=20, seed=1, now=at(9, 25))
    missed = record_hazard(actor=safety, enterprise=check.enterprise_id, description="粉尘涉爆违规动火", now=at(9, 26, 9))
    apply_hazard_action(missed.pk, actor=safety, action="confirm", params={"level": "major", "major_reason": "动火"},
                        now=at(9, 26, 9, 30))
    return spotchecks.record_spot_check(check.pk, actor=safety, hazards=[missed.pk], now=at(9, 26, 10))


EXPECTED = {  # key: (numerator, denominator, score)
    "coverage": (1, 2, Decimal("7.50")),  # a1x has an accepted visit; a1y's are far and short
    "on_time": (1, 5, Decimal("3.00")),  # five planned; only a1x 07-10 done on time and accepted
    "quality": (2, 3, Decimal("8.33")),  # 20 × 2/3 = 13.33, minus 5 for the miss
    "closure": (1, 2, Decimal("10.00")),  # the voided one is out; one of two closed
    "reporting": (1, 1, Decimal("10.00")),
    "reports": (1, 2, Decimal("5.00")),
    "satisfaction": (3, 3, Decimal("7.33")),  # mean 11/3 of 5 × 10
}


def test_each_line_is_as_counted_by_hand(cw, quarter):
    card = scorecard(cw.contract_a, Q3)
    got = {line.key: (line.numerator, line.denominator, line.score) for line in card.lines}
    assert got == EXPECTED
    assert quarter.enterprise_id == cw.plan_a1y.enterprise_id and quarter.missed_major == 1 and quarter.result == "failed"
    assert card.misses == 1 and card.line("quality").penalty == Decimal("5.00")
    assert card.total == Decimal("51.16")
    # pay: 92 of 365 days of ¥400,000; below 80 points, 10 % withheld
    assert card.period_cost == Decimal("100821.92")
    assert card.withheld == Decimal("10082.19") and card.payable == Decimal("90739.73")
    assert card.cost_per_enterprise == Decimal("50410.96") and card.cost_per_closed == Decimal("100821.92")


def test_each_line_equals_its_drill_down(cw, quarter, world, page_for):
    page = page_for(world.users.street)
    card = scorecard(cw.contract_a, Q3)
    for line in card.lines:
        base, counted = rows(cw.contract_a, Q3, line.key)
        html = page.get(reverse("contractors:scorecard-drill", args=[cw.contract_a.pk, line.key]), {"period": "2026Q3"})
        assert html.status_code == 200
        body = html.content.decode()
        listed, ticked = len(re.findall(r"data-row=", body)), len(re.findall(r'data-counted="1"', body))
        assert (ticked, listed) == (line.numerator, line.denominator) == (counted.count(), base.count()), line.key
    misses = page.get(reverse("contractors:scorecard-drill", args=[cw.contract_a.pk, "misses"]), {"period": "2026Q3"})
    assert len(re.findall(r"data-row=", misses.content.decode())) == card.misses


def test_the_scorecard_page_shows_the_figures(cw, quarter, world, page_for):
    body = page_for(world.users.safety).get(reverse("contractors:scorecard", args=[cw.contract_a.pk]),
                                            {"period": "2026Q3"}).content.decode()
    assert 'data-testid="score-total">51.16<' in body and "10082.19" in body


def test_a_major_hazard_the_firm_found_is_not_a_miss(cw, world):
    safety = world.users.safety
    visit_done(cw, cw.plan_a1y, dt.date(2026, 9, 20), start=at(9, 22, 9), minutes=45, found=[("钢瓶", True)])
    [check] = spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, now=at(9, 25))
    found = cw.plan_a1y.visits.get(planned_on=dt.date(2026, 9, 20)).findings.get().hazard
    general = record_hazard(actor=safety, enterprise=check.enterprise_id, description="一般", now=at(9, 26, 9))
    check = spotchecks.record_spot_check(check.pk, actor=safety, hazards=[found.pk, general.pk], now=at(9, 26, 10))
    assert check.missed_major == 0 and check.result == "passed"
    assert scorecard(cw.contract_a, Q3).line("quality").penalty == 0


def test_each_miss_costs_the_contract_s_penalty_uncapped(cw, world):
    safety = world.users.safety
    visit_done(cw, cw.plan_a1y, dt.date(2026, 9, 20), start=at(9, 22, 9), minutes=45)
    [check] = spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, now=at(9, 25))
    missed = []
    for n in range(5):
        hazard = record_hazard(actor=safety, enterprise=check.enterprise_id, description=f"重大{n}", now=at(9, 26, 9, n))
        apply_hazard_action(hazard.pk, actor=safety, action="confirm", params={"level": "major", "major_reason": "x"},
                            now=at(9, 26, 9, 10 + n))
        missed.append(hazard.pk)
    spotchecks.record_spot_check(check.pk, actor=safety, hazards=missed, now=at(9, 26, 10))
    quality = scorecard(cw.contract_a, Q3).line("quality")
    assert quality.penalty == Decimal("25.00") and quality.score == Decimal("-5.00")  # 20 (nothing decided) − 25


def test_only_enterprises_visited_in_the_last_30_days_are_drawn(cw, world):
    visit_done(cw, cw.plan_a1x, dt.date(2026, 7, 10), start=at(7, 10, 9), minutes=45)
    from casework.errors import Refused

    with pytest.raises(Refused):
        spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, now=at(8, 15))
    assert len(spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, now=at(8, 5))) == 1


def test_weights_are_editable_per_contract(cw, world, quarter):
    from contractors.services.contracts import set_weights

    weights = {"coverage": 40, "on_time": 10, "quality": 10, "closure": 10, "reporting": 10, "reports": 10, "satisfaction": 10}
    set_weights(cw.contract_a.pk, actor=world.users.street, weights=weights, pass_mark=50)
    cw.contract_a.refresh_from_db()
    card = scorecard(cw.contract_a, Q3)
    assert card.line("coverage").score == Decimal("20.00") and card.withheld == 0  # 40 × 1/2; the pass mark is now 50


def test_a_flagged_visit_accepted_anyway_counts_as_done_and_drill_downs_stay_equal(cw, quarter, world, page_for):
    from contractors.models import Visit

    far = Visit.objects.get(plan=cw.plan_a1y, planned_on=dt.date(2026, 7, 20))
    short = Visit.objects.get(plan=cw.plan_a1y, planned_on=dt.date(2026, 9, 20))
    apply_visit_action(far.pk, actor=world.users.safety, action="accept_flagged", params={"reason": "厂区大门在北侧 900 米"})
    apply_visit_action(short.pk, actor=world.users.safety, action="reject_flagged", params={"reason": "只签了字"})
    card = scorecard(cw.contract_a, Q3)
    got = {line.key: (line.numerator, line.denominator) for line in card.lines}
    assert got["coverage"] == (2, 2)  # a1y is now covered by its accepted far visit
    assert got["on_time"] == (2, 5)  # the far visit (07-20, done 07-21) is on time; the rejected short one is not
    page = page_for(world.users.street)
    for line in card.lines:
        base, counted = rows(cw.contract_a, Q3, line.key)
        body = page.get(reverse("contractors:scorecard-drill", args=[cw.contract_a.pk, line.key]),
                        {"period": "2026Q3"}).content.decode()
        listed, ticked = len(re.findall(r"data-row=", body)), len(re.findall(r'data-counted="1"', body))
        assert (ticked, listed) == (line.numerator, line.denominator) == (counted.count(), base.count()), line.key


def test_the_scorecard_is_eight_queries_whatever_the_rows(cw, quarter, django_assert_num_queries):
    with django_assert_num_queries(8):  # one aggregate per line, and the misses
        scorecard(cw.contract_a, Q3)
    visit_done(cw, cw.plan_a1x, dt.date(2026, 9, 10), start=at(9, 10, 9), minutes=50, survey=5, found=[("堵塞", False)])
    with django_assert_num_queries(8):
        scorecard(cw.contract_a, Q3)
