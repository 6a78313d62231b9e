"""The inspection gaps closed with the campaigns: a draft stays editable until submitted (the same
client key; a submitted one is never changed), a failed photo-required item without a photo is
refused on submit naming the item, and a campaign's expert confirms the hazards found under it."""

from __future__ import annotations

import uuid

import pytest

from inspections import services
from inspections.models import Inspection, InspectionAnswer
from tests.inspections.conftest import inspection_body
from tests.inspections.test_inspections import png

pytestmark = pytest.mark.django_db


def test_a_draft_stays_editable_until_it_is_submitted(world, enterprises, checklist, api_for):
    client = api_for(world.users.safety)
    items = checklist.items
    key = uuid.uuid4()
    body = inspection_body(enterprises["a1x"], checklist, world, key=key, answers=[{"item": items["G1"].pk, "answer": "no"}])
    first = client.post("/api/v1/inspections/", body, format="json")
    assert first.status_code == 201 and first.json()["status"] == "draft"
    # The same key again: the draft is updated (an answer changed, one added), not duplicated.
    body["answers"] = [{"item": items["G1"].pk, "answer": "yes"}, {"item": items["G3"].pk, "value": "3"}]
    body["summary"] = "第二次保存"
    again = client.post("/api/v1/inspections/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    inspection = Inspection.objects.get()
    assert inspection.summary == "第二次保存"
    assert {a.item.code: a.passed for a in inspection.answers.select_related("item")} == {"G1": True, "G3": False}
    # Submitted, it is final: a retry with other answers changes nothing.
    body["submit"] = True
    assert client.post("/api/v1/inspections/", body, format="json").json()["status"] == "submitted"
    body["answers"] = [{"item": items["G1"].pk, "answer": "no"}]
    body["summary"] = "改不了"
    assert client.post("/api/v1/inspections/", body, format="json").status_code == 200
    inspection.refresh_from_db()
    assert inspection.summary == "第二次保存" and InspectionAnswer.objects.get(item=items["G1"]).passed is True
    # Someone else's draft is not theirs to change.
    other = inspection_body(enterprises["a1x"], checklist, world, key=uuid.uuid4())
    services.save_inspection(actor=world.users.safety, **other)
    response = api_for(world.users.street).post("/api/v1/inspections/", {**other, "summary": "x"}, format="json")
    assert response.status_code == 403


def test_reopening_a_draft_on_the_phone_shows_its_answers(world, enterprises, checklist, page_for):
    page = page_for(world.users.safety)
    items = checklist.items
    url = f"/inspections/enterprises/{enterprises['a1x'].pk}/inspect/?template={checklist.template.pk}"
    key = str(uuid.uuid4())
    data = {"client_key": key, "template": checklist.template.pk, "kind": "government", "certificate_no": "37020001",
            "co_inspector": world.users.safety_a.pk, "co_certificate_no": "37020002", f"answer_{items['G1'].pk}": "no",
            f"note_{items['G1'].pk}": "无报警器", f"value_{items['G3'].pk}": "1.5", "summary": "未完", "intent": "draft",
            f"photos_{items['G1'].pk}": png("g1.png")}
    response = page.post(url, data)
    inspection = Inspection.objects.get(client_key=key)
    assert inspection.status == "draft"
    assert response.status_code == 302 and response.url == f"/inspections/inspections/{inspection.pk}/edit/"
    form = page.get(response.url)
    html = form.content.decode()
    assert form.status_code == 200 and 'data-testid="draft-notice"' in html and key in html
    assert f'name="answer_{items["G1"].pk}" value="no" checked' in html
    assert 'value="1.5"' in html and "无报警器" in html and "未完" in html
    assert 'data-testid="stored-photos-G1"' in html
    # Continue: answer G2, submit.
    del data[f"photos_{items['G1'].pk}"]
    data.update({f"answer_{items['G2'].pk}": "yes", "intent": "submit"})
    response = page.post(f"/inspections/inspections/{inspection.pk}/edit/", data)
    assert response.status_code == 302 and response.url == f"/inspections/inspections/{inspection.pk}/"
    inspection.refresh_from_db()
    assert inspection.status == "submitted" and inspection.answers.count() == 3 and inspection.photos.count() == 1
    assert page.get(f"/inspections/inspections/{inspection.pk}/edit/").status_code == 302  # submitted: to its page
    assert page_for(world.users.street).get(f"/inspections/inspections/{inspection.pk}/").status_code == 200


def test_only_the_recorder_continues_a_draft(world, enterprises, checklist, make_inspection, page_for):
    draft = make_inspection(enterprises["a1x"])
    assert page_for(world.users.safety).get(f"/inspections/inspections/{draft.pk}/edit/").status_code == 200
    assert page_for(world.users.street).get(f"/inspections/inspections/{draft.pk}/edit/").status_code == 403
    assert page_for(world.users.worker_b).get(f"/inspections/inspections/{draft.pk}/edit/").status_code == 404


def test_a_failed_photo_required_item_needs_a_photo_to_submit(world, enterprises, checklist, api_for, page_for):
    g1 = checklist.items["G1"]
    g1.photo_required = True
    g1.save()
    client = api_for(world.users.safety)
    body = inspection_body(enterprises["a1x"], checklist, world, submit=True)
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "G1" in str(response.json()["photos"])
    assert not Inspection.objects.exists()
    # As a draft it saves; submitting it is refused until the photo is there.
    body["submit"] = False
    inspection_id = client.post("/api/v1/inspections/", body, format="json").json()["id"]
    refused = client.post(f"/api/v1/inspections/{inspection_id}/submit/")
    assert refused.status_code == 400 and "G1 安装可燃气体报警装置" in str(refused.json())
    assert Inspection.objects.get().status == "draft"
    answer = InspectionAnswer.objects.get(item=g1)
    client.post(f"/api/v1/inspections/{inspection_id}/photos/", {"photos": [png()], "answer": answer.pk}, format="multipart")
    assert client.post(f"/api/v1/inspections/{inspection_id}/submit/").json()["status"] == "submitted"
    # A passed photo-required item needs none; on the phone the refusal names the item.
    page = page_for(world.users.safety)
    url = f"/inspections/enterprises/{enterprises['a2x'].pk}/inspect/?template={checklist.template.pk}"
    data = {"client_key": str(uuid.uuid4()), "template": checklist.template.pk, "kind": "service",
            f"answer_{g1.pk}": "no", "intent": "submit"}
    response = page.post(url, data)
    assert response.status_code == 400 and b"G1" in response.content and b'data-testid="form-error"' in response.content
    data.update({f"answer_{g1.pk}": "yes", "client_key": str(uuid.uuid4())})
    assert page.post(url, data).status_code == 302


def test_the_campaigns_expert_confirms_what_it_found_and_another_department_does_not(world, enterprises, checklist,
                                                                                    campaigns, api_for):
    """SAFETY.md §8.3: the safety office or an expert confirms. The expert's account here is in the
    城管 department (not the safety office): it decides on hazards found under its own campaign."""
    from inspections.models import CampaignExpert

    expert, other = world.users.urban, world.users.safety_a
    CampaignExpert.objects.create(campaign=campaigns.whole, name="王工", qualification="注册安全工程师", user=expert)
    body = inspection_body(enterprises["a1x"], checklist, world, kind="expert", campaign=campaigns.whole.pk, submit=True)
    inspection, _ = services.save_inspection(actor=other, **body)
    found = services.hazard_from_answer(inspection.answers.get(item__code="G1"), actor=other)
    alone = services.record_hazard(actor=world.users.street, enterprise=enterprises["a1x"].pk, description="通道堵塞")
    client = api_for(expert)
    assert "confirm" in client.get(f"/api/v1/hazards/{found.pk}/").json()["available_actions"]
    ok = client.post(f"/api/v1/hazards/{found.pk}/actions/", {"action": "confirm"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    # A hazard not found under its campaign: the 城管 handler is no decider.
    refused = client.post(f"/api/v1/hazards/{alone.pk}/actions/", {"action": "confirm"}, format="json")
    assert refused.status_code in (404, 409)
    alone.refresh_from_db()
    assert alone.status == "recorded"
