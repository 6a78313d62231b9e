"""The cases API: list filters and pagination, errors as JSON, the detail, pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grids.models import Notification
from incidents.choices import Action, Escalation, Status
from incidents.models import Category
from tests.incidents.factories import CategoryFactory, IncidentFactory, StageLimitFactory, bulk_running

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


@pytest.fixture
def listed(world, cats):
    """Five cases that differ in every filtered field (rows written directly: this is about reads)."""
    now = timezone.now()
    past, future = now - dt.timedelta(hours=3), now + dt.timedelta(hours=3)
    make = IncidentFactory
    return {
        "r1": make(category=cats.gas, grid_cell=world.cell_a1x, description="Gas smell near the school", address="东岭路1号",
                   reported_at=now - dt.timedelta(minutes=5)),
        "r2": make(category=cats.fire_exit, grid_cell=world.cell_a1y, status=Status.DISPATCHED, department=world.safety,
                   stage="handle", due_at=past, escalation=Escalation.YELLOW, reported_at=now - dt.timedelta(minutes=4)),
        "r3": make(category=cats.rubbish, grid_cell=world.cell_a2x, status=Status.ACCEPTED, department=world.urban,
                   stage="handle", due_at=future, reported_at=now - dt.timedelta(minutes=3)),
        "r4": make(category=cats.rubbish, grid_cell=world.cell_b1x, status=Status.CLOSED, department=world.urban,
                   reported_at=now - dt.timedelta(minutes=2), reporter=world.users.worker_b),
        "r5": make(category=cats.gas, grid_cell=world.cell_b1x, status=Status.DISPATCHED, department=world.safety,
                   stage="handle", due_at=past, escalation=Escalation.RED, reported_at=now - dt.timedelta(minutes=1),
                   reporter=world.users.worker_b),
    }


def names(listed, response) -> set[str]:
    assert response.status_code == 200, response.content
    by_id = {case.pk: name for name, case in listed.items()}
    return {by_id[row["id"]] for row in response.json()["results"]}


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"r1", "r2", "r3", "r4", "r5"}),
    ("status=dispatched", {"r2", "r5"}),
    ("status=dispatched&status=accepted", {"r2", "r3", "r5"}),
    ("open=true", {"r1", "r2", "r3", "r5"}),
    ("category={safety}", {"r1", "r2", "r5"}),  # a domain covers its subcategories
    ("category={rubbish}", {"r3", "r4"}),
    ("community={a1}", {"r1", "r2"}),
    ("grid_cell={b1x}", {"r4", "r5"}),
    ("department={dept_safety}", {"r2", "r5"}),
    ("overdue=true", {"r2", "r5"}),
    ("overdue=false", {"r1", "r3", "r4"}),
    ("escalation=2", {"r2"}),
    ("escalation=3", {"r5"}),
    ("q=school", {"r1"}),
    ("q=东岭路", {"r1"}),
    ("q={r4_code}", {"r4"}),
    ("status=dispatched&department={dept_safety}&community={a1}", {"r2"}),
])
def test_list_filters(query, expected, world, cats, listed, api_for):
    query = query.format(safety=cats.safety.pk, rubbish=cats.rubbish.pk, a1=world.community_a1.pk, b1x=world.cell_b1x.pk,
                         dept_safety=world.safety.pk, r4_code=listed["r4"].code)
    assert names(listed, api_for(world.users.street).get(f"{URL}?{query}")) == expected


def test_list_shape_order_and_scope(world, listed, api_for):
    body = api_for(world.users.zone_leader).get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert [row["code"] for row in body["results"]] == [listed[n].code for n in ("r3", "r2", "r1")]  # newest first
    row = body["results"][1]
    assert (row["status"], row["department_name"], row["escalation"], row["deadline_badge"]) == ("dispatched", "安监办", 2, "bad")
    # In English the category reads in English (issue 15); the community has one name.
    assert (row["domain_name"], row["grid_cell"], row["community_name"]) == ("Safety", listed["r2"].grid_cell_id, "东岭社区")


@pytest.mark.parametrize("query", [
    "status=bogus", "category=987654", "category=abc", "community=abc", "grid_cell=987654", "department=987654",
    "escalation=9", "escalation=red", "severity=apocalyptic", "reported_after=yesterday",
])
def test_bad_filter_values_answer_400_json(query, world, listed, api_for):
    response = api_for(world.users.street).get(f"{URL}?{query}")
    assert response.status_code == 400, (query, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    assert query.split("=")[0] in response.json()


def test_filtering_by_a_cell_outside_ones_scope_is_refused(world, listed, api_for):
    response = api_for(world.users.zone_leader).get(f"{URL}?grid_cell={world.cell_b1x.pk}")
    assert response.status_code == 400 and "grid_cell" in response.json()


def test_action_errors_are_json(world, make_case, api_for):
    case = make_case(Status.REGISTERED)
    leader = api_for(world.users.zone_leader)
    url = f"{URL}{case.pk}/actions/"
    response = leader.post(url, {"action": "teleport"}, format="json")
    assert response.status_code == 400 and "action" in response.json()
    response = leader.post(url, {}, format="json")
    assert response.status_code == 400 and "action" in response.json()
    response = leader.post(url, {"action": Action.VOID}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = leader.post(url, {"action": Action.DISPATCH, "department": 987654}, format="json")
    assert response.status_code == 400 and "department" in response.json()
    response = leader.post(url, {"action": Action.CLOSE}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    response = leader.post(f"{URL}987654/actions/", {"action": Action.VOID, "reason": "x"}, format="json")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_detail_has_status_deadlines_timeline_and_available_actions(world, make_case, api_for):
    case = make_case(Status.DISPATCHED)
    body = api_for(world.users.safety).get(f"{URL}{case.pk}/").json()
    assert (body["status"], body["code"], body["department"]) == (Status.DISPATCHED, case.code, world.safety.pk)
    assert [d["stage"] for d in body["deadlines"]] == ["register", "dispatch", "handle"]
    assert body["deadlines"][-1]["finished_at"] is None and body["deadlines"][0]["on_time"] is True
    assert [e["kind"] for e in body["timeline"]] == ["reported", "register", "dispatch"]
    assert body["timeline"][-1]["data"]["department"] == world.safety.pk and body["timeline"][-1]["actor_name"]
    assert sorted(body["available_actions"]) == sorted([Action.ACCEPT, Action.RETURN, Action.COMMENT])
    leader = api_for(world.users.zone_leader).get(f"{URL}{case.pk}/").json()
    assert sorted(leader["available_actions"]) == sorted([Action.DISPUTE, Action.SUSPEND, Action.VOID, Action.COMMENT])


# --- query counts do not grow with rows ---------------------------------------------------------

def test_incident_list_query_count_is_pinned(world, cats, api_for, django_assert_num_queries):
    client = api_for(world.users.zone_leader)
    due = timezone.now() + dt.timedelta(hours=2)
    for n in (3, 30):
        bulk_running(n - (3 if n == 30 else 0), cell=world.cell_a1x, category=cats.gas, department=world.safety,
                     reporter=world.users.worker, due_at=due)
        with django_assert_num_queries(2):  # the count and the page
            response = client.get(URL)
        assert response.json()["count"] == n
        with django_assert_num_queries(4):  # + looking up the chosen department and category
            assert client.get(f"{URL}?status=dispatched&department={world.safety.pk}&category={cats.safety.pk}&q=bulk").status_code == 200


def test_category_list_query_count_is_pinned(world, cats, api_for, django_assert_num_queries):
    client = api_for(world.users.worker)
    for extra in (0, 20):
        for i in range(extra):
            leaf = CategoryFactory(code=f"extra-{i}", parent=cats.urban)
            StageLimitFactory(category=leaf)
        with django_assert_num_queries(3):  # count, page, limits prefetched
            body = client.get("/api/v1/categories/").json()
        assert body["count"] == Category.objects.filter(is_active=True).count()
    gas = next(row for row in body["results"] if row["code"] == "gas-smell")
    assert gas["domain"] == cats.safety.pk and {limit["stage"] for limit in gas["limits"]} == {"register", "dispatch", "handle", "verify"}


def test_notification_list_query_count_is_pinned(world, api_for, django_assert_num_queries):
    me, other = world.users.zone_leader, world.users.zone_leader_b
    client = api_for(me)
    for total in (2, 25):
        have = Notification.objects.filter(recipient=me).count()
        Notification.objects.bulk_create(
            [Notification(recipient=me, kind="test", title=f"n{i}", key=f"mine:{i}") for i in range(have, total)]
            + [Notification(recipient=other, kind="test", title="not mine", key=f"theirs:{total}")]
        )
        with django_assert_num_queries(3):  # count, page, unread count
            body = client.get("/api/v1/notifications/").json()
        assert (body["count"], body["unread_count"]) == (total, total)
        assert {row["title"] for row in body["results"]} == {f"n{i}" for i in range(total)}
