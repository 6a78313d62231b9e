"""Findings become hazards through inspections' services (same loop, the staff member as
reporter); a major one must be reported within 2 hours, late ones counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casework.errors import Refused
from contractors.models import Finding
from contractors.selectors.scorecard import rows, scorecard
from contractors.services import findings
from contractors.services.visits import apply_visit_action
from inspections.choices import HazardSource, HazardStatus
from inspections.models import Hazard
from inspections.services import available_hazard_actions
from tests.contractors.fixtures import Q3, at, position

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def started(cw):
    visit = cw.visit(cw.plan_a1x, dt.date(2026, 7, 10))
    apply_visit_action(visit.pk, actor=cw.staff_a, action="start", params=position(visit.enterprise), now=at(7, 10, 9))
    return visit


def test_a_finding_is_a_hazard_in_the_common_loop_with_the_staff_member_as_finder(cw, world, started):
    finding = findings.record_finding(started.pk, actor=cw.staff_a, description="灭火器过期", now=at(7, 10, 9, 20))
    hazard = Hazard.objects.get(pk=finding.hazard_id)
    assert hazard.source == HazardSource.CONTRACTOR and hazard.reporter == cw.staff_a
    assert hazard.enterprise_id == started.enterprise_id and hazard.status == HazardStatus.RECORDED
    assert hazard.code.startswith("YH-2026-")
    assert not finding.major and finding.report_due_at is None
    # the safety office sees it in its list and may confirm it (the loop is the hazards' own)
    assert Hazard.objects.visible_to(world.users.safety).filter(pk=hazard.pk).exists()
    assert "confirm" in available_hazard_actions(world.users.safety, hazard)
    assert hazard.events.get().kind == "record"


def test_findings_only_while_the_visit_is_under_way_and_by_its_firm(cw, started):
    planned = cw.visit(cw.plan_a1x, dt.date(2026, 8, 10))
    with pytest.raises(Refused):
        findings.record_finding(planned.pk, actor=cw.staff_a, description="x")
    with pytest.raises(ValidationError):
        findings.record_finding(started.pk, actor=cw.staff_a, description="  ")
    assert not Hazard.objects.exists() and not Finding.objects.exists()


def test_a_major_finding_starts_a_two_hour_clock(cw, started):
    found = at(7, 10, 9, 30)
    finding = findings.record_finding(started.pk, actor=cw.staff_a, description="地下室存放液化气钢瓶", major=True, now=found)
    assert finding.major and finding.report_due_at == found + dt.timedelta(hours=2)
    assert finding.hazard.proposed_level == "major"
    on_time = findings.report_major(finding.pk, actor=cw.staff_a, now=found + 119 * MIN)
    assert on_time.reported_at is not None and not on_time.late
    with pytest.raises(Refused):
        findings.report_major(finding.pk, actor=cw.staff_a, now=found + 121 * MIN)


def test_a_report_after_two_hours_is_late(cw, started):
    found = at(7, 10, 9, 30)
    finding = findings.record_finding(started.pk, actor=cw.staff_a, description="重大", major=True, now=found)
    assert findings.report_major(finding.pk, actor=cw.staff_a, now=found + 121 * MIN).late


def test_the_sweep_marks_unreported_majors_late_once(cw, started):
    found = at(7, 10, 9, 30)
    finding = findings.record_finding(started.pk, actor=cw.staff_a, description="重大", major=True, now=found)
    assert findings.sweep_late_reports(now=found + 119 * MIN) == 0
    assert findings.sweep_late_reports(now=found + 121 * MIN) == 1
    assert findings.sweep_late_reports(now=found + 200 * MIN) == 0  # run again or late: same result
    finding.refresh_from_db()
    assert finding.late and finding.reported_at is None
    # reporting now still records the time, and it stays late
    assert findings.report_major(finding.pk, actor=cw.staff_a, now=found + 300 * MIN).late


def test_the_beat_task_runs_the_sweep(cw, started):
    from contractors.tasks import sweep_major_reports

    findings.record_finding(started.pk, actor=cw.staff_a, description="重大", major=True, now=at(7, 10, 9, 30))
    assert sweep_major_reports() == 1


def test_a_general_finding_is_not_reported_on_the_clock(cw, started):
    finding = findings.record_finding(started.pk, actor=cw.staff_a, description="一般", now=at(7, 10, 9, 30))
    with pytest.raises(Refused):
        findings.report_major(finding.pk, actor=cw.staff_a)


def test_late_reports_count_against_the_reporting_line(cw, started):
    found = at(7, 10, 9, 30)
    a = findings.record_finding(started.pk, actor=cw.staff_a, description="重大一", major=True, now=found)
    b = findings.record_finding(started.pk, actor=cw.staff_a, description="重大二", major=True, now=found + MIN)
    findings.record_finding(started.pk, actor=cw.staff_a, description="重大三", major=True, now=found + 2 * MIN)
    findings.report_major(a.pk, actor=cw.staff_a, now=found + 30 * MIN)
    findings.report_major(b.pk, actor=cw.staff_a, now=found + 150 * MIN)
    findings.sweep_late_reports(now=found + dt.timedelta(hours=5))
    line = scorecard(cw.contract_a, Q3).line("reporting")
    base, counted = rows(cw.contract_a, Q3, "reporting")
    assert (line.numerator, line.denominator) == (1, 3) == (counted.count(), base.count())
    assert line.score == round(cw.contract_a.weight("reporting") / 3, 2)
