"""Contractor staff see their firm's contracts, plans, visits and findings, the enterprises in
their plans and the hazards they found or guide — and nothing of another firm's or outside their
plans: 404 on every page and endpoint, as for a missing object."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contractors.models import Contract, Finding, ServiceFirm, ServicePlan, SpotCheck, Visit
from inspections.models import Enterprise, Hazard, Inspection
from inspections.services import record_hazard
from tests.contractors.fixtures import ROUTE_KINDS, firm_objects

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture
def both(cw):
    return firm_objects(cw, "a"), firm_objects(cw, "b")


def test_every_contractors_route_is_probed():
    from tests.security.test_object_writes import object_routes

    ours = {name for name in object_routes() if name.startswith("contractors:") or name in ROUTE_KINDS}
    assert ours == set(ROUTE_KINDS)


@pytest.mark.parametrize("name", sorted(ROUTE_KINDS))
def test_another_firm_s_objects_answer_404_on_every_route(cw, both, name, page_for, api_for):
    _mine, theirs = both
    url = reverse(name, kwargs=theirs[ROUTE_KINDS[name]])
    client = api_for(cw.staff_a) if url.startswith("/api/") else page_for(cw.staff_a)
    assert client.get(url).status_code in (404, 405), url
    for method in WRITES:
        assert getattr(client, method)(url).status_code in (404, 405), (method, url)


@pytest.mark.parametrize("name", sorted(n for n, k in ROUTE_KINDS.items() if not n.endswith(("-pay", "-draw", "-revise",
                                                                                                  "-act", "-finding",
                                                                                                  "-findings", "-actions",
                                                                                                  "-record", "-edit", "-add"))
                                        and "report" not in n))
def test_the_firm_reads_its_own(cw, both, name, page_for, api_for):
    mine, _theirs = both
    url = reverse(name, kwargs=mine[ROUTE_KINDS[name]])
    client = api_for(cw.staff_a) if url.startswith("/api/") else page_for(cw.staff_a)
    assert client.get(url).status_code == 200, url


def test_the_lists_hold_only_the_firm_s_rows(cw, both, enterprises, world):
    a = cw.staff_a
    assert set(ServiceFirm.objects.visible_to(a)) == {cw.firm_a}
    assert set(Contract.objects.visible_to(a)) == {cw.contract_a}
    assert set(ServicePlan.objects.visible_to(a)) == {cw.plan_a1x, cw.plan_a1y}
    assert set(Visit.objects.visible_to(a).values_list("firm_id", flat=True)) == {cw.firm_a.pk}
    assert set(Finding.objects.visible_to(a).values_list("firm_id", flat=True)) == {cw.firm_a.pk}
    assert set(SpotCheck.objects.visible_to(a).values_list("firm_id", flat=True)) == {cw.firm_a.pk}
    assert set(Enterprise.objects.visible_to(a)) == {enterprises["a1x"], enterprises["a1y"]}
    assert not Inspection.objects.visible_to(a).exists()


def test_hazards_found_or_guided_only(cw, both, enterprises, world):
    mine, theirs = both
    at_a1y = record_hazard(actor=world.users.safety, enterprise=enterprises["a1y"], description="安监办登记")
    at_b1x = record_hazard(actor=world.users.safety, enterprise=enterprises["b1x"], description="他处")
    visible = set(Hazard.objects.visible_to(cw.staff_a).values_list("pk", flat=True))
    assert visible == {mine["_hazard"]["pk"], at_a1y.pk}
    assert theirs["_hazard"]["pk"] not in visible and at_b1x.pk not in visible


def test_pages_and_api_of_other_apps_show_nothing_else(cw, both, enterprises, page_for, api_for, world):
    mine, theirs = both
    page, api = page_for(cw.staff_a), api_for(cw.staff_a)
    for e in ("a2x", "b1x"):
        assert page.get(reverse("inspections:enterprise-detail", args=[enterprises[e].pk])).status_code == 404
        assert api.get(f"/api/v1/enterprises/{enterprises[e].pk}/").status_code == 404
    assert page.get(reverse("inspections:enterprise-detail", args=[enterprises["a1x"].pk])).status_code == 200
    assert page.get(reverse("inspections:hazard-detail", args=[theirs["_hazard"]["pk"]])).status_code == 404
    assert page.get(reverse("inspections:hazard-detail", args=[mine["_hazard"]["pk"]])).status_code == 200
    listed = {row["id"] for row in api.get("/api/v1/enterprises/").json()["results"]}
    assert listed == {enterprises["a1x"].pk, enterprises["a1y"].pk}
    assert api.get("/api/v1/incidents/").json()["count"] == 0
    assert api.get("/api/v1/inspections/").json()["count"] == 0
    assert api.get("/api/v1/service-visits/").json()["count"] == Visit.objects.filter(firm=cw.firm_a).count()


def test_a_contractor_login_without_a_firm_sees_nothing(cw, both, world):
    nobody = world.users.contractor
    for model in (ServiceFirm, Contract, ServicePlan, Visit, Finding, SpotCheck, Enterprise, Hazard):
        assert not model.objects.visible_to(nobody).exists(), model


def test_other_roles_see_nothing_but_the_office(cw, both, world):
    for name in ("zone_leader", "community", "worker", "urban", "officer"):
        user = getattr(world.users, name)
        assert not Contract.objects.visible_to(user).exists() and not Visit.objects.visible_to(user).exists(), name
    for name in ("street", "safety"):
        assert Contract.objects.visible_to(getattr(world.users, name)).count() == 2
