"""Paying a milestone on PostgreSQL under concurrency: never twice, never beyond the contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from casework.errors import Refused
from contractors.models import Milestone
from contractors.services.contracts import pay_milestone
from tests.contractors.fixtures import build
from tests.incidents.test_concurrency import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_clerks_paying_one_milestone_pay_it_once(postgres, world, enterprises, api_for):
    cw = build(world, enterprises)
    milestone = cw.contract_a.milestones.order_by("due_on").first()
    payers = [world.users.street, world.users.safety]

    def pay(i: int) -> int:
        return api_for(payers[i % 2]).post(f"/api/v1/milestones/{milestone.pk}/pay/").status_code

    codes = sorted(in_threads(10, pay))
    assert codes == [200] + [409] * 9
    milestone.refresh_from_db()
    assert milestone.paid_at is not None and milestone.paid_amount == milestone.amount


def test_paying_every_milestone_at_once_never_exceeds_the_contract(postgres, world, enterprises):
    cw = build(world, enterprises)
    contract = cw.contract_a
    # a third milestone that would take the total beyond the amount (added behind the service's back)
    Milestone.objects.create(contract=contract, title="多余", amount=Decimal("1.00"), due_on=dt.date(2027, 1, 1))
    ids = list(contract.milestones.values_list("pk", flat=True)) * 3

    def pay(i: int):
        try:
            return pay_milestone(ids[i], actor=world.users.street).pk
        except Refused as error:
            return error.code

    results = in_threads(len(ids), pay)
    paid = Milestone.objects.filter(contract=contract, paid_at__isnull=False)
    assert sum(m.paid_amount for m in paid) <= contract.amount
    assert paid.count() == 2 and results.count("already_paid") + results.count("over_contract") == len(ids) - 2


def test_the_firm_and_outsiders_cannot_pay(postgres, world, enterprises, api_for):
    cw = build(world, enterprises)
    milestone = cw.contract_a.milestones.first()
    assert api_for(cw.staff_a).post(f"/api/v1/milestones/{milestone.pk}/pay/").status_code == 403
    assert api_for(world.users.zone_leader).post(f"/api/v1/milestones/{milestone.pk}/pay/").status_code == 404
    with pytest.raises(Http404):
        pay_milestone(milestone.pk, actor=world.users.urban)
    milestone.refresh_from_db()
    assert milestone.paid_at is None
