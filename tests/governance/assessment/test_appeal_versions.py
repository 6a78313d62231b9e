"""Appeals against two lines of one sheet both change the score; an adjustment stays within what
its line can carry; a provisional sheet takes no comment (it is replaced every night)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.errors import Refused
from governance.assessment import appeals, services
from governance.assessment.models import ScoreSheet
from tests.governance.assessment.test_appeals import published, submit  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def forward(world, appeal):
    appeals.act(appeal.pk, actor=world.users.zone_leader, action="forward", params={"opinion": "属实"})


def test_two_appeals_on_two_lines_of_one_sheet_both_take_effect(world, published):  # noqa: F811
    cases, period, sheet = published
    first = submit(world, sheet)
    second = submit(world, sheet, line_key="check_on_time_rate")
    forward(world, first)
    forward(world, second)
    appeals.act(first.pk, actor=world.users.street, action="adjust", params={"points": "100", "note": "认可"})
    appeals.act(second.pk, actor=world.users.street, action="adjust", params={"points": "100", "note": "认可"})
    first.refresh_from_db()
    second.refresh_from_db()
    versions = ScoreSheet.objects.filter(period=period, subject_type="grid_worker", subject_id=sheet.subject_id)
    assert sorted(versions.values_list("version", "is_current")) == [(1, False), (2, False), (3, True)]
    last = second.result_sheet
    assert last.version == 3 and first.result_sheet.version == 2
    # the third version carries both adjustments
    assert last.line("valid_report_rate")["points"] == 100 and last.line("check_on_time_rate")["points"] == 100
    assert last.total > first.result_sheet.total
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal("55.33")  # the original stays


@pytest.mark.parametrize("points", ["101", "-1", "NaN", "Infinity"])
def test_an_adjustment_outside_the_lines_range_is_refused(world, published, points):  # noqa: F811
    cases, period, sheet = published
    appeal = submit(world, sheet)
    forward(world, appeal)
    with pytest.raises(ValidationError):
        appeals.act(appeal.pk, actor=world.users.street, action="adjust", params={"points": points, "note": "x"})
    appeal.refresh_from_db()
    assert appeal.status == "street_review" and appeal.result_sheet is None


def test_points_range_by_line_kind():
    assert appeals.points_range({"scoring": "rate", "weight": "40"}) == (0, 100)
    assert appeals.points_range({"scoring": "deduction", "weight": "10"}) == (0, 10)
    assert appeals.points_range({"scoring": "bonus", "weight": "0", "cap": "5"}) == (0, 5)
    assert appeals.points_range({"scoring": "bonus", "weight": "0", "cap": None}) == (0, None)
    assert appeals.points_range({"scoring": "penalty", "weight": "0"}) == (None, 0)


def test_a_provisional_sheet_takes_no_comment_and_recomputes(world, october):
    cases, period = october
    services.compute_provisional(period.pk)
    sheet = ScoreSheet.objects.current().get(period=period, subject_type="grid_worker", subject_id=world.users.worker.pk)
    with pytest.raises(Refused):
        services.comment_on_sheet(sheet.pk, actor=world.users.zone_leader, text="上报质量需提高")
    assert services.compute_provisional(period.pk) > 0
    published_period = services.publish_period(period.pk, actor=world.users.street)
    sheet = ScoreSheet.objects.current().get(period=published_period, subject_type="grid_worker", subject_id=world.users.worker.pk)
    assert services.comment_on_sheet(sheet.pk, actor=world.users.zone_leader, text="上报质量需提高").sheet_id == sheet.pk
