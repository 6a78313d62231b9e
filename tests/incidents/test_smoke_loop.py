import pytest
from django.urls import path

from incidents.choices import Stage, Status
from incidents.models import Category, StageLimit
from incidents import services

pytestmark = pytest.mark.django_db


def test_full_loop_smoke(world, settings):
    w = world
    domain = Category.objects.create(code="safety", name="大安全")
    cat = Category.objects.create(code="gas", name="燃气泄漏", parent=domain, default_department=w.safety)
    StageLimit.objects.create(category=cat, stage=Stage.HANDLE, amount=4, kind="working_hours")
    case = services.report_incident(reporter=w.users.worker, category=cat.pk, description="gas smell",
                                     latitude=36.002, longitude=120.002)
    assert case.grid_cell == w.cell_a1x and case.status == Status.REPORTED and case.due_at
    services.apply_action(case.pk, actor=w.users.zone_leader, action="register")
    services.apply_action(case.pk, actor=w.users.zone_leader, action="dispatch", params={"department": w.safety.pk})
    services.apply_action(case.pk, actor=w.users.safety, action="accept")
    services.apply_action(case.pk, actor=w.users.safety, action="handle", params={"result": "fixed"})
    services.apply_action(case.pk, actor=w.users.worker, action="verify", params={"passed": True})
    case = services.apply_action(case.pk, actor=w.users.zone_leader, action="close")
    assert case.status == Status.CLOSED
    assert [e.kind for e in case.events.all()] == ["reported", "register", "dispatch", "accept", "handle", "verify_passed", "close"]
