"""Every persona over every campaign page and endpoint (exactly the campaigns and targets it sees,
404 outside), and the query counts of the lists pinned at two data sizes.

Campaigns (campaign_fixtures): whole (all four enterprises), zone_b (b1x), planned (zone A, not started).
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import services
from tests.inspections.campaign_fixtures import campaign_data
from tests.inspections.conftest import inspection_body
from tests.inspections.test_scoping import EXPECTED as ENTERPRISES
from tests.scoping import api_ids, assert_api_scoping, assert_page_scoping

pytestmark = pytest.mark.django_db

OFFICE = {"street", "admin", "safety", "safety_a"}
EXPECTED = {
    name: {"whole"} | ({"zone_b"} if "b1x" in cells else set()) for name, cells in ENTERPRISES.items() if cells
} | {"contractor": set()}
for name in OFFICE:
    EXPECTED[name] = {"whole", "zone_b", "planned"}
EXPECTED["zone_leader"] = {"whole", "planned"}  # the planned campaign names zone A


def ids(campaigns, names):
    return {getattr(campaigns, n).pk for n in names}


def test_the_expectations_name_every_persona(world):
    assert set(EXPECTED) == set(vars(world.users))


def test_campaign_api_and_pages_are_scoped(world, campaigns, api_for, page_for):
    expected = {name: ids(campaigns, names) for name, names in EXPECTED.items()}
    all_ids = ids(campaigns, ["whole", "zone_b", "planned"])
    assert_api_scoping(api_for, vars(world.users), list_url="/api/v1/campaigns/",
                       detail_url=lambda pk: f"/api/v1/campaigns/{pk}/", expected=expected, all_ids=all_ids)
    for suffix in ("progress/", "targets/"):
        assert_api_scoping(api_for, vars(world.users), list_url="/api/v1/campaigns/",
                           detail_url=lambda pk, s=suffix: f"/api/v1/campaigns/{pk}/{s}", expected=expected, all_ids=all_ids)
    for url in ("/inspections/campaigns/{pk}/", "/inspections/campaigns/{pk}/ledger.xlsx"):
        assert_page_scoping(page_for, vars(world.users), detail_url=lambda pk, u=url: u.format(pk=pk), expected=expected,
                            all_ids=all_ids)
    for name, want in expected.items():
        page = page_for(world.persona(name)).get("/inspections/campaigns/")
        assert page.status_code == 200
        assert {c.pk for c in page.context["campaigns"]} == want, name


def test_targets_are_those_of_the_visible_enterprises(world, enterprises, campaigns, api_for, page_for):
    for name, cells in ENTERPRISES.items():
        if not cells:
            continue
        want = {enterprises[c].pk for c in cells}
        rows = api_for(world.persona(name)).get(f"/api/v1/campaigns/{campaigns.whole.pk}/targets/").json()["results"]
        assert {r["enterprise"] for r in rows} == want, name
        page = page_for(world.persona(name)).get(f"/inspections/campaigns/{campaigns.whole.pk}/")
        assert {t.enterprise_id for t in page.context["targets"]} == want, name
        progress = api_for(world.persona(name)).get(f"/api/v1/campaigns/{campaigns.whole.pk}/progress/").json()
        assert progress["progress"]["due"] == len(want), name


def test_only_keepers_edit_and_move_campaigns(world, campaigns, api_for, page_for):
    for name, names in EXPECTED.items():
        page, api = page_for(world.persona(name)), api_for(world.persona(name))
        for key in ("whole", "zone_b", "planned"):
            pk = getattr(campaigns, key).pk
            visible = key in names
            want = (200 if name in OFFICE else 403) if visible else 404
            assert page.get(f"/inspections/campaigns/{pk}/edit/").status_code == want, (name, key)
            response = api.patch(f"/api/v1/campaigns/{pk}/", {"title": f"{name}"}, format="json")
            assert response.status_code == want, (name, key, response.status_code)
            moved = api.post(f"/api/v1/campaigns/{pk}/actions/", {"action": "review"}, format="json")
            assert moved.status_code == (409 if visible else 404), (name, key)
            acted = page.post(f"/inspections/campaigns/{pk}/act/", {"action": "review"})
            assert acted.status_code == (302 if visible else 404), (name, key)
    assert page_for(world.users.contractor).get("/inspections/campaigns/new/").status_code == 403


def _more(world, enterprises, checklist, count):
    street = world.users.street
    for n in range(count):
        campaign = services.create_campaign(actor=street, **campaign_data(world, title=f"专项{n}", zones=[world.zone_a.pk],
                                                                          versions=[checklist.version.pk]))
        services.start_campaign(campaign.pk, actor=street)
        for cell in ("a1x", "a1y"):
            inspection, _ = services.save_inspection(actor=world.users.safety, **inspection_body(
                enterprises[cell], checklist, world, key=uuid.uuid4(), campaign=campaign.pk, submit=True))
            services.hazard_from_answer(inspection.answers.get(item__code="G1"), actor=world.users.safety)


@pytest.mark.parametrize("persona, url, queries", [
    ("street", "/api/v1/campaigns/", 3),
    ("zone_leader", "/api/v1/campaigns/?phase=self_check", 3),
    ("worker", "/api/v1/campaigns/", 3),
    ("urban", "/api/v1/campaigns/?theme=gas_fuel", 3),
    ("street", "/inspections/campaigns/", 6),
    ("zone_leader", "/inspections/campaigns/?phase=self_check", 6),
    ("worker", "/inspections/campaigns/", 6),
    ("officer", "/inspections/campaigns/", 7),  # its department row, for the rule,
])
def test_campaign_lists_run_a_fixed_number_of_queries(world, enterprises, checklist, django_assert_num_queries, api_for,
                                                      page_for, persona, url, queries):
    user = world.persona(persona)
    client = api_for(user) if url.startswith("/api/") else page_for(user)
    _more(world, enterprises, checklist, 2)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more(world, enterprises, checklist, 5)
    with django_assert_num_queries(queries):
        response = client.get(url)
        assert response.status_code == 200
    if url.startswith("/api/"):
        assert len(api_ids(client, url)) >= 5 or persona in ("worker", "officer", "urban")


def test_campaign_details_and_targets_run_a_fixed_number_of_queries(world, enterprises, checklist, campaigns, api_for,
                                                                    page_for, django_assert_num_queries):
    whole = campaigns.whole
    page, api = page_for(world.users.street), api_for(world.users.street)

    def visit(cell):
        inspection, _ = services.save_inspection(actor=world.users.safety, **inspection_body(
            enterprises[cell], checklist, world, key=uuid.uuid4(), campaign=whole.pk, submit=True))
        for code in ("G1", "G2"):
            services.hazard_from_answer(inspection.answers.get(item__code=code), actor=world.users.safety)

    visit("a1x")
    for url in (f"/inspections/campaigns/{whole.pk}/", f"/api/v1/campaigns/{whole.pk}/",
                f"/api/v1/campaigns/{whole.pk}/targets/", f"/api/v1/campaigns/{whole.pk}/progress/",
                f"/inspections/campaigns/{whole.pk}/ledger.xlsx"):
        client = api if url.startswith("/api/") else page
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        for cell in ("a1y", "a2x", "b1x"):
            visit(cell)
        with django_assert_num_queries(len(first)):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona, shown", [("street", True), ("safety", True), ("zone_leader", True), ("worker", True),
                                            ("urban", True), ("contractor", False)])
def test_the_nav_links_the_campaigns(world, page_for, persona, shown):
    html = page_for(world.persona(persona)).get("/").content.decode()
    assert ('data-testid="nav-campaigns"' in html) is shown


def test_the_campaign_admin_is_read_only(world, campaigns, page_for):
    admin = page_for(world.users.admin)
    assert admin.get("/admin/inspections/campaign/").status_code == 200
    assert admin.get(f"/admin/inspections/campaign/{campaigns.whole.pk}/change/").status_code == 200
    assert admin.get("/admin/inspections/campaign/add/").status_code == 403
