"""Appeals: window, zone review, street office decisions, versions, the beat sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from casework.errors import Forbidden, Refused
from governance.assessment import appeals, services
from governance.assessment.models import Exclusion, ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, october):
    cases, period = october
    period = services.publish_period(period.pk, actor=world.users.street)
    sheet = ScoreSheet.objects.current().get(period=period, subject_type="grid_worker", subject_id=world.users.worker.pk)
    return cases, period, sheet


def submit(world, sheet, **kw):
    params = {"line_key": "valid_report_rate", "reason": "W2 不是无效上报", "evidence": "现场照片"} | kw
    return appeals.submit_appeal(sheet.pk, actor=world.users.worker, **params)


def test_exclusion_on_appeal_writes_a_new_version_and_keeps_the_original(world, published):
    cases, period, sheet = published
    appeal = submit(world, sheet, incident_id=cases.W2.pk)
    assert appeal.status == "zone_review"
    appeals.act(appeal.pk, actor=world.users.zone_leader, action="forward", params={"opinion": "属实"})
    appeals.act(appeal.pk, actor=world.users.street, action="exclude", params={"note": "重复举报，不计入"})
    appeal.refresh_from_db()
    original = ScoreSheet.objects.get(pk=sheet.pk)
    new = appeal.result_sheet
    assert appeal.status == "excluded" and new.version == 2 and new.is_current and not original.is_current
    assert original.total == Decimal("55.33") and original.line("valid_report_rate")["denominator"] == 4
    # W2 left the line's counts: 2/3 → 66.67 × 40 % = 26.67; 26.67 + 12 + 10 + 13.33 = 62.00
    line = new.line("valid_report_rate")
    assert (line["numerator"], line["denominator"]) == (2, 3) and cases.W2.pk not in line["den_ids"]
    assert new.total == Decimal("62.00")
    assert Exclusion.objects.filter(incident=cases.W2).exists()
    assert cases.W2.events.filter(data__assessment="excluded").count() == 1
    assert [e.kind for e in appeal.events.all()] == ["submitted", "forward", "exclude"]


def test_adjustment_versions_the_sheet(world, published):
    cases, period, sheet = published
    appeal = submit(world, sheet)
    appeals.act(appeal.pk, actor=world.users.zone_leader, action="forward", params={"opinion": "建议调整"})
    appeals.act(appeal.pk, actor=world.users.street, action="adjust", params={"points": "100", "note": "认可"})
    appeal.refresh_from_db()
    assert appeal.result_sheet.version == 2
    # 100 × 40 % + 12 + 10 + 13.33 = 75.33
    assert appeal.result_sheet.total == Decimal("75.33") and appeal.result_sheet.grade == "basic"
    assert ScoreSheet.objects.filter(period=period, subject_id=sheet.subject_id, subject_type="grid_worker").count() == 2
    # The old version cannot be appealed again; the new one can (another line).
    with pytest.raises(Refused):
        submit(world, sheet, line_key="check_on_time_rate")
    submit(world, appeal.result_sheet, line_key="check_on_time_rate")


def test_refusals_change_nothing(world, published, october):
    cases, period, sheet = published
    with pytest.raises(Forbidden):  # the zone leader of another zone may not even see it: 404
        appeals.submit_appeal(sheet.pk, actor=world.users.community, line_key="valid_report_rate", reason="x", evidence="y")
    with pytest.raises(Http404):
        appeals.submit_appeal(sheet.pk, actor=world.users.worker_b, line_key="valid_report_rate", reason="x", evidence="y")
    with pytest.raises(ValidationError):
        submit(world, sheet, line_key="nope")
    with pytest.raises(ValidationError):
        submit(world, sheet, incident_id=cases.B1.pk)  # not a case of this line
    appeal = submit(world, sheet)
    with pytest.raises(Refused):
        submit(world, sheet)  # one open appeal per line
    with pytest.raises(Refused):  # the street office decides only after the zone review
        appeals.act(appeal.pk, actor=world.users.street, action="uphold", params={"note": "x"})
    with pytest.raises(Http404):
        appeals.act(appeal.pk, actor=world.users.zone_leader_b, action="forward", params={"opinion": "x"})
    with pytest.raises(Refused):
        appeals.act(appeal.pk, actor=world.users.worker, action="forward", params={"opinion": "x"})
    appeal.refresh_from_db()
    assert appeal.status == "zone_review" and appeal.events.count() == 1


def test_the_window_closes_after_three_working_days(world, published):
    cases, period, sheet = published
    late = period.appeal_until + dt.timedelta(minutes=1)
    with pytest.raises(Refused):
        submit(world, sheet, now=late)


def test_the_sweep_passes_overdue_zone_reviews_on_and_reports_overdue_street_reviews(world, published):
    cases, period, sheet = published
    appeal = submit(world, sheet)
    later = appeal.due_at + dt.timedelta(minutes=1)
    assert appeals.sweep_appeals(now=later) == {"expired": 1, "reported": 0}
    appeal.refresh_from_db()
    assert appeal.status == "street_review" and appeal.due_at > later
    assert appeals.sweep_appeals(now=later) == {"expired": 0, "reported": 0}  # run twice: nothing more
    much_later = appeal.due_at + dt.timedelta(minutes=1)
    assert appeals.sweep_appeals(now=much_later) == {"expired": 0, "reported": 1}
    assert appeals.sweep_appeals(now=much_later) == {"expired": 0, "reported": 0}
    assert [e.kind for e in appeal.events.all()] == ["submitted", "expire", "overdue"]
    assert timezone.is_aware(appeal.due_at)
