"""The contractor scheme: the firm's score from its contracts' scorecards (SAFETY.md §8.4), on the
contractors' hand-built quarter (tests.contractors.test_scorecard), against a hand computation;
the ranking, the drill-down to the scorecard's rows, and who sees a firm's sheet."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contractors.selectors.scorecard import rows
from governance.assessment import services
from governance.assessment.models import Period, Scheme, ScoreSheet
from tests.contractors.conftest import cw  # noqa: F401  (fixture)
from tests.contractors.fixtures import Q3
from tests.contractors.test_scorecard import quarter  # noqa: F401  (fixture)
from tests.inspections.conftest import enterprises  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# key: (numerator, denominator, points of the line out of 100, weighted points) — written by hand
# from the quarter's story (see tests.contractors.test_scorecard.quarter)
EXPECTED = {
    "coverage": (1, 2, "7.50"),  # 15 × 1/2
    "on_time": (1, 5, "3.00"),  # 15 × 1/5
    "quality": (2, 3, "13.33"),  # 20 × 2/3
    "closure": (1, 2, "10.00"),  # 20 × 1/2
    "reporting": (1, 1, "10.00"),
    "reports": (1, 2, "5.00"),
    "satisfaction": (11, 15, "7.33"),  # survey scores 4 + 2 + 5 of 3 × 5, × 10
    "misses": (1, None, "-5.00"),  # one major hazard missed at the spot check: 5 points off, uncapped
}


@pytest.fixture
def q3(cw, quarter):  # noqa: F811
    period = Period.objects.create(kind="quarter", start=Q3.start, end=Q3.end)
    services.compute_provisional(period.pk, now=dt.datetime(2026, 10, 8, 9, tzinfo=dt.UTC))
    return period


def sheet_of(period, firm) -> ScoreSheet:
    return ScoreSheet.objects.get(period=period, subject_type="contractor", subject_id=firm.pk, is_current=True)


def test_the_scheme_is_pre_loaded_with_the_scorecard_weights():
    scheme = Scheme.objects.current().get(subject_type="contractor")
    weights = {i.key: (i.scoring, i.weight, i.per_item) for i in scheme.indicators.all()}
    assert {k: int(w) for k, (s, w, _p) in weights.items() if s == "rate"} == {
        "coverage": 15, "on_time": 15, "quality": 20, "closure": 20, "reporting": 10, "reports": 10, "satisfaction": 10}
    assert weights["misses"] == ("penalty", Decimal("0"), Decimal("5.00"))


def test_a_firm_s_sheet_against_a_hand_computation(cw, q3):  # noqa: F811
    sheet = sheet_of(q3, cw.firm_a)
    got = {line["key"]: (line["numerator"], line["denominator"], line["weighted"]) for line in sheet.lines}
    assert got == EXPECTED
    # 7.5 + 3 + 13.333 + 10 + 10 + 5 + 7.333 − 5 = 51.17 (the scorecard rounds each line: 51.16)
    assert sheet.total == Decimal("51.17")
    assert (sheet.grade, sheet.grade_label, sheet.coefficient) == ("fail", "不合格", Decimal("0.70"))
    assert sheet.subject_name == cw.firm_a.name and sheet.zone_id is None


def test_each_line_keeps_the_scorecard_s_rows(cw, q3):  # noqa: F811
    sheet = sheet_of(q3, cw.firm_a)
    for line in sheet.lines:
        if line["key"] == "misses":
            continue
        base, counted = rows(cw.contract_a, Q3, line["key"])
        assert sorted(line["den_ids"]) == sorted(base.values_list("pk", flat=True)), line["key"]
        assert sorted(line["num_ids"]) == sorted(counted.values_list("pk", flat=True)), line["key"]


def test_the_penalty_floors_the_total_at_zero():
    from governance.assessment import scoring

    lines = [{"scoring": "rate", "weight": "100", "points": 10.0, "denominator": 1},
             {"scoring": "penalty", "weight": "0", "points": -25.0, "denominator": None}]
    assert scoring.total_of(lines, Decimal(5)) == Decimal("0.00")
    rule = scoring.Rule("m", "penalty", per_item=Decimal(5), has_denominator=False)
    assert scoring.points_of(rule, 7) == -35.0


def test_the_ranking_and_the_drill_down(cw, q3, world, page_for):  # noqa: F811
    page = page_for(world.users.street)
    body = page.get(reverse("assessment:ranking"), {"period": q3.pk, "type": "contractor"}).content.decode()
    assert cw.firm_a.name in body and cw.firm_b.name in body
    sheet = sheet_of(q3, cw.firm_a)
    html = page.get(reverse("assessment:line", args=[sheet.pk, "coverage"])).content.decode()
    drill = reverse("contractors:scorecard-drill", args=[cw.contract_a.pk, "coverage"]) + "?period=2026Q3"
    assert html.count(drill) == 2  # both enterprises of contract A, linked to the scorecard's line
    assert len(re.findall(r"<td>✓</td><td>✓</td>", html)) == 1  # one of them served


def test_who_sees_a_firm_s_sheet(cw, q3, world, page_for):  # noqa: F811
    a, b = sheet_of(q3, cw.firm_a), sheet_of(q3, cw.firm_b)
    own = page_for(cw.staff_a)
    assert own.get(reverse("assessment:sheet", args=[a.pk])).status_code == 200
    assert own.get(reverse("assessment:sheet", args=[b.pk])).status_code == 404
    assert own.get(reverse("assessment:line", args=[b.pk, "coverage"])).status_code == 404
    ranking = own.get(reverse("assessment:ranking"), {"period": q3.pk}).content.decode()
    assert cw.firm_a.name in ranking and cw.firm_b.name not in ranking
    assert [s.pk for s in ScoreSheet.objects.visible_to(cw.staff_a)] == [a.pk]
    assert set(ScoreSheet.objects.visible_to(world.users.safety).filter(subject_type="contractor")) == {a, b}
    assert not ScoreSheet.objects.visible_to(world.users.zone_leader).filter(subject_type="contractor").exists()
