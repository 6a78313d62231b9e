"""Who sees which joint interview, on every page and endpoint of the interviews; the outside
participants' narrow door (their interviews' dossiers and nothing else); pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.models import Notification
from inspections.choices import HazardEventKind, RefusalGround
from inspections.interview_choices import Body, InterviewStatus
from inspections.models import HazardEvent, JointInterview
from inspections.services import interviews
from tests.inspections.interviews.helpers import commit_params, hold_params, schedule_params
from tests.scoping import assert_api_scoping, assert_page_scoping

pytestmark = pytest.mark.django_db


def _interview(world, hazard, organiser):
    interviews.record_refusal(hazard, reason=RefusalGround.MISSED_DEADLINES, evidence="两次逾期", actor=world.users.safety)
    return interviews.propose_interview([hazard.pk], organiser=organiser.pk, actor=world.users.street)


@pytest.fixture
def pair(world, enterprises, make_hazard, outsiders):
    """A: zone a (a1x), organised by the safety office, the prosecutor and the police officer seated,
    held with a signed commitment. B: zone b (b1x), organised by urban management."""
    a = _interview(world, make_hazard(enterprises["a1x"], "confirmed"), world.safety)
    b = _interview(world, make_hazard(enterprises["b1x"], "confirmed"), world.urban)
    street = world.users.street
    interviews.add_participant(a.pk, actor=street, body=Body.PROCURATORATE, user=outsiders.prosecutor.pk)
    interviews.add_participant(a.pk, actor=street, body=Body.POLICE, user=outsiders.policeman.pk)
    interviews.apply_interview_action(a.pk, actor=street, action="schedule", params=schedule_params())
    a.refresh_from_db()
    interviews.apply_interview_action(a.pk, actor=street, action="hold", params=hold_params(a))
    interviews.apply_interview_action(a.pk, actor=street, action="commit", params=commit_params())
    return a, b


def expected(world, outsiders, a, b) -> tuple[dict, dict]:
    personas = {**vars(world.users), **vars(outsiders)}
    want = {
        "street": {a, b}, "admin": {a, b}, "safety": {a, b}, "safety_a": {a, b}, "urban": {b}, "officer": set(),
        "zone_leader": {a}, "zone_leader_b": {b}, "community": {a}, "worker": set(), "worker_b": set(), "contractor": set(),
        "prosecutor": {a}, "policeman": {a}, "stranger": set(),
    }
    assert set(want) == set(personas), "every persona has its expectation"
    return personas, {name: {i.pk for i in ids} for name, ids in want.items()}


def test_every_role_sees_exactly_its_interviews_in_the_api(world, outsiders, pair, api_for):
    a, b = pair
    personas, want = expected(world, outsiders, a, b)
    assert_api_scoping(api_for, personas, list_url="/api/v1/interviews/", detail_url=lambda pk: f"/api/v1/interviews/{pk}/",
                       expected=want, all_ids=[a.pk, b.pk])


@pytest.mark.parametrize("page", ["", "print/notice/", "print/record/", "print/dossier/", "commitment-scan/"])
def test_every_role_sees_exactly_its_interviews_pages(world, outsiders, pair, page_for, page):
    a, b = pair
    personas, want = expected(world, outsiders, a, b)
    if page == "commitment-scan/":  # only A has a scan: B answers 404 to everyone
        want = {name: ids - {b.pk} for name, ids in want.items()}
    assert_page_scoping(page_for, personas, detail_url=lambda pk: f"/inspections/interviews/{pk}/{page}", expected=want,
                        all_ids=[a.pk, b.pk])


def test_the_list_page_shows_exactly_the_visible_interviews(world, outsiders, pair, page_for):
    a, b = pair
    personas, want = expected(world, outsiders, a, b)
    for name, ids in want.items():
        body = page_for(personas[name]).get("/inspections/interviews/").content.decode()
        assert {i.pk for i in (a, b) if f'data-interview="{i.pk}"' in body} == ids, name


def test_an_outside_participant_reads_the_dossier_and_cannot_change_it(world, outsiders, pair, api_for, page_for):
    a, _b = pair
    client = page_for(outsiders.prosecutor)
    page = client.get(f"/inspections/interviews/{a.pk}/").content.decode()
    assert a.code in page and 'data-testid="actions"' not in page and "/inspections/hazards/" not in page
    assert client.get(f"/inspections/interviews/{a.pk}/commitment-scan/")["Content-Type"] == "application/pdf"
    api = api_for(outsiders.prosecutor)
    response = api.post(f"/api/v1/interviews/{a.pk}/actions/", {"action": "report", "report": "x"}, format="json")
    assert response.status_code == 409
    response = api.post(f"/api/v1/interviews/{a.pk}/participants/", {"body": "expert", "name": "x"}, format="json")
    assert response.status_code in (403, 409)
    assert client.post(f"/inspections/interviews/{a.pk}/act/", {"action": "comment", "note": "x"}).status_code == 404
    assert JointInterview.objects.get(pk=a.pk).status == InterviewStatus.FOLLOW_UP
    assert not a.events.filter(kind="comment").exists()
    # Told of the notice in their own inbox, which they may open.
    assert Notification.objects.filter(recipient=outsiders.prosecutor, kind="interview_schedule").exists()
    assert client.get("/grids/notifications/").status_code == 200


OUT_OF_SCOPE = [
    "/incidents/", "/incidents/new/", "/inspections/enterprises/", "/inspections/hazards/", "/inspections/criteria/",
    "/inspections/checklists/", "/dashboard/", "/meetings/", "/meetings/decisions/", "/grids/zones/", "/grids/map/",
    "/grids/workers/", "/api/v1/", "/api/v1/incidents/", "/api/v1/enterprises/", "/api/v1/hazards/", "/api/v1/meetings/",
    "/api/v1/dashboard/", "/api/v1/users/me/", "/api/schema/", "/api/docs/", "/admin/",
]


@pytest.mark.parametrize("url", OUT_OF_SCOPE)
def test_an_outside_participant_gets_404_everywhere_else(world, outsiders, pair, page_for, url):
    assert page_for(outsiders.prosecutor).get(url).status_code == 404


def test_an_outside_participant_gets_404_on_the_trigger_hazard_and_its_enterprise(world, outsiders, pair, page_for, api_for):
    a, _b = pair
    hazard = a.hazards.get()
    client, api = page_for(outsiders.prosecutor), api_for(outsiders.prosecutor)
    for url in (f"/inspections/hazards/{hazard.pk}/", f"/inspections/enterprises/{a.enterprise_id}/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/api/v1/hazards/{hazard.pk}/", f"/api/v1/enterprises/{a.enterprise_id}/"):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/v1/hazards/{hazard.pk}/actions/", {"action": "refuse", "ground": "refused_halt", "evidence": "x"},
                    format="json").status_code == 404


def test_home_sends_an_outside_participant_to_their_interviews(world, outsiders, page_for):
    response = page_for(outsiders.prosecutor).get("/")
    assert response.status_code == 302 and response["Location"] == "/inspections/interviews/"


def test_a_refusal_is_the_hazards_refuse_action_for_the_safety_and_street_office(world, enterprises, make_hazard, page_for,
                                                                                 api_for):
    hazard = make_hazard(enterprises["a1x"], "confirmed")
    url, body = f"/api/v1/hazards/{hazard.pk}/actions/", {"action": "refuse", "ground": "refused_halt", "evidence": "拒不停产"}
    assert api_for(world.users.zone_leader_b).post(url, body, format="json").status_code == 404
    for user in (world.users.worker, world.users.zone_leader, world.users.urban):
        assert api_for(user).post(url, body, format="json").status_code == 409
    assert api_for(world.users.safety).post(url, {**body, "ground": "bogus"}, format="json").status_code == 400
    assert api_for(world.users.safety).post(url, {**body, "evidence": ""}, format="json").status_code == 400
    assert not HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).exists()
    response = api_for(world.users.safety).post(url, body, format="json")
    assert response.status_code == 200
    assert api_for(world.users.street).post(url, body, format="json").status_code == 409  # one open refusal
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).count() == 1
    # the hazard page offers it in the loop's panel, with its photos
    page = page_for(world.users.safety).get(f"/inspections/hazards/{hazard.pk}/")
    assert b'name="ground"' not in page.content  # open: not offered again
    other = make_hazard(enterprises["a1x"], "confirmed")
    page = page_for(world.users.safety).get(f"/inspections/hazards/{other.pk}/")
    assert b'value="refuse"' in page.content and b'name="ground"' in page.content
    assert b'value="refuse"' not in page_for(world.users.zone_leader).get(f"/inspections/hazards/{other.pk}/").content


def _more(world, enterprises, make_hazard, n: int) -> None:
    for i in range(n):
        _interview(world, make_hazard(enterprises["a1x" if i % 2 else "b1x"], "confirmed"), world.safety)


@pytest.mark.parametrize("persona, url, queries", [
    ("street", "/inspections/interviews/", 6), ("street", "/api/v1/interviews/", 2), ("zone_leader", "/inspections/interviews/", 6),
    ("safety", "/api/v1/interviews/?status=proposed", 2), ("prosecutor", "/inspections/interviews/", 5),
    ("prosecutor", "/api/v1/interviews/", 2),
])
def test_interview_lists_run_a_fixed_number_of_queries(world, enterprises, make_hazard, outsiders, pair, persona, url, queries,
                                                       page_for, api_for, django_assert_num_queries):
    user = getattr(world.users, persona, None) or getattr(outsiders, persona)
    client = api_for(user) if url.startswith("/api/") else page_for(user)
    _more(world, enterprises, make_hazard, 2)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more(world, enterprises, make_hazard, 4)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_dossier_runs_a_fixed_number_of_queries(world, enterprises, make_hazard, outsiders, pair, page_for, api_for,
                                                    django_assert_num_queries):
    a, _b = pair
    for url in (f"/inspections/interviews/{a.pk}/", f"/inspections/interviews/{a.pk}/print/dossier/", f"/api/v1/interviews/{a.pk}/"):
        client = api_for(world.users.street) if url.startswith("/api/") else page_for(world.users.street)
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        interviews.apply_interview_action(a.pk, actor=world.users.street, action="comment", params={"note": "补充"})
        with django_assert_num_queries(len(first)):
            assert client.get(url).status_code == 200, url
