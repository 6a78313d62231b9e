"""Issue 16, intake with no signal: a report carries the client's idempotency key (form field or
the API's Idempotency-Key header) and the time the worker observed it. A resend returns the first
case (200, same id), never a second, also when two sends race on PostgreSQL; the observed time is
bounded (not in the future, at most a week old: 400); the deadline clock runs from receipt. The
offline copy of the page, the service worker and the manifest are served for the phone."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.choices import EventKind, Source
from incidents.models import Incident, IncidentEvent
from incidents.offline import ASSETS, cache_version

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
INSIDE = {"latitude": 36.002, "longitude": 120.002}  # the worker's cell a1x


def _report(cats, **extra):
    return {"category": cats.gas.pk, "description": "燃气味很重", **INSIDE, **extra}


def _file(world, cats, **extra):
    return services.report_incident(reporter=world.users.worker, **_report(cats, **extra))


# --- the key, through the service ---------------------------------------------------------------


def test_a_resend_with_the_same_key_returns_the_first_case(world, cats):
    key = uuid.uuid4()
    first = _file(world, cats, idempotency_key=key)
    again = _file(world, cats, idempotency_key=str(key), description="typed again")
    assert (first.repeated, again.repeated) == (False, True)
    assert again.pk == first.pk and Incident.objects.count() == 1
    assert Incident.objects.get().idempotency_key == key
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).count() == 1


def test_two_reports_written_on_one_offline_copy_are_two_cases(world, cats):
    """The page kept offline carries one form token; the key supersedes it, so each queued report is its own case."""
    token = uuid.uuid4()
    one = _file(world, cats, intake_token=token, idempotency_key=uuid.uuid4())
    two = _file(world, cats, intake_token=token, idempotency_key=uuid.uuid4())
    assert one.pk != two.pk and not two.repeated
    assert Incident.objects.filter(intake_token__isnull=False).count() == 0  # the token is not kept beside a key


def test_the_form_token_still_files_once_without_a_key(world, cats):
    token = uuid.uuid4()
    assert _file(world, cats, intake_token=token).pk == _file(world, cats, intake_token=token).pk
    assert Incident.objects.count() == 1


def test_another_persons_key_is_refused_not_answered_with_their_case(world, cats):
    key = uuid.uuid4()
    _file(world, cats, idempotency_key=key)
    with pytest.raises(services.Refused) as refused:
        services.report_incident(reporter=world.users.zone_leader, idempotency_key=key, **_report(cats))
    assert refused.value.code == "idempotency_key_reused" and Incident.objects.count() == 1


def test_a_malformed_key_is_a_clear_400(world, cats, api_for):
    with pytest.raises(ValidationError) as refused:
        _file(world, cats, idempotency_key="not-a-uuid")
    assert "idempotency_key" in refused.value.message_dict
    response = api_for(world.users.worker).post("/api/v1/incidents/", _report(cats), format="json",
                                                headers={"Idempotency-Key": "nope"})
    assert response.status_code == 400 and "idempotency_key" in response.json()
    assert Incident.objects.count() == 0


# --- observed_at and the clock ---------------------------------------------------------------------


def test_observed_at_is_kept_beside_the_receipt_and_the_clock_starts_at_receipt(world, cats):
    now = timezone.now()
    observed = now - dt.timedelta(hours=5)
    case = _file(world, cats, observed_at=observed.isoformat(), located_at=(observed - dt.timedelta(minutes=1)).isoformat(), now=now)
    case.refresh_from_db()
    assert case.observed_at == observed and case.reported_at == now
    running = case.deadlines.get(finished_at__isnull=True)
    assert running.started_at == now  # five hours offline do not eat into the zone's time
    event = IncidentEvent.objects.get(incident=case, kind=EventKind.REPORTED)
    assert event.data["observed_at"] == observed.isoformat() and "located_at" in event.data


def test_an_online_report_has_no_observed_time_of_its_own(world, cats):
    assert _file(world, cats).observed_at is None


@pytest.mark.parametrize(("offset", "accepted"), [
    (dt.timedelta(days=-7) + dt.timedelta(minutes=1), True),
    (dt.timedelta(days=-7) - dt.timedelta(minutes=1), False),
    (dt.timedelta(minutes=4), True),  # a phone clock a little fast: taken as the receipt time
    (dt.timedelta(minutes=10), False),
])
def test_observed_at_is_bounded(world, cats, offset, accepted):
    now = timezone.now()
    kwargs = {"observed_at": (now + offset).isoformat(), "now": now}
    if accepted:
        case = _file(world, cats, **kwargs)
        assert case.observed_at == min(now + offset, now)
    else:
        with pytest.raises(ValidationError) as refused:
            _file(world, cats, **kwargs)
        assert "observed_at" in refused.value.message_dict
        assert Incident.objects.count() == 0


def test_the_api_answers_400_for_an_observed_time_in_the_future_or_too_old(world, cats, api_for):
    client = api_for(world.users.worker)
    for when in (timezone.now() + dt.timedelta(days=1), timezone.now() - dt.timedelta(days=8)):
        response = client.post("/api/v1/incidents/", _report(cats, observed_at=when.isoformat()), format="json")
        assert response.status_code == 400, response.content
        assert "observed_at" in response.json()
    assert client.post("/api/v1/incidents/", _report(cats, observed_at="yesterday"), format="json").status_code == 400
    assert Incident.objects.count() == 0


# --- the API's Idempotency-Key header ---------------------------------------------------------------


def test_the_api_honours_the_idempotency_key_header(world, cats, api_for):
    client = api_for(world.users.worker)
    key = str(uuid.uuid4())
    observed = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    body = _report(cats, observed_at=observed.isoformat())
    first = client.post("/api/v1/incidents/", body, format="json", headers={"Idempotency-Key": key})
    again = client.post("/api/v1/incidents/", body, format="json", headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Incident.objects.count() == 1
    detail = client.get(f"/api/v1/incidents/{first.json()['id']}/").json()
    assert dt.datetime.fromisoformat(detail["observed_at"]) == observed
    other = client.post("/api/v1/incidents/", body, format="json", headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other.status_code == 201 and Incident.objects.count() == 2


def test_the_header_and_the_body_key_must_agree(world, cats, api_for):
    client = api_for(world.users.worker)
    body = _report(cats, idempotency_key=str(uuid.uuid4()))
    response = client.post("/api/v1/incidents/", body, format="json", headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 400 and "idempotency_key" in response.json()
    same = client.post("/api/v1/incidents/", body, format="json", headers={"Idempotency-Key": body["idempotency_key"].upper()})
    assert same.status_code == 201


def test_the_api_answers_409_to_another_persons_key(world, cats, api_for):
    key = str(uuid.uuid4())
    assert api_for(world.users.worker).post("/api/v1/incidents/", _report(cats), format="json",
                                            headers={"Idempotency-Key": key}).status_code == 201
    response = api_for(world.users.zone_leader).post("/api/v1/incidents/", _report(cats), format="json",
                                                     headers={"Idempotency-Key": key})
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert "燃气" not in response.content.decode()  # nothing of the other case


# --- the form post the phone's queue uses ------------------------------------------------------------


def test_the_queue_posts_the_form_and_gets_json_once(world, cats, client):
    client.force_login(world.users.worker)
    key = str(uuid.uuid4())
    observed = timezone.now() - dt.timedelta(minutes=30)
    form = _report(cats, idempotency_key=key, observed_at=observed.isoformat())
    headers = {**EN, "Accept": "application/json"}
    first = client.post(reverse("incidents:new"), form, headers=headers)
    again = client.post(reverse("incidents:new"), form, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    case = Incident.objects.get()
    assert first.json() == {"id": case.pk, "code": case.code, "url": reverse("incidents:detail", args=[case.pk]), "repeated": False}
    assert again.json()["id"] == case.pk and again.json()["repeated"] is True
    assert case.source == Source.GRID_WORKER and case.observed_at == observed


def test_the_queue_gets_400_json_for_a_refused_report_and_nothing_is_filed(world, cats, client):
    client.force_login(world.users.worker)
    old = (timezone.now() - dt.timedelta(days=9)).isoformat()
    response = client.post(reverse("incidents:new"), _report(cats, idempotency_key=str(uuid.uuid4()), observed_at=old),
                           headers={**EN, "Accept": "application/json"})
    assert response.status_code == 400 and "observed_at" in response.json()["errors"]
    assert Incident.objects.count() == 0


def test_the_queue_gets_409_json_for_another_persons_key(world, cats, client):
    key = str(uuid.uuid4())
    _file(world, cats, idempotency_key=key)
    client.force_login(world.users.zone_leader)
    response = client.post(reverse("incidents:new"), _report(cats, idempotency_key=key), headers={**EN, "Accept": "application/json"})
    assert response.status_code == 409 and Incident.objects.count() == 1
    page = client.post(reverse("incidents:new"), _report(cats, idempotency_key=key), headers=EN)
    assert page.status_code == 400 and "already used" in page.content.decode()


def test_a_stale_session_sends_the_queue_to_the_login_page(world, cats, client):
    response = client.post(reverse("incidents:new"), _report(cats, idempotency_key=str(uuid.uuid4())),
                           headers={"Accept": "application/json"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Incident.objects.count() == 0


# --- concurrency on PostgreSQL -------------------------------------------------------------------------


def _race(n, work):
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # asserted on below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_resends_with_one_key_file_one_case(world, cats, postgres):
    key = uuid.uuid4()
    results = _race(2, lambda i: _file(world, cats, idempotency_key=key, description=f"send {i}"))
    assert all(isinstance(r, Incident) for r in results), results
    assert results[0].pk == results[1].pk and sorted(r.repeated for r in results) == [False, True]
    assert Incident.objects.count() == 1 and Incident.objects.get().code.endswith("000001")
    assert IncidentEvent.objects.filter(kind=EventKind.REPORTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_unique_key_decides_when_the_lookup_misses_the_twin(world, cats, postgres, monkeypatch):
    """Both sends pass the early look-up (forced here); the unique constraint then lets one commit
    and the other answers with the case it lost to."""
    from incidents.services import intake

    real = intake._filed_with
    calls = threading.local()

    def blind_first_look(reporter, token, key=None):
        calls.n = getattr(calls, "n", 0) + 1
        return None if calls.n <= 2 else real(reporter, token, key)  # the early look and the one under the number lock

    monkeypatch.setattr(intake, "_filed_with", blind_first_look)
    key = uuid.uuid4()
    results = _race(2, lambda i: _file(world, cats, idempotency_key=key))
    assert all(isinstance(r, Incident) for r in results), results
    assert results[0].pk == results[1].pk and Incident.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_api_resends_answer_201_and_200(world, cats, postgres, api_for):
    key = str(uuid.uuid4())

    def send(i):
        return api_for(world.users.worker).post("/api/v1/incidents/", _report(cats), format="json",
                                                headers={"Idempotency-Key": key})

    responses = _race(2, send)
    assert sorted(r.status_code for r in responses) == [200, 201], responses
    assert len({r.json()["id"] for r in responses}) == 1 and Incident.objects.count() == 1


# --- the installable page ------------------------------------------------------------------------------


def test_the_offline_copy_has_no_one_time_token_and_keeps_no_message(world, client):
    client.force_login(world.users.worker)
    page = client.get(reverse("incidents:new")).content.decode()
    copy = client.get(reverse("incidents:new-offline"))
    assert copy.status_code == 200 and "geolocation=(self)" in copy["Permissions-Policy"]
    html = copy.content.decode()
    assert 'data-offline-copy="1"' in html and 'data-offline-copy=""' in page
    assert 'name="intake_token" value="' in page and 'name="intake_token" value="' not in html
    assert 'rel="manifest"' in page
    assert client.post(reverse("incidents:new-offline"), {}).status_code == 405


def test_the_service_worker_is_served_for_the_incidents_scope_with_its_version_and_files(world, client):
    response = client.get(reverse("incidents:service-worker"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/incidents/"
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.OFFLINE = ").removesuffix(";"))
    assert config["version"] == cache_version() and config["shell"] == reverse("incidents:new-offline")
    assert len(config["assets"]) == len(ASSETS) and any("leaflet.js" in url for url in config["assets"])
    assert config["data"] == ["/api/v1/grid-cells/geojson/"]
    assert "addEventListener(\"fetch\"" in body


def test_the_cache_version_changes_when_a_cached_file_changes(tmp_path, monkeypatch):
    from incidents import offline

    before = offline.cache_version()
    changed = tmp_path / "offline-intake.js"
    changed.write_text("// another version\n")
    real = offline._source
    monkeypatch.setattr(offline, "_source", lambda name: changed if name == "js/offline-intake.js" else real(name))
    assert offline.cache_version() != before


def test_the_manifest_installs_the_intake_page(client):
    response = client.get(reverse("incidents:manifest"), headers=EN)
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == reverse("incidents:new") and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_the_csp_allows_our_worker_and_manifest_only(world, client):
    client.force_login(world.users.worker)
    csp = client.get(reverse("incidents:new"))["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
