"""The whole hazard table (part 1's states and the rectification loop) as a state × action ×
persona matrix through the API, with the expectations written by hand: a major hazard at a1x
reported by `safety`, rechecked by `safety_a` and `street`."""

from __future__ import annotations

import pytest

from grids.models import Notification
from inspections.choices import HazardAction, HazardStatus
from inspections.models import Extension, Hazard, HazardEvent, Recheck, RectificationNotice, Referral
from tests.inspections.rectification_fixtures import A1X, NOTICE, PLAN, gps_jpeg, signature_url
from tests.matrix import Matrix, check_state

pytestmark = pytest.mark.django_db

PERSONAS = ["street", "admin", "zone_leader", "zone_leader_b", "community", "worker", "worker_b", "safety", "safety_a", "urban",
            "officer", "contractor"]
SEES = {"street", "admin", "zone_leader", "community", "worker", "safety", "safety_a", "urban"}
D = {"street", "admin", "safety", "safety_a"}  # the street office and the safety office
R = SEES  # who records what the enterprise does (contractors do not see a1x)
REVIEWERS = {"street", "safety_a", "admin"}  # the two named reviewers; the administrator as superuser
A = HazardAction
S = HazardStatus
UNDER_NOTICE = {A.VOID: D, A.REFER: D, A.PLAN: D, A.REFUSE: D, A.EDIT: D}
EXPECTED = {
    S.RECORDED: {A.CONFIRM: D, A.VOID: D},
    S.CONFIRMED: {A.VOID: D, A.NOTIFY: D, A.REFER: D, A.PLAN: D, A.REFUSE: D, A.EDIT: D},  # a major: no closing on the spot
    S.NOTIFIED: {**UNDER_NOTICE, A.SERVE: D, A.REQUEST_EXTENSION: R},
    S.RECTIFYING: {**UNDER_NOTICE, A.SUBMIT: R, A.REQUEST_EXTENSION: R},
    S.SUBMITTED: {**UNDER_NOTICE, A.START_RECHECK: D},
    S.RECHECKING: {**UNDER_NOTICE, A.PASS_RECHECK: REVIEWERS, A.FAIL_RECHECK: REVIEWERS},
    S.CLOSED: {A.REOPEN: {"street", "admin"}},
    S.VOID: {},
}
NEXT = {A.CONFIRM: S.CONFIRMED, A.VOID: S.VOID, A.NOTIFY: S.NOTIFIED, A.SERVE: S.RECTIFYING, A.SUBMIT: S.SUBMITTED,
        A.START_RECHECK: S.RECHECKING, A.PASS_RECHECK: S.CLOSED, A.FAIL_RECHECK: S.RECTIFYING, A.CLOSE_ON_SPOT: S.CLOSED,
        A.REOPEN: S.RECTIFYING}
PHOTO_ACTIONS = {A.SUBMIT, A.CLOSE_ON_SPOT}


def body_for(world):
    users = world.users
    bodies = {
        A.CONFIRM: {"note": "核实属实"}, A.VOID: {"reason": "误报"}, A.COMMENT: {"note": "已电话提醒"}, A.NOTIFY: NOTICE,
        A.SERVE: {"signature": signature_url(), "served_to": "张经理"}, A.SUBMIT: {"note": "已整改", "latitude": A1X[0],
                                                                              "longitude": A1X[1]},
        A.START_RECHECK: {"reviewers": [users.safety_a.pk, users.street.pk]}, A.PASS_RECHECK: {"reason": "合格"},
        A.FAIL_RECHECK: {"reason": "报警器未联动"}, A.CLOSE_ON_SPOT: {"note": "当场整改"},
        A.REQUEST_EXTENSION: {"working_days": 3, "reason": "设备到货延迟"}, A.DECIDE_EXTENSION: {"approve": True},
        A.REFER: {"department": world.urban.pk, "reason": "超出街道职权"},
        A.REFERRAL_FEEDBACK: {"feedback": "已立案查处", "penalty_ref": "罚2026-1"}, A.PLAN: PLAN,
        A.APPLY_RESUME: {"note": "申请复产"}, A.DECIDE_RESUME: {"approve": True},
        A.REFUSE: {"ground": "false_evidence", "evidence": "照片系他处拍摄"}, A.EDIT: {"description": "燃气报警器缺失（补充）"},
        A.REOPEN: {"reason": "复查发现反弹", "working_days": 3},
    }
    assert set(bodies) == set(A.values)
    return bodies.__getitem__


class PhotoClient:
    """The API client, posting the evidence actions as multipart with a geotagged after-photo."""

    def __init__(self, client):
        self.client = client

    def post(self, url, body, format="json"):
        if body.get("action") in PHOTO_ACTIONS:
            return self.client.post(url, {**body, "photos": [gps_jpeg()]}, format="multipart")
        return self.client.post(url, body, format=format)

    def get(self, url):
        return self.client.get(url)


def snapshot(pk) -> tuple:
    return (Hazard.objects.filter(pk=pk).values().get(), HazardEvent.objects.filter(hazard_id=pk).count(),
            Notification.objects.count(), RectificationNotice.objects.count(), Recheck.objects.count(),
            Extension.objects.count(), Referral.objects.count())


def test_expectations_cover_every_status():
    assert set(EXPECTED) == set(HazardStatus.values)


@pytest.mark.parametrize("status", list(EXPECTED))
def test_every_action_by_every_persona(status, world, drive, api_for):
    assert set(PERSONAS) == set(vars(world.users))
    hazard = drive.to(status)
    assert hazard.status == status
    matrix = Matrix(
        personas=PERSONAS, actions=A.values, persona=world.persona, client_for=lambda user: PhotoClient(api_for(user)),
        url=lambda h: f"/api/v1/hazards/{h.pk}/", body=body_for(world), snapshot=lambda h: snapshot(h.pk),
        status_of=lambda h: Hazard.objects.get(pk=h.pk).status,
        events=lambda h: list(HazardEvent.objects.filter(hazard_id=h.pk).order_by("pk")),
    )
    check_state(matrix, hazard, allowed={**EXPECTED[status], A.COMMENT: SEES}, sees=SEES, next_status=NEXT, where=status)


# The data-dependent rows of the table: each with the data that allows it, by hand.

def _allowed(world, api_for, hazard, action, body) -> dict[str, int]:
    codes = {}
    for name in PERSONAS:
        client = PhotoClient(api_for(world.persona(name)))
        codes[name] = client.get(f"/api/v1/hazards/{hazard.pk}/").status_code
        if codes[name] == 200:
            codes[name] = action in client.get(f"/api/v1/hazards/{hazard.pk}/").json()["available_actions"]
    return codes


@pytest.mark.parametrize(("setup", "action", "who"), [
    ("general_confirmed", A.CLOSE_ON_SPOT, D),
    ("pending_extension", A.DECIDE_EXTENSION, D),
    ("pending_extension", A.REQUEST_EXTENSION, set()),
    ("referred", A.REFERRAL_FEEDBACK, D | {"urban"}),
    ("referred", A.REFER, set()),
    ("halted", A.APPLY_RESUME, R),
    ("resume_pending", A.DECIDE_RESUME, D),
    ("resume_pending", A.APPLY_RESUME, set()),
])
def test_data_dependent_actions(setup, action, who, world, drive, api_for):
    users, bodies = world.users, body_for(world)
    if setup == "general_confirmed":
        hazard = drive.to("confirmed", general=True)
    elif setup in ("halted", "resume_pending"):
        hazard = drive.to("rectifying", notice={"mode": "halt"})
        if setup == "resume_pending":
            PhotoClient(api_for(users.worker)).post(f"/api/v1/hazards/{hazard.pk}/actions/",
                                                    {"action": A.APPLY_RESUME, **bodies(A.APPLY_RESUME)})
    else:
        hazard = drive.to("rectifying")
        first = A.REQUEST_EXTENSION if setup == "pending_extension" else A.REFER
        response = api_for(users.safety).post(f"/api/v1/hazards/{hazard.pk}/actions/", {"action": first, **bodies(first)},
                                              format="json")
        assert response.status_code == 200, response.content
    available = {name for name, ok in _allowed(world, api_for, hazard, action, bodies(action)).items() if ok is True}
    assert available == who
    for name in sorted(PERSONAS, key=lambda n: n in who):  # the refused first: nothing changes for them
        client = PhotoClient(api_for(world.persona(name)))
        response = client.post(f"/api/v1/hazards/{hazard.pk}/actions/", {"action": action, **bodies(action)})
        expected = 200 if name in who else 409 if name in SEES else 404
        assert response.status_code == expected, (name, response.content[:200])
        if expected == 200:
            break  # one success changes the data the others are judged on
