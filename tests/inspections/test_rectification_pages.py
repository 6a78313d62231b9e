"""The loop's pages and API: the rectification list (one FilterSet, query counts pinned), the
notice issued for several hazards and served with a drawn signature, the printable A4 notice and
supervision letter, the hazard page offering only the engine's actions, and scoping (404)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections import services
from inspections.choices import RecheckResult
from inspections.models import Hazard, RectificationNotice, SupervisionLetter
from tests.inspections.rectification_fixtures import NOTICE, gps_jpeg, signature_url

pytestmark = pytest.mark.django_db


def _more(drive, n: int) -> None:
    for i in range(n):
        drive.to(["notified", "rectifying", "submitted"][i % 3], general=i % 2 == 0)


@pytest.mark.parametrize(("persona", "url", "queries"), [
    ("street", "/inspections/rectification/", 7),
    ("worker", "/inspections/rectification/?queue=overdue", 6),
    ("street", "/api/v1/rectification/", 2),
    ("zone_leader", "/api/v1/rectification/?queue=rechecks_due", 2),
    ("street", "/api/v1/notices/", 3),
])
def test_lists_run_a_fixed_number_of_queries(world, drive, django_assert_num_queries, api_for, page_for, persona, url, queries):
    user = world.persona(persona)
    client = api_for(user) if url.startswith("/api/") else page_for(user)
    _more(drive, 3)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more(drive, 6)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_queues_pick_what_waits(world, drive, api_for):
    notified, rectifying, submitted = drive.to("notified"), drive.to("rectifying"), drive.to("submitted")
    Hazard.objects.filter(pk=rectifying.pk).update(due_at=rectifying.due_at - dt.timedelta(days=60))
    api = api_for(world.users.street)

    def ids(query):
        return {row["id"] for row in api.get(f"/api/v1/rectification/?{query}").json()["results"]}

    assert ids("queue=unserved") == {notified.pk}
    assert ids("queue=overdue") == {rectifying.pk}
    assert ids("queue=rechecks_due") == {submitted.pk}
    assert api.get("/api/v1/rectification/?queue=nonsense").status_code == 400


def test_out_of_scope_answers_404(world, drive, api_for, page_for):
    hazard = drive.to("rectifying", general=True)
    services.escalate_overdue_hazards(now=hazard.red_at)
    letter = SupervisionLetter.objects.get(hazard=hazard)
    outsider = world.users.worker_b
    page, api = page_for(outsider), api_for(outsider)
    for url in (f"/inspections/notices/{hazard.notice_id}/", f"/inspections/notices/{hazard.notice_id}/print/",
                f"/inspections/notices/{hazard.notice_id}/proof/", f"/inspections/hazards/{hazard.pk}/letters/{letter.pk}/print/",
                f"/inspections/enterprises/{hazard.enterprise_id}/notice/"):
        assert page.get(url).status_code == 404, url
    assert api.get(f"/api/v1/notices/{hazard.notice_id}/").status_code == 404
    assert api.get(f"/api/v1/rectification/{hazard.pk}/").status_code == 404
    assert api.get("/api/v1/rectification/").json()["count"] == 0
    insider = page_for(world.users.worker)
    assert insider.get(f"/inspections/notices/{hazard.notice_id}/proof/").status_code == 200
    letter_page = insider.get(f"/inspections/hazards/{hazard.pk}/letters/{letter.pk}/print/")
    assert letter_page.status_code == 200 and hazard.code in letter_page.content.decode()


def test_issue_one_notice_for_two_hazards_serve_it_and_print_it(world, drive, page_for):
    first, second = drive.to("confirmed"), drive.to("confirmed", general=True)
    page = page_for(world.users.safety)
    form = page.get(f"/inspections/enterprises/{first.enterprise_id}/notice/?hazard={first.pk}")
    assert form.status_code == 200 and first.code in form.content.decode() and second.code in form.content.decode()
    bad = page.post(f"/inspections/enterprises/{first.enterprise_id}/notice/", {"hazards": [first.pk], **NOTICE, "funds": "x"})
    assert bad.status_code == 400 and not RectificationNotice.objects.exists()
    response = page.post(f"/inspections/enterprises/{first.enterprise_id}/notice/", {"hazards": [first.pk, second.pk], **NOTICE})
    notice = RectificationNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/notices/{notice.pk}/"
    detail = page.get(f"/inspections/notices/{notice.pk}/").content.decode()
    assert 'data-testid="serve-form"' in detail and "<script>" not in detail and " onclick=" not in detail
    page.post(f"/inspections/notices/{notice.pk}/serve/", {"signature": signature_url(), "served_to": "张经理"})
    assert set(notice.hazards.values_list("status", flat=True)) == {"rectifying"}
    printed = page.get(f"/inspections/notices/{notice.pk}/print/").content.decode()
    assert notice.number in printed and first.code in printed and second.code in printed and "12000.50" in printed
    assert " onclick=" not in printed


def test_the_hazard_page_offers_only_the_engines_actions(world, drive, page_for):
    hazard = drive.to("rectifying")
    worker = page_for(world.users.worker).get(f"/inspections/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="action-submit"' in worker and 'data-testid="action-request_extension"' in worker
    assert 'data-testid="action-refuse"' not in worker and 'data-testid="action-edit"' not in worker
    safety = page_for(world.users.safety).get(f"/inspections/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="action-refuse"' in safety and 'data-testid="action-submit"' in safety
    assert 'data-testid="deadline"' in safety and hazard.notice.number in safety


def test_submit_for_closing_from_the_page_with_a_photo(world, drive, page_for):
    hazard = drive.to("rectifying", general=True)
    page = page_for(world.users.worker)
    response = page.post(f"/inspections/hazards/{hazard.pk}/act/", {"action": "submit", "note": "已整改", "photos": [gps_jpeg()]})
    assert response.status_code == 302 and Hazard.objects.get(pk=hazard.pk).status == "submitted"
    detail = page.get(f"/inspections/hazards/{hazard.pk}/").content.decode()
    photo = hazard.evidence.get()
    assert f"/inspections/hazards/{hazard.pk}/evidence/{photo.pk}/" in detail
    assert page.get(f"/inspections/hazards/{hazard.pk}/evidence/{photo.pk}/").status_code == 200


def test_the_notice_api_issues_and_serves(world, drive, api_for):
    first, second = drive.to("confirmed"), drive.to("confirmed", general=True)
    api = api_for(world.users.safety)
    created = api.post("/api/v1/notices/", {"hazards": [first.pk, second.pk], **NOTICE}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {h["status"] for h in body["hazards"]} == {"notified"} and body["funds"] == "12000.50"
    served = api.post(f"/api/v1/notices/{body['id']}/serve/", {"signature": signature_url(), "served_to": "张经理"}, format="json")
    assert served.status_code == 200 and {h["status"] for h in served.json()["hazards"]} == {"rectifying"}
    again = api.post(f"/api/v1/notices/{body['id']}/serve/", {"signature": signature_url()}, format="json")
    assert again.status_code == 400
    outsider = api_for(world.users.worker_b).post("/api/v1/notices/", {"hazards": [drive.to("confirmed").pk], **NOTICE},
                                                  format="json")
    assert outsider.status_code == 404
    refused = api.post("/api/v1/notices/", {"hazards": [first.pk], **NOTICE}, format="json")
    assert refused.status_code == 409  # already under a notice
    assert api_for(world.users.street).get("/api/schema/").status_code == 200


def test_the_notice_form_sent_twice_issues_one_notice_and_shows_it(world, drive, page_for):
    import uuid

    hazard = drive.to("confirmed")
    page = page_for(world.users.safety)
    url = f"/inspections/enterprises/{hazard.enterprise_id}/notice/"
    assert 'name="once_token"' in page.get(f"{url}?hazard={hazard.pk}").content.decode()
    form = {"hazards": [hazard.pk], **NOTICE, "once_token": str(uuid.uuid4())}
    first = page.post(url, form)
    second = page.post(url, form)
    notice = RectificationNotice.objects.get()
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"] == f"/inspections/notices/{notice.pk}/"


def test_a_major_hazards_recheck_started_from_the_page_has_both_reviewers(world, drive, page_for):
    users = world.users
    hazard = drive.to("submitted")  # major, reported by `safety`
    url = f"/inspections/hazards/{hazard.pk}/act/"
    client = page_for(users.safety_a)
    # the multiple select sends both reviewers; the engine needs two for a major hazard
    response = client.post(url, {"action": "start_recheck", "reviewers": [users.safety_a.pk, users.street.pk]})
    assert response.status_code == 302
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.status == "rechecking"
    recheck = hazard.rechecks.get(result=RecheckResult.PENDING)
    assert set(recheck.reviewers.values_list("pk", flat=True)) == {users.safety_a.pk, users.street.pk}
