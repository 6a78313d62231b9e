"""The meetings API: scoping of meetings, agenda items and decisions per role, pinned query counts,
and the writes with their 201/400/403/404/409 answers."""

from __future__ import annotations

import pytest

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import MeetingKind, MeetingStatus
from governance.models import AgendaItem, Decision, Meeting
from incidents import services as cases
from incidents.choices import Action, Status
from incidents.models import Incident
from tests.governance.conftest import in_days
from tests.scoping import api_ids, assert_api_scoping

pytestmark = pytest.mark.django_db

NOBODY = ("zone_leader", "zone_leader_b", "community", "worker", "worker_b", "contractor")


def build(world, make_case, extra: int = 0):
    """Meeting A (published, urban attends; decisions: urban leads with safety, police leads, and
    each extra item urban with safety),
    meeting B (prepared, police attends), meeting C (in session, nobody attends, a draft decision
    for urban). `extra` adds that many more items to each meeting."""
    street = world.users.street
    today = week_of()
    cells = [world.cell_a1x, world.cell_a2x, world.cell_b1x]

    def new_case(i):
        return make_case(Status.REGISTERED, cell=cells[i % 3])

    weekly, joint = MeetingKind.WEEKLY, MeetingKind.JOINT
    a, _ = meetings.prepare_meeting(kind=weekly, week_start=today, actor=street, attending_departments=[world.urban], fill=False)
    a_items = [meetings.add_item(a.pk, actor=street, incident=new_case(i).code, reason_note="on the agenda") for i in range(2 + extra)]
    meetings.start_session(a.pk, actor=street)
    meetings.record_decision(a_items[0].pk, actor=street, lead_department=world.urban, cooperating=[world.safety], deadline=in_days(5))
    meetings.record_decision(a_items[1].pk, actor=street, lead_department=world.police, deadline=in_days(5))
    for item in a_items[2:]:
        meetings.record_decision(item.pk, actor=street, lead_department=world.urban, cooperating=[world.safety], deadline=in_days(6))
    meetings.publish_minutes(a.pk, actor=street)

    b, _ = meetings.prepare_meeting(kind=joint, week_start=today, actor=street, attending_departments=[world.police], fill=False)
    b_items = [meetings.add_item(b.pk, actor=street, incident=new_case(i).code, reason_note="joint") for i in range(1 + extra)]

    c, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(in_days(7)), actor=street, fill=False)
    c_items = [meetings.add_item(c.pk, actor=street, incident=new_case(i).code, reason_note="next week") for i in range(1 + extra)]
    meetings.start_session(c.pk, actor=street)
    meetings.record_decision(c_items[0].pk, actor=street, lead_department=world.urban, deadline=in_days(9))
    return a, b, c, a_items, b_items, c_items


@pytest.fixture
def built(world, make_case):
    return build(world, make_case)


def personas(world) -> dict:
    return {name: world.persona(name) for name in vars(world.users)}


def test_meetings_are_scoped_per_role(world, api_for, built):
    a, b, c, *_ = built
    everything = {a.pk, b.pk, c.pk}
    expected = {
        "street": everything, "admin": everything,
        "urban": {a.pk, c.pk},  # attends A; leads a (draft) decision in C
        "safety": {a.pk}, "safety_a": {a.pk},  # cooperates on a decision of A
        "officer": {a.pk, b.pk},  # police leads in A, attends B
        **{name: set() for name in NOBODY},
    }
    assert_api_scoping(api_for, personas(world), list_url="/api/v1/meetings/", detail_url=lambda pk: f"/api/v1/meetings/{pk}/",
                       expected=expected, all_ids=everything)


def test_agenda_items_are_scoped_per_role(world, api_for, built):
    a, b, c, a_items, b_items, c_items = built
    everything = {i.pk for i in [*a_items, *b_items, *c_items]}
    expected = {
        "street": everything, "admin": everything,
        "urban": {i.pk for i in a_items} | {c_items[0].pk},
        "safety": {a_items[0].pk}, "safety_a": {a_items[0].pk},
        "officer": {a_items[1].pk, b_items[0].pk},
        **{name: set() for name in NOBODY},
    }
    assert_api_scoping(api_for, personas(world), list_url="/api/v1/agenda-items/",
                       detail_url=lambda pk: f"/api/v1/agenda-items/{pk}/", expected=expected, all_ids=everything)


def test_decisions_are_scoped_to_the_departments_they_concern(world, api_for, built):
    *_, a_items, _b_items, c_items = built
    d = {item.pk: Decision.objects.get(item=item).pk for item in (a_items[0], a_items[1], c_items[0])}
    everything = set(d.values())
    expected = {
        "street": everything, "admin": everything,
        "urban": {d[a_items[0].pk], d[c_items[0].pk]},
        "safety": {d[a_items[0].pk]}, "safety_a": {d[a_items[0].pk]},
        "officer": {d[a_items[1].pk]},
        **{name: set() for name in NOBODY},
    }
    assert_api_scoping(api_for, personas(world), list_url="/api/v1/meeting-decisions/",
                       detail_url=lambda pk: f"/api/v1/meeting-decisions/{pk}/", expected=expected, all_ids=everything)


def test_a_decision_carries_its_outcome(world, api_for, built):
    *_, a_items, _b, _c = built
    body = api_for(world.users.safety).get("/api/v1/meeting-decisions/").json()["results"]
    assert [(row["lead_department_name"], row["outcome"], [c["name"] for c in row["cooperating"]]) for row in body] == [
        ("城管中队", "open", ["安监办"])
    ]


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/api/v1/meetings/", 2), ("/api/v1/agenda-items/", 3), ("/api/v1/meeting-decisions/", 3)],
)
@pytest.mark.parametrize("persona", ["street", "urban"])
def test_list_endpoints_run_a_fixed_number_of_queries(world, make_case, api_for, django_assert_num_queries, url, queries, persona):
    client = api_for(world.persona(persona))
    build(world, make_case)
    with django_assert_num_queries(queries):
        small = client.get(url)
    Meeting.objects.all().delete()
    build(world, make_case, extra=3)
    assert AgendaItem.objects.count() == 13
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] >= small.json()["count"] > 0


def test_meeting_detail_shows_items_and_follow_up(world, api_for, built):
    a, b, c, a_items, *_ = built
    body = api_for(world.users.street).get(f"/api/v1/meetings/{c.pk}/").json()
    assert body["status"] == MeetingStatus.IN_SESSION and body["title"].startswith("Weekly work meeting no. 2")
    assert [row["incident_code"] for row in body["follow_up"]] == [i.incident.code for i in a_items[:2]]
    assert body["items"][0]["decision"]["lead_department_name"] == "城管中队"


# --- writes ---------------------------------------------------------------------------------------

def test_running_a_meeting_through_the_api(world, api_for, disputed):
    case = disputed()
    street = api_for(world.users.street)
    r = street.post("/api/v1/meetings/", {"kind": "joint", "place": "Zone 1 office", "attending_departments": [world.urban.pk]},
                    format="json")
    assert r.status_code == 201, r.content
    meeting = r.json()
    assert meeting["kind"] == "joint" and [i["incident"] for i in meeting["items"]] == [case.pk]
    again = street.post("/api/v1/meetings/", {"kind": "joint"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == meeting["id"]
    item = meeting["items"][0]["id"]

    r = street.post("/api/v1/meeting-decisions/", {"item": item, "lead_department": world.urban.pk, "deadline": in_days(4).isoformat()},
                    format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_in_session"
    assert street.post(f"/api/v1/meetings/{meeting['id']}/start/").status_code == 200
    r = street.post("/api/v1/meeting-decisions/", {"item": item, "lead_department": world.urban.pk, "deadline": "yesterday"}, format="json")
    assert r.status_code == 400 and "deadline" in r.json()
    r = street.post("/api/v1/meeting-decisions/", {
        "item": item, "lead_department": world.urban.pk, "cooperating": [world.police.pk], "deadline": in_days(4).isoformat(),
        "note": "=cmd|' /C calc'!A0",
    }, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "pending"
    r = street.post(f"/api/v1/meetings/{meeting['id']}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert Incident.objects.get(pk=case.pk).department == world.urban
    # Published: read-only.
    for method, url, body in (
        ("post", "/api/v1/meeting-decisions/", {"item": item, "lead_department": world.police.pk, "deadline": in_days(4).isoformat()}),
        ("post", f"/api/v1/agenda-items/{item}/withdraw/", {"reason": "too late"}),
        ("post", f"/api/v1/meetings/{meeting['id']}/publish/", {}),
        ("patch", f"/api/v1/meetings/{meeting['id']}/", {"place": "elsewhere"}),
        ("delete", f"/api/v1/meeting-decisions/{r.json()['items'][0]['decision']['id']}/", None),
    ):
        answer = getattr(street, method)(url, body, format="json")
        assert answer.status_code == 409, (url, answer.status_code, answer.content)
        assert answer.json()["code"] == "published"


def test_a_failed_publication_answers_409_naming_the_item(world, api_for, disputed):
    first, second = disputed(), disputed(cell=world.cell_b1x)
    street = api_for(world.users.street)
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.start_session(meeting.pk, actor=world.users.street)
    items = {i.incident_id: i for i in meeting.items.all()}
    for case in (first, second):
        meetings.record_decision(items[case.pk].pk, actor=world.users.street, lead_department=world.urban, deadline=in_days(3))
    cases.apply_action(second.pk, actor=world.users.street, action=Action.VOID, params={"reason": "duplicate"})
    r = street.post(f"/api/v1/meetings/{meeting.pk}/publish/")
    assert r.status_code == 409
    assert (r.json()["code"], r.json()["item"], r.json()["number"]) == ("decision_failed", items[second.pk].pk, 2)
    assert Incident.objects.get(pk=first.pk).status == Status.DISPUTED


def test_the_chair_edits_the_agenda_through_the_api(world, api_for, make_case, disputed):
    case = disputed()
    extra = make_case(Status.REGISTERED, cell=world.cell_a2x)
    meeting, _ = meetings.prepare_weekly_meeting()
    street = api_for(world.users.street)
    assert street.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": extra.code}, format="json").status_code == 400
    r = street.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": extra.code, "reason_note": "Petition"}, format="json")
    assert r.status_code == 201 and r.json()["reason"] == "manual" and r.json()["incident"] == extra.pk
    added = r.json()["id"]
    dup = street.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": extra.pk, "reason_note": "again"}, format="json")
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate"
    assert street.post(f"/api/v1/agenda-items/{added}/move/", {"offset": -1}, format="json").json()["order"][0] == added
    first = meeting.items.get(incident=case).pk
    r = street.post(f"/api/v1/meetings/{meeting.pk}/reorder/", {"order": [first, added]}, format="json")
    assert [i["id"] for i in r.json()["items"]] == [first, added]
    assert street.post(f"/api/v1/meetings/{meeting.pk}/reorder/", {"order": [first]}, format="json").status_code == 400
    assert street.post(f"/api/v1/agenda-items/{added}/withdraw/", {}, format="json").status_code == 400
    r = street.post(f"/api/v1/agenda-items/{added}/withdraw/", {"reason": "Settled"}, format="json")
    assert r.status_code == 200 and r.json()["withdrawn"] and r.json()["withdrawn_reason"] == "Settled"
    r = street.patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "Room 5", "attending_departments": [world.police.pk]}, format="json")
    assert r.status_code == 200 and r.json()["place"] == "Room 5" and r.json()["attending_departments"] == [world.police.pk]


def test_departments_read_but_may_not_write_and_others_see_nothing(world, api_for, disputed):
    case = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    meeting.attending_departments.set([world.urban])
    item = meeting.items.get(incident=case).pk
    urban = api_for(world.users.urban)
    assert urban.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert urban.post(f"/api/v1/meetings/{meeting.pk}/start/").status_code == 403
    assert urban.post("/api/v1/meetings/", {"kind": "joint"}, format="json").status_code == 403
    r = urban.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": case.code, "reason_note": "x"}, format="json")
    assert r.status_code == 403
    leader = api_for(world.users.zone_leader)
    assert leader.post(f"/api/v1/meetings/{meeting.pk}/start/").status_code == 404
    assert leader.post(f"/api/v1/agenda-items/{item}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    r = leader.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": case.code, "reason_note": "x"}, format="json")
    assert r.status_code == 404
    assert api_ids(leader, "/api/v1/meetings/") == set()
    assert Meeting.objects.get().status == MeetingStatus.PREPARED


@pytest.mark.parametrize("ref", ["²", "9" * 5000, "１２"])
def test_a_case_reference_that_is_no_id_answers_400(ref, world, api_for, disputed):
    disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    response = api_for(world.users.street).post(
        "/api/v1/agenda-items/", {"meeting": meeting.pk, "incident": ref, "reason_note": "Petition"}, format="json"
    )
    assert response.status_code == 400 and "incident" in response.json()
