"""Pages and API lists: what each role gets, query counts that do not grow with the rows, the
Excel scorecard, the comparison and the dashboard panel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from contractors.services import plans
from contractors.services.visits import apply_visit_action
from tests.contractors.fixtures import at, position


def finish(cw, plan, day, start):
    visit = cw.visit(plan, day)
    apply_visit_action(visit.pk, actor=cw.staff_a, action="start", params=position(visit.enterprise), now=start)
    apply_visit_action(visit.pk, actor=cw.staff_a, action="finish", params={"survey_score": "5"}, now=start + dt.timedelta(hours=1))


def test_list_queries_do_not_grow_with_rows(cw, page_for, api_for, world, django_assert_num_queries):
    page, api = page_for(world.users.street), api_for(world.users.street)
    urls = [reverse("contractors:visit-list"), reverse("contractors:firm-list")]
    apis = ["/api/v1/service-visits/", "/api/v1/service-plans/", "/api/v1/visit-findings/", "/api/v1/service-contracts/",
            "/api/v1/milestones/", "/api/v1/spot-checks/", "/api/v1/contractor-firms/"]
    before = {}
    for url in urls:
        page.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert page.get(url).status_code == 200
        before[url] = len(ctx.captured_queries)
    for url in apis:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        before[url] = len(ctx.captured_queries)
    finish(cw, cw.plan_a1x, dt.date(2026, 7, 10), at(7, 10))
    finish(cw, cw.plan_a1y, dt.date(2026, 7, 20), at(7, 20))
    plans.revise_plan(cw.plan_b.pk, actor=cw.staff_b, note="加密", visit_dates=["2026-08-05", "2026-09-05", "2026-10-05"])
    for url in urls:
        with django_assert_num_queries(before[url]):
            page.get(url)
    for url in apis:
        with django_assert_num_queries(before[url]):
            api.get(url)
    assert before[reverse("contractors:visit-list")] <= 8


@pytest.mark.parametrize("persona", ["street", "safety"])
def test_the_office_reads_every_page(cw, world, page_for, persona):
    page = page_for(getattr(world.users, persona))
    for url in [reverse("contractors:firm-list"), reverse("contractors:compare") + "?period=2026Q3",
                reverse("contractors:firm-detail", args=[cw.firm_a.pk]), reverse("contractors:contract-detail", args=[cw.contract_a.pk]),
                reverse("contractors:scorecard", args=[cw.contract_a.pk]), reverse("contractors:plan-detail", args=[cw.plan_a1x.pk]),
                reverse("contractors:visit-list"), reverse("contractors:dashboard-panel")]:
        assert page.get(url).status_code == 200, url


def test_other_roles_get_empty_pages_or_404(cw, world, page_for):
    page = page_for(world.users.zone_leader)
    assert "甲安全服务公司" not in page.get(reverse("contractors:firm-list")).content.decode()
    assert page.get(reverse("contractors:dashboard-panel")).status_code == 404
    assert page.get(reverse("contractors:contract-detail", args=[cw.contract_a.pk])).status_code == 404


def test_the_comparison_page_charts_every_firm(cw, world, page_for):
    body = page_for(world.users.street).get(reverse("contractors:compare"), {"period": "2026Q3"}).content.decode()
    assert 'id="compare-data"' in body and "甲安全服务公司" in body and "乙安全服务公司" in body
    assert "vendor/echarts-6.1.0/echarts.min.js" in body


def test_the_contractor_compares_only_itself(cw, page_for):
    body = page_for(cw.staff_a).get(reverse("contractors:compare"), {"period": "2026Q3"}).content.decode()
    assert "甲安全服务公司" in body and "乙安全服务公司" not in body


def test_the_excel_scorecard(cw, world, page_for):
    finish(cw, cw.plan_a1x, dt.date(2026, 7, 10), at(7, 10))
    response = page_for(world.users.street).get(reverse("contractors:scorecard-export", args=[cw.contract_a.pk]),
                                                {"period": "2026Q3"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert ["服务机构", "甲安全服务公司"] == list(values[1][:2])
    assert any(row[0] == "合计" for row in values)


def test_the_dashboard_carries_the_panel_for_the_street_office(cw, world, page_for):
    body = page_for(world.users.street).get(reverse("dashboard:subdistrict")).content.decode()
    assert 'data-testid="contractors-panel"' in body and "js/contractors-panel.js" in body
    panel = page_for(world.users.street).get(reverse("contractors:dashboard-panel"), {"period": "2026Q3"}).content.decode()
    assert "甲安全服务公司" in panel


def test_the_api_scorecard(cw, world, api_for):
    finish(cw, cw.plan_a1x, dt.date(2026, 7, 10), at(7, 10))
    data = api_for(cw.staff_a).get(f"/api/v1/service-contracts/{cw.contract_a.pk}/scorecard/", {"period": "2026Q3"}).json()
    assert data["period"] == "2026Q3" and [line["key"] for line in data["lines"]][0] == "coverage"
    assert api_for(cw.staff_b).get(f"/api/v1/service-contracts/{cw.contract_a.pk}/scorecard/").status_code == 404


def test_a_visit_and_finding_through_the_api(cw, world, api_for):
    api = api_for(cw.staff_a)
    visit = cw.visit(cw.plan_a1x, dt.date(2026, 7, 10))
    started = api.post(f"/api/v1/service-visits/{visit.pk}/actions/", {"action": "start", **position(visit.enterprise)}, format="json")
    assert started.status_code == 200 and started.json()["visit_status"] == "started"
    found = api.post(f"/api/v1/service-visits/{visit.pk}/findings/", {"description": "配电箱未上锁", "major": True}, format="json")
    assert found.status_code == 201 and found.json()["major"] and found.json()["report_due_at"]
    assert api.post(f"/api/v1/visit-findings/{found.json()['id']}/report/").status_code == 200
    bad = api.post(f"/api/v1/service-visits/{visit.pk}/actions/", {"action": "review", "result": "passed"}, format="json")
    assert bad.status_code == 409
    assert api.post(f"/api/v1/service-visits/{visit.pk}/actions/", {"action": "finish", "survey_score": 9},
                    format="json").status_code == 400
