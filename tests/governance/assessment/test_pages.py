"""Pages and API of the assessment: scoping (a worker sees only their own scores, a zone leader only
their zone's; outside is 404), the drill-down, exports, and pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.assessment import appeals, services
from governance.assessment.models import ScoreSheet
from tests.conftest import ENGLISH

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, october):
    cases, period = october
    period = services.publish_period(period.pk, actor=world.users.street)
    return cases, period


def own(period, subject_type, pk):
    return ScoreSheet.objects.current().get(period=period, subject_type=subject_type, subject_id=pk)


def test_a_worker_sees_only_their_own_scores(world, published, page_for, api_for):
    cases, period = published
    mine = own(period, "grid_worker", world.users.worker.pk)
    other = own(period, "grid_worker", world.users.worker_b.pk)
    page = page_for(world.users.worker)
    response = page.get(reverse("assessment:ranking") + f"?period={period.pk}&type=grid_worker")
    assert response.status_code == 200
    assert [s.pk for s in response.context["rows"]] == [mine.pk]
    assert page.get(reverse("assessment:sheet", args=[mine.pk])).status_code == 200
    assert page.get(reverse("assessment:sheet", args=[other.pk])).status_code == 404
    assert page.get(reverse("assessment:line", args=[other.pk, "valid_report_rate"])).status_code == 404
    assert page.get(reverse("assessment:ranking") + f"?period={period.pk}&type=department").status_code == 404
    api = api_for(world.users.worker)
    assert [row["id"] for row in api.get(reverse("assessment-sheet-list")).json()["results"]] == [mine.pk]
    assert api.get(reverse("assessment-sheet-detail", args=[other.pk])).status_code == 404
    assert [s.pk for s in page.get(reverse("assessment:mine")).context["sheets"]] == [mine.pk]


def test_a_zone_leader_sees_their_zone_only(world, published, page_for):
    cases, period = published
    page = page_for(world.users.zone_leader)
    rows = page.get(reverse("assessment:ranking") + f"?period={period.pk}&type=grid_worker").context["rows"]
    assert [s.subject_id for s in rows] == [world.users.worker.pk]
    communities = page.get(reverse("assessment:ranking") + f"?period={period.pk}&type=community").context["rows"]
    assert {s.subject_id for s in communities} == {world.community_a1.pk, world.community_a2.pk}
    assert page.get(reverse("assessment:sheet", args=[own(period, "zone", world.zone_b.pk).pk])).status_code == 404
    assert page.get(reverse("assessment:sheet", args=[own(period, "department", world.urban.pk).pk])).status_code == 404
    # The zone assesses its workers: it comments on them.
    worker_sheet = own(period, "grid_worker", world.users.worker.pk)
    page.post(reverse("assessment:sheet-comment", args=[worker_sheet.pk]), {"text": "上报质量需提高"})
    assert worker_sheet.comments.get().author == world.users.zone_leader
    # A worker may not comment.
    page_for(world.users.worker).post(reverse("assessment:sheet-comment", args=[worker_sheet.pk]), {"text": "x"})
    assert worker_sheet.comments.count() == 1


def test_the_drilldown_lists_exactly_the_cases_behind_a_line(world, published, page_for):
    cases, period = published
    sheet = own(period, "grid_worker", world.users.worker.pk)
    response = page_for(world.users.worker).get(reverse("assessment:line", args=[sheet.pk, "valid_report_rate"]))
    assert {row.pk for row in response.context["rows"]} == {cases.W1.pk, cases.W2.pk, cases.W3.pk, cases.V1.pk}
    assert response.context["num_ids"] == {cases.W1.pk, cases.W3.pk}
    assert page_for(world.users.worker).get(reverse("assessment:line", args=[sheet.pk, "nope"])).status_code == 404


def test_appeal_through_the_pages(world, published, page_for):
    cases, period = published
    sheet = own(period, "grid_worker", world.users.worker.pk)
    worker = page_for(world.users.worker)
    response = worker.post(reverse("assessment:sheet-appeal", args=[sheet.pk]), {
        "line_key": "valid_report_rate", "reason": "W2 有效", "evidence": "照片", "incident": cases.W2.pk})
    appeal = sheet.appeals.get()
    assert response.status_code == 302 and appeal.status == "zone_review"
    zone = page_for(world.users.zone_leader)
    assert "forward" in zone.get(reverse("assessment:appeal", args=[appeal.pk])).context["actions"]
    zone.post(reverse("assessment:appeal-act", args=[appeal.pk]), {"action": "forward", "opinion": "同意"})
    street = page_for(world.users.street)
    street.post(reverse("assessment:appeal-act", args=[appeal.pk]), {"action": "exclude", "note": "不计入"})
    appeal.refresh_from_db()
    assert appeal.status == "excluded" and appeal.result_sheet.version == 2
    # A bad move is a message, not a 500, and changes nothing.
    response = street.post(reverse("assessment:appeal-act", args=[appeal.pk]), {"action": "uphold", "note": "x"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "excluded"


def test_api_appeal_refusals_are_json(world, published, api_for):
    cases, period = published
    sheet = own(period, "grid_worker", world.users.worker.pk)
    api = api_for(world.users.worker)
    response = api.post(reverse("assessment-sheet-appeal", args=[sheet.pk]), {"line_key": "nope", "reason": "x", "evidence": "y"},
                        format="json")
    assert response.status_code == 400
    response = api.post(reverse("assessment-sheet-appeal", args=[sheet.pk]),
                        {"line_key": "valid_report_rate", "reason": "x", "evidence": "y"}, format="json")
    assert response.status_code == 201
    appeal_id = response.json()["id"]
    response = api.post(reverse("assessment-appeal-actions", args=[appeal_id]), {"action": "uphold", "note": "x"}, format="json")
    assert response.status_code == 409 and "detail" in response.json()
    assert api_for(world.users.zone_leader_b).post(
        reverse("assessment-appeal-actions", args=[appeal_id]), {"action": "forward", "opinion": "x"}, format="json"
    ).status_code == 404


def test_exports(world, published, page_for):
    cases, period = published
    page = page_for(world.users.street)
    response = page.get(reverse("assessment:ranking-export") + f"?period={period.pk}&type=department")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = page.get(reverse("assessment:reward-sheet", args=[period.pk]))
    assert response.status_code == 200
    assert page_for(world.users.worker).get(reverse("assessment:reward-sheet", args=[period.pk])).status_code == 404


def _more_workers(world, n):
    from tests import factories as f

    for i in range(n):
        f.GridWorkerFactory(username=f"extra_{i}", community=world.community_a1, worker_kind="part_time",
                            cells=[world.cell_a1y])


def test_ranking_page_query_count_does_not_grow(world, october, client, django_assert_num_queries):
    cases, period = october
    services.compute_provisional(period.pk)
    client.force_login(world.users.street)
    url = reverse("assessment:ranking") + f"?period={period.pk}&type=grid_worker"
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url, headers=ENGLISH).status_code == 200
    _more_workers(world, 8)
    services.compute_provisional(period.pk)
    with django_assert_num_queries(5):
        response = client.get(url, headers=ENGLISH)
    assert len(response.context["rows"]) == 10


def test_appeal_list_and_drilldown_query_counts(world, published, client, django_assert_num_queries):
    cases, period = published
    sheet = own(period, "grid_worker", world.users.worker.pk)
    appeals.submit_appeal(sheet.pk, actor=world.users.worker, line_key="valid_report_rate", reason="x", evidence="y")
    client.force_login(world.users.street)
    client.get(reverse("assessment:appeals"))
    with django_assert_num_queries(4):
        assert client.get(reverse("assessment:appeals"), headers=ENGLISH).status_code == 200
    appeals.submit_appeal(sheet.pk, actor=world.users.worker, line_key="check_on_time_rate", reason="x", evidence="y")
    with django_assert_num_queries(4):
        assert client.get(reverse("assessment:appeals"), headers=ENGLISH).status_code == 200
    url = reverse("assessment:line", args=[sheet.pk, "missed_report_rate"])
    with django_assert_num_queries(5):
        response = client.get(url, headers=ENGLISH)
    assert len(response.context["rows"]) == 5


def test_api_sheet_list_query_count(world, october, api_for, django_assert_num_queries):
    cases, period = october
    services.compute_provisional(period.pk)
    api = api_for(world.users.street)
    url = reverse("assessment-sheet-list") + f"?period={period.pk}"
    api.get(url)
    with django_assert_num_queries(3):
        assert api.get(url).status_code == 200
    _more_workers(world, 5)
    services.compute_provisional(period.pk)
    with django_assert_num_queries(3):
        assert api.get(url).status_code == 200
