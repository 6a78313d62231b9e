"""Campaigns: the scope frozen at the start, the phase table, inspections under a campaign (targets
only, the pinned version), progress in one query, the ledger, and bad input answering 400/409."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from casework.errors import Forbidden, Refused
from inspections import services
from inspections.models import Campaign, CampaignEvent, CampaignTarget
from inspections.services.campaigns import campaign_progress, progress_by_sector, progress_by_zone
from tests.inspections.campaign_fixtures import campaign_data
from tests.inspections.conftest import enterprise_data, inspection_body

pytestmark = pytest.mark.django_db

PHASES = ["mobilise", "self_check", "inspection", "review"]
# Written independently of the table: which action moves from which phase to which.
EXPECTED = {("mobilise", "start"): "self_check", ("self_check", "inspect"): "inspection",
            ("inspection", "review"): "review"}


def test_the_scope_is_frozen_when_the_campaign_starts(world, enterprises, checklist, campaigns):
    whole = campaigns.whole
    assert set(whole.targets.values_list("enterprise__credit_code", flat=True)) == {
        e.credit_code for e in enterprises.values()}
    assert list(campaigns.zone_b.targets.values_list("enterprise_id", flat=True)) == [enterprises["b1x"].pk]
    assert not campaigns.planned.targets.exists()
    # A new enterprise in scope does not join a started campaign.
    services.register_enterprise(actor=world.users.street, **enterprise_data(9, "a1x"))
    assert whole.targets.count() == 4
    # Editing the scope after the start is refused and changes nothing; the title still changes.
    with pytest.raises(Refused):
        services.edit_campaign(whole.pk, actor=world.users.street, sectors=["school"])
    with pytest.raises(Refused):
        services.edit_campaign(whole.pk, actor=world.users.street, zones=[world.zone_a.pk])
    services.edit_campaign(whole.pk, actor=world.users.street, title="燃气专项排查（第二轮）", sectors=["commercial"])
    whole.refresh_from_db()
    assert whole.sectors == ["commercial"] and whole.title == "燃气专项排查（第二轮）"
    # Before the start the scope is open.
    services.edit_campaign(campaigns.planned.pk, actor=world.users.street, zones=[world.zone_b.pk])
    assert list(campaigns.planned.zones.values_list("pk", flat=True)) == [world.zone_b.pk]
    kinds = list(CampaignEvent.objects.filter(campaign=whole).values_list("kind", flat=True))
    assert kinds == ["create", "start", "edit"]


def test_the_api_refuses_a_scope_edit_after_the_start_with_409(world, campaigns, api_for):
    client = api_for(world.users.street)
    response = client.patch(f"/api/v1/campaigns/{campaigns.whole.pk}/", {"zones": [world.zone_b.pk]}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "scope_frozen"
    assert not campaigns.whole.zones.exists()
    ok = client.patch(f"/api/v1/campaigns/{campaigns.planned.pk}/", {"zones": [world.zone_b.pk]}, format="json")
    assert ok.status_code == 200 and ok.json()["zones"] == [world.zone_b.pk]


@pytest.mark.parametrize("start", PHASES)
@pytest.mark.parametrize("action", ["start", "inspect", "review"])
def test_the_phase_moves_only_as_the_table_says(world, enterprises, start, action):
    campaign = services.create_campaign(actor=world.users.street, **campaign_data(world))
    Campaign.objects.filter(pk=campaign.pk).update(phase=start)
    campaign.refresh_from_db()
    events = CampaignEvent.objects.count()
    want = EXPECTED.get((start, action))
    if want is None:
        with pytest.raises(Refused):
            services.move_campaign(campaign.pk, actor=world.users.safety, action=action)
        campaign.refresh_from_db()
        assert campaign.phase == start and CampaignEvent.objects.count() == events
    else:
        assert action in services.available_campaign_actions(world.users.safety, campaign)
        moved = services.move_campaign(campaign.pk, actor=world.users.safety, action=action)
        assert moved.phase == want
        assert CampaignEvent.objects.filter(campaign=campaign).last().to_status == want


def test_only_the_street_and_safety_office_plan_and_move_campaigns(world, enterprises, api_for):
    for name in ("urban", "zone_leader", "worker", "officer"):
        with pytest.raises(Forbidden):
            services.create_campaign(actor=world.persona(name), **campaign_data(world))
        response = api_for(world.persona(name)).post("/api/v1/campaigns/", campaign_data(world, starts_on="2026-09-01",
                                                                                          ends_on="2026-10-01"), format="json")
        assert response.status_code == 403, name
    campaign = services.create_campaign(actor=world.users.safety, **campaign_data(world))
    response = api_for(world.users.zone_leader).post(f"/api/v1/campaigns/{campaign.pk}/actions/", {"action": "start"},
                                                     format="json")
    assert response.status_code == 409
    assert not CampaignTarget.objects.exists()
    response = api_for(world.users.street).post(f"/api/v1/campaigns/{campaign.pk}/actions/", {"action": "start"},
                                                format="json")
    assert response.status_code == 200 and response.json()["phase"] == "self_check"
    assert response.json()["due"] == 4


def test_starting_an_empty_scope_is_refused(world, enterprises):
    campaign = services.create_campaign(actor=world.users.street, **campaign_data(world, sectors=["fireworks_retail"]))
    with pytest.raises(Refused):
        services.start_campaign(campaign.pk, actor=world.users.street)
    campaign.refresh_from_db()
    assert campaign.phase == "mobilise" and not campaign.targets.exists()


@pytest.mark.parametrize("change", [
    {"title": ""}, {"theme": "raid"}, {"lead": "x"}, {"lead": 10**9}, {"starts_on": "2026-13-01"},
    {"ends_on": "2026-08-01"}, {"ends_on": "2028-01-01"}, {"sectors": ["nope"]}, {"zones": [10**9]}, {"zones": "all"},
    {"versions": [10**9]}, {"experts": [{"name": ""}]}, {"experts": "x"}, {"title": "nul\x00"},
])
def test_bad_campaign_input_is_a_400(world, enterprises, api_for, change):
    body = {**campaign_data(world, starts_on="2026-09-01", ends_on="2026-10-31"), **change}
    response = api_for(world.users.street).post("/api/v1/campaigns/", body, format="json")
    assert response.status_code == 400, (change, response.status_code, response.content[:300])
    assert not Campaign.objects.exists()


def test_one_pinned_version_per_template(world, checklist):
    new = services.revise_template(checklist.template, changes={"G1": {"text": "改"}})
    with pytest.raises(ValidationError):
        services.create_campaign(actor=world.users.street, **campaign_data(world, versions=[checklist.version.pk, new.pk]))


def test_an_inspection_under_a_campaign_is_of_a_target_in_the_pinned_version(world, enterprises, checklist,
                                                                             campaigns, api_for):
    client = api_for(world.users.safety)
    # b1x is a target of the zone-B campaign; a1x is not.
    body = inspection_body(enterprises["a1x"], checklist, world, campaign=campaigns.zone_b.pk)
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "campaign" in response.json()
    # Still mobilising: takes no inspections.
    services.edit_campaign(campaigns.planned.pk, actor=world.users.street, zones=[])
    body = inspection_body(enterprises["a1x"], checklist, world, campaign=campaigns.planned.pk)
    assert client.post("/api/v1/inspections/", body, format="json").status_code == 409
    # The campaign pins version 1: once the template is revised, the new version is refused.
    new = services.revise_template(checklist.template, changes={"G1": {"text": "安装并联动可燃气体报警装置"}})
    body = inspection_body(enterprises["a1x"], checklist, world, campaign=campaigns.whole.pk, version=new.pk,
                           answers=[{"item": new.items.get(code="G3").pk, "value": "1"}])
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "version" in response.json()
    body = inspection_body(enterprises["a1x"], checklist, world, campaign=campaigns.whole.pk)
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["campaign"] == campaigns.whole.pk


def _inspect(world, checklist, enterprise, campaign, *, fail=("G1", "G2"), submit=True, actor=None):
    items = checklist.items
    answers = [{"item": items[c].pk, "answer": "no" if c in fail else "yes"} for c in ("G1", "G2")]
    answers.append({"item": items["G3"].pk, "value": "1.5"})
    inspection, _ = services.save_inspection(actor=actor or world.users.safety, **inspection_body(
        enterprise, checklist, world, key=uuid.uuid4(), answers=answers, campaign=campaign.pk, submit=submit))
    if not submit:
        return []
    return [services.hazard_from_answer(a, actor=world.users.safety) for a in inspection.answers.filter(passed=False)]


def test_progress_counts_due_inspected_hazards_and_major(world, enterprises, checklist, campaigns,
                                                         django_assert_num_queries):
    whole = campaigns.whole
    _inspect(world, checklist, enterprises["a1x"], whole)  # G1 (major clause) and G2 failed
    _inspect(world, checklist, enterprises["a1x"], whole, fail=())  # a second visit, clean
    hazards = _inspect(world, checklist, enterprises["b1x"], whole, fail=("G2",))
    _inspect(world, checklist, enterprises["a2x"], whole, submit=False)  # a draft is not an inspection done
    services.apply_hazard_action(hazards[0].pk, actor=world.users.street, action="void", params={"reason": "误报"})
    with django_assert_num_queries(3):  # targets, inspected enterprises, hazards per enterprise
        progress = campaign_progress(whole, world.users.street)
    assert {k: progress[k] for k in ("due", "inspected", "with_hazards", "with_major", "hazards", "major")} == {
        "due": 4, "inspected": 2, "with_hazards": 1, "with_major": 1, "hazards": 2, "major": 1}
    assert progress["coverage"] == 50.0 and progress["major_share"] == 50.0
    # A zone leader sees its zone's part only.
    mine = campaign_progress(whole, world.users.zone_leader)
    assert (mine["due"], mine["inspected"], mine["hazards"]) == (3, 1, 2)
    zones = {row["name"]: (row["due"], row["inspected"], row["hazards"]) for row in progress_by_zone(whole, world.users.street)}
    assert zones == {"第一管区": (3, 1, 2), "第二管区": (1, 1, 0)}
    sectors = {row["code"]: row["due"] for row in progress_by_sector(whole, world.users.street)}
    assert sectors == {"commercial": 4}
    # Another campaign's inspections do not count here.
    assert campaign_progress(campaigns.zone_b, world.users.street)["inspected"] == 0


def test_the_ledger_holds_the_visible_targets_and_hazards_formula_safe(world, enterprises, checklist, campaigns,
                                                                       page_for):
    services.edit_campaign(campaigns.whole.pk, actor=world.users.street, title="=HYPERLINK(\"x\")")
    _inspect(world, checklist, enterprises["a1x"], campaigns.whole)
    response = page_for(world.users.zone_leader_b).get(f"/inspections/campaigns/{campaigns.whole.pk}/ledger.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert world.users.zone_leader_b.username in book["汇总"]["A1"].value  # who exported it
    assert book["汇总"]["B2"].value.startswith("'=")
    rows = list(book["企业台账"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [enterprises["b1x"].credit_code]
    assert list(book["隐患清单"].iter_rows(min_row=2, values_only=True)) == []
    street = load_workbook(io.BytesIO(page_for(world.users.street).get(
        f"/inspections/campaigns/{campaigns.whole.pk}/ledger.xlsx").content))
    assert len(list(street["企业台账"].iter_rows(min_row=2))) == 4
    assert len(list(street["隐患清单"].iter_rows(min_row=2))) == 2
    assert page_for(world.users.contractor).get(f"/inspections/campaigns/{campaigns.whole.pk}/ledger.xlsx").status_code == 404


def test_the_campaign_form_creates_and_edits(world, enterprises, checklist, page_for):
    page = page_for(world.users.safety)
    assert page.get("/inspections/campaigns/new/").status_code == 200
    data = {"title": "重点生产隐患排查", "theme": "key_production", "lead": world.users.street.pk,
            "starts_on": "2026-09-01", "ends_on": "2026-09-30", "sectors": ["commercial"], "zones": [world.zone_a.pk],
            "versions": [checklist.version.pk], "expert_name_0": "李专家", "expert_qualification_0": "注册安全工程师",
            "expert_organisation_0": "安科", "expert_user_0": world.users.safety_a.pk}
    response = page.post("/inspections/campaigns/new/", data)
    assert response.status_code == 302, response.content[:800]
    campaign = Campaign.objects.get(title="重点生产隐患排查")
    assert [(e.name, e.user_id) for e in campaign.experts.all()] == [("李专家", world.users.safety_a.pk)]
    bad = page.post("/inspections/campaigns/new/", {**data, "ends_on": "2026-08-01"})
    assert bad.status_code == 400
    services.start_campaign(campaign.pk, actor=world.users.safety)
    edit = page.get(f"/inspections/campaigns/{campaign.pk}/edit/")
    assert edit.status_code == 200 and b'data-testid="scope-frozen"' in edit.content
    response = page.post(f"/inspections/campaigns/{campaign.pk}/edit/", {**data, "title": "改名", "zones": [world.zone_b.pk]})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "改名" and list(campaign.zones.values_list("pk", flat=True)) == [world.zone_a.pk]
    for name in ("urban", "zone_leader", "worker"):
        assert page_for(world.persona(name)).get("/inspections/campaigns/new/").status_code == 403, name


def test_the_campaign_form_sent_twice_creates_one_campaign(world, enterprises, checklist, page_for):
    import uuid

    page = page_for(world.users.safety)
    assert 'name="once_token"' in page.get("/inspections/campaigns/new/").content.decode()
    data = {"title": "双击测试", "theme": "key_production", "lead": world.users.street.pk,
            "starts_on": "2026-09-01", "ends_on": "2026-09-30", "sectors": ["commercial"], "zones": [world.zone_a.pk],
            "versions": [checklist.version.pk], "once_token": str(uuid.uuid4())}
    first = page.post("/inspections/campaigns/new/", data)
    second = page.post("/inspections/campaigns/new/", data)
    campaign = Campaign.objects.get(title="双击测试")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/inspections/campaigns/{campaign.pk}/"
    assert page.post("/inspections/campaigns/new/", {**data, "once_token": "not-a-uuid"}).status_code == 400
    assert Campaign.objects.filter(title="双击测试").count() == 1
