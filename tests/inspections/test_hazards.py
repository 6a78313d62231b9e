"""Hazards: the transition matrix through the API (expectations by hand), one tap from a failed
item, gapless YH codes, classification rules, and bad input answering 400."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inspections import services
from inspections.models import Clause, Hazard, HazardPhoto
from tests.inspections.test_inspections import png

pytestmark = pytest.mark.django_db

# The state × action × persona matrix of the whole hazard table (part 1's states and the
# rectification loop's) is tests/inspections/test_rectification_matrix.py.


def post(client, pk, action, **params):
    return client.post(f"/api/v1/hazards/{pk}/actions/", {"action": action, **params}, format="json")


def test_a_failed_item_raises_a_prefilled_hazard_in_one_tap(world, enterprises, checklist, make_inspection, api_for):
    inspection = make_inspection(enterprises["a1x"])
    answer = inspection.answers.get(item__code="G1")
    client = api_for(world.users.safety)
    assert client.post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [png()], "answer": answer.pk},
                       format="multipart").status_code == 200
    response = client.post("/api/v1/hazards/", {"answer": answer.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["enterprise"], body["inspection"], body["item"], body["clause"]) == (
        enterprises["a1x"].pk, inspection.pk, checklist.items["G1"].pk, checklist.major.pk)
    assert (body["proposed_level"], body["level"], body["rectification_days"], body["status"]) == ("major", "", 3, "recorded")
    assert len(body["photos"]) == 1 and "available_actions" in body
    assert Clause.objects.get(pk=checklist.major.pk).cited
    # A second tap returns the same hazard; a general clause proposes general; a passed item raises nothing.
    assert client.post("/api/v1/hazards/", {"answer": answer.pk}, format="json").json()["id"] == body["id"]
    general = services.hazard_from_answer(inspection.answers.get(item__code="G2"), actor=world.users.safety)
    assert (general.clause_id, general.proposed_level, general.rectification_days) == (checklist.general.pk, "general", 10)
    passed = client.post("/api/v1/hazards/", {"answer": inspection.answers.get(item__code="G3").pk}, format="json")
    assert passed.status_code == 400 and "answer" in passed.json()
    assert HazardPhoto.objects.filter(hazard_id=body["id"]).count() == 1
    # The answer's photo was re-encoded before the hazard's row was made to share its file.
    (copied,) = HazardPhoto.objects.filter(hazard_id=body["id"])
    (original,) = answer.photos.all()
    assert copied.processed and original.processed and copied.image.name == original.image.name
    assert copied.image.name.endswith(".jpg")


def test_the_confirmer_sets_the_level_and_a_major_needs_its_reason(world, enterprises, checklist, make_inspection, api_for):
    inspection = make_inspection(enterprises["a1x"])
    major = services.hazard_from_answer(inspection.answers.get(item__code="G1"), actor=world.users.safety)
    general = services.hazard_from_answer(inspection.answers.get(item__code="G2"), actor=world.users.safety)
    safety = api_for(world.users.safety)
    response = post(safety, major.pk, "confirm", level="general")  # the proposal is only a proposal
    assert response.status_code == 200 and response.json()["level"] == "general"
    response = post(safety, general.pk, "confirm", level="major")
    assert response.status_code == 400 and "major_reason" in response.json()
    response = post(safety, general.pk, "confirm", level="major", major_reason="紧邻学校，外部因素难以排除")
    assert response.status_code == 200
    assert (response.json()["level"], response.json()["major_basis"]) == ("major", "external")
    assert post(safety, general.pk, "void").status_code == 400  # a reason is required
    assert post(safety, 987654, "comment", note="x").status_code == 404
    assert post(safety, general.pk, "fly").status_code == 400
    assert post(safety, general.pk, "confirm").status_code == 409


def test_codes_are_gapless_yearly(world, enterprises):
    made = [services.record_hazard(actor=world.users.worker, enterprise=enterprises["a1x"], description=f"通道堵塞{n}")
            for n in range(3)]
    year = made[0].recorded_at.year
    assert [h.code for h in made] == [f"YH-{year}-{n:06d}" for n in (1, 2, 3)]
    assert made[0].source == "grid_report" and made[0].proposed_level == "general"
    with pytest.raises(ValidationError):  # a failed record takes no number
        services.record_hazard(actor=world.users.worker, enterprise=enterprises["a1x"], description="")
    assert services.record_hazard(actor=world.users.street, enterprise=enterprises["a1x"], description="x").code.endswith("000004")


@pytest.mark.parametrize("body", [
    {}, {"enterprise": "x", "description": "a"}, {"enterprise": 10**12, "description": "a"}, {"description": "a"},
    {"enterprise": "E", "description": ""}, {"enterprise": "E", "description": "a", "clause": "x"},
    {"enterprise": "E", "description": "a", "factor_kind": "weather"}, {"enterprise": "E", "description": "a", "department": 10**9},
    {"enterprise": "E", "description": "a", "rectification_days": 0}, {"enterprise": "E", "description": "a\x00"},
    {"answer": "x"}, {"answer": 10**12}, {"enterprise": "B", "description": "a"},
])
def test_bad_hazard_input_is_a_400(world, enterprises, api_for, body):
    body = {k: (enterprises["a1x"].pk if v == "E" else enterprises["b1x"].pk if v == "B" else v) for k, v in body.items()}
    response = api_for(world.users.worker).post("/api/v1/hazards/", body, format="json")
    assert response.status_code == 400, (body, response.status_code, response.content[:300])
    assert Hazard.objects.count() == 0


def test_contractor_staff_may_not_record_hazards(world, enterprises, api_for):
    response = api_for(world.users.contractor).post("/api/v1/hazards/", {"enterprise": enterprises["a1x"].pk,
                                                                         "description": "x"}, format="json")
    assert response.status_code == 403


def test_the_hazard_page_moves_it_and_shows_the_timeline(world, enterprises, make_hazard, page_for):
    hazard = make_hazard(enterprises["a1x"])
    page = page_for(world.users.safety)
    detail = page.get(f"/inspections/hazards/{hazard.pk}/")
    assert detail.status_code == 200 and b'data-testid="action-confirm"' in detail.content
    response = page.post(f"/inspections/hazards/{hazard.pk}/act/", {"action": "confirm", "level": "major"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.level, hazard.major_basis) == ("confirmed", "major", "criterion")
    # A refused move is a message, not an error page.
    response = page.post(f"/inspections/hazards/{hazard.pk}/act/", {"action": "confirm"}, follow=True)
    assert response.status_code == 200
    worker = page_for(world.users.worker)
    assert b'data-testid="action-confirm"' not in worker.get(f"/inspections/hazards/{hazard.pk}/").content
    assert worker.post(f"/inspections/hazards/{hazard.pk}/act/", {"action": "comment", "note": "看到了"}).status_code == 302
    assert list(hazard.events.values_list("kind", flat=True)) == ["record", "confirm", "comment"]
    assert page_for(world.users.worker_b).post(f"/inspections/hazards/{hazard.pk}/act/",
                                               {"action": "comment", "note": "x"}).status_code == 404


def test_raise_from_the_inspection_page(world, enterprises, make_inspection, page_for):
    inspection = make_inspection(enterprises["a1x"])
    answer = inspection.answers.get(item__code="G1")
    page = page_for(world.users.worker)
    detail = page.get(f"/inspections/inspections/{inspection.pk}/")
    assert detail.status_code == 200 and f'data-testid="raise-{answer.pk}"'.encode() in detail.content
    response = page.post(f"/inspections/inspections/{inspection.pk}/answers/{answer.pk}/hazard/")
    hazard = Hazard.objects.get(answer=answer)
    assert response.status_code == 302 and response["Location"].endswith(f"/hazards/{hazard.pk}/")
    passed = inspection.answers.get(item__code="G3")
    assert page.post(f"/inspections/inspections/{inspection.pk}/answers/{passed.pk}/hazard/").status_code == 302
    assert not Hazard.objects.filter(answer=passed).exists()
    assert page_for(world.users.contractor).post(
        f"/inspections/inspections/{inspection.pk}/answers/{answer.pk}/hazard/").status_code == 404


def test_the_admin_shows_hazards_and_inspections_read_only(world, enterprises, make_hazard, page_for):
    hazard = make_hazard(enterprises["a1x"], "confirmed")
    admin = page_for(world.users.admin)
    for model, pk in (("hazard", hazard.pk), ("inspection", hazard.inspection_id)):
        assert admin.get(f"/admin/inspections/{model}/").status_code == 200, model
        assert admin.get(f"/admin/inspections/{model}/{pk}/change/").status_code == 200, model
        assert admin.get(f"/admin/inspections/{model}/add/").status_code == 403, model
        assert admin.get(f"/admin/inspections/{model}/{pk}/delete/").status_code == 403, model
