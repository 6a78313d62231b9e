"""Issue 15's intake defects: a point far from the chosen cell or outside the sub-district is
refused (form and API, 400); a vague phone fix is flagged for the zone leader; a double submit
files one case; a grid worker withdraws their own unregistered report."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from incidents import services
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident, IncidentEvent

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
BEIJING = (39.9042, 116.4074)


def _intake(cats, **extra):
    return {"category": cats.gas.pk, "description": "燃气味很重", **extra}


def test_beijing_point_with_a_qingdao_cell_chosen_by_hand_is_refused(world, cats):
    with pytest.raises(ValidationError) as refused:
        services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                 latitude=BEIJING[0], longitude=BEIJING[1], grid_cell=world.cell_a1x.pk)
    assert "outside the sub-district" in str(refused.value.message_dict["latitude"])
    assert not Incident.objects.exists()


def test_a_point_inside_the_extent_but_far_from_the_chosen_cell_is_refused(world, cats, settings):
    settings.INTAKE_MAX_CELL_DISTANCE_M = 1000
    lat, lng = 36.0025, 120.0325  # between a2x (ends 120.025) and b1x (starts 120.04): inside the extent
    # About 0.0075° of longitude from b1x ≈ 675 m: accepted; from a1x ≈ 2.5 km: refused.
    incident = services.report_incident(reporter=world.users.worker_b, category=cats.gas.pk, description="x",
                                        latitude=lat, longitude=lng, grid_cell=world.cell_b1x.pk)
    assert incident.grid_cell == world.cell_b1x
    with pytest.raises(ValidationError) as refused:
        services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                 latitude=lat, longitude=lng, grid_cell=world.cell_a1x.pk)
    message = str(refused.value.message_dict["grid_cell"])
    assert "from the chosen grid cell" in message and "1.0 km" in message


def test_the_api_answers_400_for_a_far_away_point(world, cats, api_for):
    response = api_for(world.users.worker).post("/api/v1/incidents/", _intake(
        cats, latitude=BEIJING[0], longitude=BEIJING[1], grid_cell=world.cell_a1x.pk), format="json")
    assert response.status_code == 400 and "latitude" in response.json()
    assert not Incident.objects.exists()


def test_the_form_shows_the_refusal_beside_the_location(world, cats, client):
    client.force_login(world.users.worker)
    response = client.post(reverse("incidents:new"), _intake(
        cats, latitude=BEIJING[0], longitude=BEIJING[1], grid_cell=world.cell_a1x.pk), headers=EN)
    assert response.status_code == 400
    assert "outside the sub-district" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_vague_fix_is_flagged_on_the_case_and_in_the_queue(world, cats, client, settings):
    settings.INTAKE_POOR_ACCURACY_M = 100
    vague = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                     latitude=36.002, longitude=120.002, location_accuracy=850.4)
    sharp = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="y",
                                     latitude=36.002, longitude=120.002, location_accuracy=12)
    assert (vague.location_accuracy_m, vague.poor_location_fix, sharp.poor_location_fix) == (850, True, False)
    client.force_login(world.users.zone_leader)
    page = client.get(reverse("incidents:detail", args=[vague.pk]), headers=EN).content.decode()
    assert 'data-testid="poor-fix"' in page and "±850 m" in page
    assert 'data-testid="poor-fix"' not in client.get(reverse("incidents:detail", args=[sharp.pk]), headers=EN).content.decode()
    queue = client.get(reverse("incidents:queue"), headers=EN).content.decode()
    assert queue.count('data-testid="poor-fix"') == 1


# --- one case per form -----------------------------------------------------------------------------

def test_the_intake_form_carries_a_fresh_token_each_time(world, client):
    client.force_login(world.users.worker)
    first = client.get(reverse("incidents:new")).content.decode()
    second = client.get(reverse("incidents:new")).content.decode()
    token = 'name="intake_token" value="'
    assert token in first and first.split(token)[1][:36] != second.split(token)[1][:36]


def test_the_same_form_sent_twice_files_one_case_and_shows_it(world, cats, client):
    client.force_login(world.users.worker)
    form = _intake(cats, latitude=36.002, longitude=120.002, intake_token=str(uuid.uuid4()))
    first = client.post(reverse("incidents:new"), form, headers=EN)
    second = client.post(reverse("incidents:new"), form, headers=EN, follow=True)
    case = Incident.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("incidents:detail", args=[case.pk])
    assert second.redirect_chain[-1][0] == reverse("incidents:detail", args=[case.pk])
    assert f"already filed as {case.code}" in second.content.decode()
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).count() == 1


def test_the_api_returns_the_case_already_filed_for_a_repeated_token(world, cats, api_for):
    client = api_for(world.users.worker)
    body = _intake(cats, latitude=36.002, longitude=120.002, intake_token=str(uuid.uuid4()))
    first = client.post("/api/v1/incidents/", body, format="json")
    again = client.post("/api/v1/incidents/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Incident.objects.count() == 1


def test_a_token_is_the_reporters_own(world, cats):
    token = uuid.uuid4()
    mine = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                    latitude=36.002, longitude=120.002, intake_token=token)
    other = services.report_incident(reporter=world.users.zone_leader, category=cats.gas.pk, description="x",
                                     latitude=36.002, longitude=120.002, intake_token=token)
    assert mine.pk != other.pk


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_file_one_case(world, cats, postgres):
    token = uuid.uuid4()
    results, barrier = [], threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            results.append(services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                                    latitude=36.002, longitude=120.002, intake_token=token).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]
    assert Incident.objects.count() == 1
    case = Incident.objects.get()
    assert case.code.endswith("000001")  # the twin's number was rolled back: codes stay gapless
    later = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="y",
                                     latitude=36.002, longitude=120.002)
    assert later.code.endswith("000002")


# --- withdraw ---------------------------------------------------------------------------------------

def test_the_reporter_withdraws_an_unregistered_report_with_a_reason(world, make_case):
    case = make_case(Status.REPORTED)
    assert Action.WITHDRAW in services.available_actions(world.users.worker, case)
    services.apply_action(case.pk, actor=world.users.worker, action=Action.WITHDRAW, params={"reason": "Reported twice"})
    case.refresh_from_db()
    assert case.status == Status.VOID and case.due_at is None
    event = IncidentEvent.objects.filter(incident=case).latest("pk")
    assert (event.kind, event.note, event.data["withdrawn"], event.to_status) == (EventKind.VOID, "Reported twice", True, Status.VOID)


def test_withdraw_needs_a_reason_and_an_unregistered_own_report(world, make_case):
    case = make_case(Status.REPORTED)
    with pytest.raises(ValidationError):
        services.apply_action(case.pk, actor=world.users.worker, action=Action.WITHDRAW, params={})
    registered = make_case(Status.REGISTERED)
    with pytest.raises(services.Refused):
        services.apply_action(registered.pk, actor=world.users.worker, action=Action.WITHDRAW, params={"reason": "x"})
    others = make_case(Status.REPORTED, reporter=world.users.zone_leader)
    assert services.refusal(world.users.worker, others, Action.WITHDRAW)


def test_the_case_page_offers_withdraw_to_the_reporter(world, make_case, client):
    case = make_case(Status.REPORTED)
    client.force_login(world.users.worker)
    page = client.get(reverse("incidents:detail", args=[case.pk]), headers=EN).content.decode()
    assert 'data-testid="action-withdraw"' in page
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "withdraw", "reason": "Reported twice"},
                           headers=EN)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.VOID
