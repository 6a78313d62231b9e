"""What a firm cannot do to its own score: cancel a visit whose day has come (the on-time line
leaves cancelled visits out), drop a past day from its plan, or see a spot-check draw before the
check is done. A day dropped and planned again gets a visit again."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.errors import Refused
from contractors.choices import VisitStatus
from contractors.models import SpotCheck
from contractors.services import plans, spotchecks
from contractors.services.visits import apply_visit_action
from tests.contractors.fixtures import at
from tests.contractors.test_visits import run


def test_the_firm_cannot_cancel_a_visit_whose_day_has_come_but_the_office_can(cw, world):
    visit = cw.visit(cw.plan_a1x, dt.date(2026, 8, 10))  # before today: its day has come
    with pytest.raises(Refused):
        apply_visit_action(visit.pk, actor=cw.staff_a, action="cancel", params={"reason": "企业停业"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    apply_visit_action(visit.pk, actor=world.users.street, action="cancel", params={"reason": "企业停业"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_the_firm_may_still_cancel_a_visit_ahead(cw):
    ahead = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    plan = plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_a, note="加一次", visit_dates=["2026-07-20", "2026-09-20", ahead])
    visit = plan.visits.get(planned_on=ahead)
    apply_visit_action(visit.pk, actor=cw.staff_a, action="cancel", params={"reason": "改期"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_revising_a_plan_keeps_a_past_day_as_missed(cw):
    plan = plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_a, note="九月不去了", now=at(9, 25), visit_dates=["2026-07-20"])
    assert dict(plan.visits.values_list("planned_on", "status")) == {
        dt.date(2026, 7, 20): VisitStatus.PLANNED, dt.date(2026, 9, 20): VisitStatus.PLANNED}


def test_a_day_dropped_and_planned_again_gets_a_visit(cw):
    plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_a, note="九月改期", now=at(8, 1), visit_dates=["2026-07-20"])
    plan = plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_a, note="九月照旧", now=at(8, 2),
                             visit_dates=["2026-07-20", "2026-09-20"])
    september = sorted(plan.visits.filter(planned_on=dt.date(2026, 9, 20)).values_list("status", flat=True))
    assert september == [VisitStatus.CANCELLED, VisitStatus.PLANNED]


def test_the_firm_sees_a_spot_check_only_once_it_is_done(cw, world):
    run(cw, cw.visit(cw.plan_a1y, dt.date(2026, 9, 20)), start=at(9, 20), minutes=45)
    [check] = spotchecks.draw_sample(actor=world.users.street, contract=cw.contract_a.pk, now=at(9, 25))
    assert not SpotCheck.objects.visible_to(cw.staff_a).exists()
    assert SpotCheck.objects.visible_to(world.users.street).filter(pk=check.pk).exists()
    spotchecks.record_spot_check(check.pk, actor=world.users.safety, now=at(9, 26, 10))
    assert list(SpotCheck.objects.visible_to(cw.staff_a).values_list("pk", flat=True)) == [check.pk]
    assert not SpotCheck.objects.visible_to(cw.staff_b).exists()
