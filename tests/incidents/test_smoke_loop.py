import pytest

from incidents import services
from incidents.choices import Stage, Status
from incidents.models import Category, StageLimit

pytestmark = pytest.mark.django_db


def test_full_loop_smoke(world, settings):
    w = world
    domain = Category.objects.create(code="safety", name="大安全")
    cat = Category.objects.create(code="gas", name="燃气泄漏", parent=domain, default_department=w.safety)
    StageLimit.objects.create(category=cat, stage=Stage.HANDLE, amount=4, kind="working_hours")
    case = services.report_incident(reporter=w.users.worker, category=cat.pk, description="gas smell", latitude=36.002, longitude=120.002)
    assert case.grid_cell == w.cell_a1x and case.status == Status.REPORTED and case.due_at
    services.apply_action(case.pk, actor=w.users.zone_leader, action="register")
    services.apply_action(case.pk, actor=w.users.zone_leader, action="dispatch", params={"department": w.safety.pk})
    services.apply_action(case.pk, actor=w.users.safety, action="accept")
    services.apply_action(case.pk, actor=w.users.safety, action="handle", params={"result": "fixed"})
    services.apply_action(case.pk, actor=w.users.worker, action="verify", params={"passed": True})
    case = services.apply_action(case.pk, actor=w.users.zone_leader, action="close")
    assert case.status == Status.CLOSED
    assert [e.kind for e in case.events.all()] == ["reported", "register", "dispatch", "accept", "handle", "verify_passed", "close"]


def test_api_loop_smoke(world, api_for):
    w = world
    domain = Category.objects.create(code="urban", name="大城管")
    cat = Category.objects.create(code="rubbish", name="暴露垃圾", parent=domain)
    worker = api_for(w.users.worker)
    r = worker.post(
        "/api/v1/incidents/", {"category": cat.pk, "description": "rubbish", "latitude": 36.002, "longitude": 120.002}, format="json"
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    leader = api_for(w.users.zone_leader)
    r = leader.post(f"/api/v1/incidents/{case_id}/actions/", {"action": "register"}, format="json")
    assert r.status_code == 200, r.content
    assert "dispatch" in r.json()["available_actions"]
    r = leader.post(f"/api/v1/incidents/{case_id}/actions/", {"action": "close"}, format="json")
    assert r.status_code == 409 and r.json()["detail"]
    r = api_for(w.users.zone_leader_b).post(f"/api/v1/incidents/{case_id}/actions/", {"action": "dispatch"}, format="json")
    assert r.status_code == 404
    r = leader.post(f"/api/v1/incidents/{case_id}/actions/", {"action": "dispatch"}, format="json")
    assert r.status_code == 400 and "department" in r.json()
