"""A contractors world over the shared `world` and `enterprises`: two firms, each with a login.

Firm A serves a1x and a1y (contract A), firm B serves a2x (contract B); b1x is nobody's. Every
time is in 2026Q3 (July–September 2026), so the scorecard's period is fixed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from contractors.selectors.scorecard import Period
from contractors.services import contracts, firms, plans
from grids.choices import Role
from inspections.creditcode import fictional_code
from tests import factories as f

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
TZ = timezone.get_fixed_timezone(8 * 60)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def build(world, enterprises) -> SimpleNamespace:
    street = world.users.street
    staff_a = f.UserFactory(username="p_staff_a", role=Role.CONTRACTOR)
    staff_a2 = f.UserFactory(username="p_staff_a2", role=Role.CONTRACTOR)
    staff_b = f.UserFactory(username="p_staff_b", role=Role.CONTRACTOR)
    firm_a = firms.register_firm(actor=street, name="甲安全服务公司", credit_code=fictional_code(91_500_001),
                                 qualifications=[{"certificate": "备案", "level": "乙级"}], contacts=[{"name": "甲联系人"}])
    firm_b = firms.register_firm(actor=street, name="乙安全服务公司", credit_code=fictional_code(91_500_002))
    row_a = firms.add_staff(actor=street, firm=firm_a, name="甲员工", certificate_no="ZA1", user=staff_a)
    firms.add_staff(actor=street, firm=firm_a, name="甲员工二", certificate_no="ZA2", user=staff_a2)
    firms.add_staff(actor=street, firm=firm_b, name="乙员工", certificate_no="ZB1", user=staff_b)
    e = enterprises
    contract_a = contracts.create_contract(
        actor=street, firm=firm_a, number="HT-A", title="甲合同", amount=Decimal("400000.00"), starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2027, 6, 30), scope={e["a1x"]: 4, e["a1y"]: 4},
        milestones=[{"title": "首付", "amount": Decimal("120000"), "due_on": dt.date(2026, 7, 15)},
                    {"title": "尾款", "amount": Decimal("280000"), "due_on": dt.date(2027, 6, 30)}])
    contract_b = contracts.create_contract(
        actor=street, firm=firm_b, number="HT-B", title="乙合同", amount=Decimal("200000.00"), starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2027, 6, 30), scope={e["a2x"]: 2},
        milestones=[{"title": "首付", "amount": Decimal("60000"), "due_on": dt.date(2026, 7, 15)}])
    made = at(7, 1, 9)
    plan_a1x = plans.create_plan(actor=staff_a, contract=contract_a, enterprise=e["a1x"], now=made,
                                 visit_dates=["2026-07-10", "2026-08-10", "2026-09-10"], risks="燃气")
    plan_a1y = plans.create_plan(actor=staff_a, contract=contract_a, enterprise=e["a1y"], now=made,
                                 visit_dates=["2026-07-20", "2026-09-20"])
    plan_b = plans.create_plan(actor=staff_b, contract=contract_b, enterprise=e["a2x"], now=made, visit_dates=["2026-08-05"])
    return SimpleNamespace(
        firm_a=firm_a, firm_b=firm_b, staff_a=staff_a, staff_a2=staff_a2, staff_b=staff_b, row_a=row_a,
        contract_a=contract_a, contract_b=contract_b, plan_a1x=plan_a1x, plan_a1y=plan_a1y, plan_b=plan_b,
        visit=lambda plan, day: plan.visits.get(planned_on=day),
    )


def position(enterprise, *, north_m: float = 0) -> dict:
    """The enterprise's point moved `north_m` metres north."""
    return {"latitude": f"{enterprise.latitude + north_m / 111_320:.6f}", "longitude": f"{enterprise.longitude:.6f}"}


def firm_objects(cw, firm: str = "b") -> dict[str, dict]:
    """URL kwargs of one firm's objects of every kind, after one visit with a finding and a spot
    check (firm B: a2x; firm A: a1x), keyed by the kinds ROUTE_KINDS names."""
    from contractors.services import findings, spotchecks
    from contractors.services.visits import apply_visit_action

    staff, plan = (cw.staff_b, cw.plan_b) if firm == "b" else (cw.staff_a, cw.plan_a1x)
    visit = plan.visits.order_by("planned_on").first()
    start = timezone.now() - dt.timedelta(days=3)
    apply_visit_action(visit.pk, actor=staff, action="start", params=position(visit.enterprise), now=start)
    finding = findings.record_finding(visit.pk, actor=staff, description="消防通道堵塞", major=True, now=start + dt.timedelta(minutes=5))
    apply_visit_action(visit.pk, actor=staff, action="finish", params={}, now=start + dt.timedelta(minutes=50))
    from contractors.models import Contract
    from grids.models import User

    street = User.objects.get(username="p_street")
    contract = Contract.objects.get(pk=plan.contract_id)
    [check] = spotchecks.draw_sample(actor=street, contract=contract.pk, size=1)
    # done: a firm sees a spot check only once it has been carried out
    spotchecks.record_spot_check(check.pk, actor=User.objects.get(username="p_safety"), note="复查无新隐患")
    milestone = contract.milestones.first()
    return {
        "contractor_firm": {"pk": contract.firm_id},
        "contractor_firm_part": {"pk": contract.firm_id, "part": "contact"},
        "contractor_contract": {"pk": contract.pk},
        "contractor_drill": {"pk": contract.pk, "key": "coverage"},
        "contractor_milestone": {"pk": milestone.pk},
        "contractor_contract_milestone": {"pk": contract.pk, "milestone_pk": milestone.pk},
        "contractor_plan": {"pk": plan.pk},
        "contractor_visit": {"pk": visit.pk},
        "contractor_finding": {"pk": finding.pk},
        "contractor_check": {"pk": check.pk},
        "_hazard": {"pk": finding.hazard_id},
    }


# Every contractors route (pages and API) and the kind of object its kwargs name.
ROUTE_KINDS: dict[str, str] = {
    "contractors:firm-detail": "contractor_firm",
    "contractors:firm-edit": "contractor_firm",
    "contractors:firm-part-add": "contractor_firm_part",
    "contractors:plan-create": "contractor_contract",
    "contractors:contract-detail": "contractor_contract",
    "contractors:milestone-pay": "contractor_contract_milestone",
    "contractors:scorecard": "contractor_contract",
    "contractors:scorecard-drill": "contractor_drill",
    "contractors:scorecard-export": "contractor_contract",
    "contractors:spotcheck-draw": "contractor_contract",
    "contractors:spotcheck-detail": "contractor_check",
    "contractors:plan-detail": "contractor_plan",
    "contractors:plan-revise": "contractor_plan",
    "contractors:visit-detail": "contractor_visit",
    "contractors:visit-act": "contractor_visit",
    "contractors:visit-finding": "contractor_visit",
    "contractors:visit-report": "contractor_visit",
    "contractors:finding-report": "contractor_finding",
    "contractor-firm-detail": "contractor_firm",
    "service-contract-detail": "contractor_contract",
    "service-contract-scorecard": "contractor_contract",
    "service-contract-draw": "contractor_contract",
    "milestone-detail": "contractor_milestone",
    "milestone-pay": "contractor_milestone",
    "service-plan-detail": "contractor_plan",
    "service-visit-detail": "contractor_visit",
    "service-visit-actions": "contractor_visit",
    "service-visit-findings": "contractor_visit",
    "service-visit-report": "contractor_visit",
    "visit-finding-detail": "contractor_finding",
    "visit-finding-report": "contractor_finding",
    "spot-check-detail": "contractor_check",
    "spot-check-record": "contractor_check",
}
