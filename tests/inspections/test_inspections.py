"""Recording inspections: the two-inspector rule, the snapshot, client_key idempotency, the location
check, photos and signature, and bad input answering 400 (never 500)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from inspections import services
from inspections.models import Inspection, InspectionAnswer
from tests.inspections.conftest import inspection_body

pytestmark = pytest.mark.django_db


def png(name="sign.png", size=(120, 60)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_answers_are_computed_and_the_version_is_frozen(world, enterprises, checklist, make_inspection):
    inspection = make_inspection(enterprises["a1x"])
    passed = {a.item.code: a.passed for a in inspection.answers.select_related("item")}
    assert passed == {"G1": False, "G2": False, "G3": True}
    checklist.version.refresh_from_db()
    assert checklist.version.used
    assert (inspection.distance_m, inspection.location_flagged) == (0, False)


def test_an_enforcement_inspection_needs_two_inspectors_with_certificates(world, enterprises, checklist, api_for):
    client = api_for(world.users.safety)
    body = inspection_body(enterprises["a1x"], checklist, world)
    body["inspectors"][1]["certificate_no"] = ""
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "inspectors" in response.json()
    body["inspectors"] = [{"user": world.users.safety.pk, "certificate_no": "1"}]
    assert client.post("/api/v1/inspections/", body, format="json").status_code == 400
    for kind in ("expert", "government"):
        body = inspection_body(enterprises["a1x"], checklist, world, kind=kind, inspectors=[
            {"user": world.users.safety.pk, "certificate_no": "1"}])
        assert client.post("/api/v1/inspections/", body, format="json").status_code == 400, kind
    # A self-check or a service visit is not enforcement: one inspector without a certificate records it.
    body = inspection_body(enterprises["a1x"], checklist, world, kind="service", inspectors=[])
    assert client.post("/api/v1/inspections/", body, format="json").status_code == 201
    assert Inspection.objects.count() == 1


def test_a_grid_worker_records_a_patrol_only(world, enterprises, checklist, api_for):
    client = api_for(world.users.worker)
    body = inspection_body(enterprises["a1x"], checklist, world, inspectors=[])
    assert client.post("/api/v1/inspections/", body, format="json").status_code == 400
    body = inspection_body(enterprises["a1x"], checklist, world, kind="patrol", inspectors=[])
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    assert [row["user"] for row in response.json()["inspectors"]] == [world.users.worker.pk]
    # Outside its cells the enterprise is unknown to it (400 naming the field, not revealed).
    body = inspection_body(enterprises["b1x"], checklist, world, kind="patrol", inspectors=[])
    response = client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()


def test_a_retried_submit_creates_nothing_twice(world, enterprises, checklist, api_for):
    client = api_for(world.users.safety)
    body = inspection_body(enterprises["a1x"], checklist, world, key=uuid.uuid4(), submit=True)
    first = client.post("/api/v1/inspections/", body, format="json")
    again = client.post("/api/v1/inspections/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Inspection.objects.count() == 1 and InspectionAnswer.objects.count() == 3
    # Someone who cannot see that inspection is not told about it, and creates nothing.
    other = api_for(world.users.worker_b).post("/api/v1/inspections/", {**body, "enterprise": enterprises["b1x"].pk,
                                                                       "kind": "patrol"}, format="json")
    assert other.status_code == 400 and "client_key" in other.json()


def test_answers_keep_their_version_when_the_template_is_revised(world, enterprises, checklist, make_inspection):
    inspection = make_inspection(enterprises["a1x"])
    new = services.revise_template(checklist.template, changes={"G1": {"text": "安装并联动可燃气体报警装置"}}, remove=["G2"])
    inspection.refresh_from_db()
    assert inspection.version_id == checklist.version.pk != new.pk
    answers = list(inspection.answers.select_related("item").order_by("item__position"))
    assert [(a.item.version_id, a.item.code, a.item.text) for a in answers] == [
        (checklist.version.pk, "G1", "安装可燃气体报警装置"), (checklist.version.pk, "G2", "灭火器在有效期内"),
        (checklist.version.pk, "G3", "软管长度")]
    # An answer for an item of another version is refused.
    with pytest.raises(ValidationError):
        services.save_inspection(actor=world.users.safety, **inspection_body(
            enterprises["a1x"], checklist, world, answers=[{"item": new.items.first().pk, "answer": "yes"}]))


def test_the_location_is_checked_not_refused(world, enterprises, checklist, make_inspection, settings):
    far = make_inspection(enterprises["a1x"], latitude=36.0125, longitude=120.0025)  # ~1.1 km north
    assert far.location_flagged and 1000 < far.distance_m < 1200
    settings.INSPECTION_LOCATION_TOLERANCE_M = 5000
    assert not make_inspection(enterprises["a1x"], latitude=36.0125, longitude=120.0025).location_flagged


def test_photos_and_signature_are_re_encoded(world, enterprises, checklist, make_inspection, api_for, page_for):
    inspection = make_inspection(enterprises["a1x"])
    client = api_for(world.users.safety)
    answer = inspection.answers.get(item__code="G1")
    response = client.post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [png("a.png")], "answer": answer.pk},
                           format="multipart")
    assert response.status_code == 200, response.content
    response = client.post(f"/api/v1/inspections/{inspection.pk}/signature/", {"signature": png(), "signed_by": "张经理"},
                           format="multipart")
    assert response.status_code == 200, response.content
    inspection.refresh_from_db()
    assert inspection.signature.name.endswith(".jpg") and inspection.signed_by == "张经理"
    again = client.post(f"/api/v1/inspections/{inspection.pk}/signature/", {"signature": png()}, format="multipart")
    assert again.status_code == 409
    bad = io.BytesIO(b"not an image")
    bad.name = "x.png"
    assert client.post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [bad]}, format="multipart").status_code == 400
    page = page_for(world.users.safety)
    assert page.get(f"/inspections/inspections/{inspection.pk}/signature/").status_code == 200
    photo = inspection.photos.get()
    assert not photo.processed  # re-encoded after the request (casework.photos) …
    sent = page.get(f"/inspections/inspections/{inspection.pk}/photos/{photo.pk}/")
    assert sent.status_code == 200
    with Image.open(io.BytesIO(b"".join(sent.streaming_content))) as image:
        assert image.format == "JPEG"  # … and never sent as received (it was a PNG)
    photo.refresh_from_db()
    assert photo.processed and photo.image.name.endswith(".jpg")
    assert page_for(world.users.worker_b).get(f"/inspections/inspections/{inspection.pk}/signature/").status_code == 404
    # Only who recorded it adds to it.
    assert api_for(world.users.safety_a).post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [png()]},
                                              format="multipart").status_code == 403


@pytest.mark.parametrize("change", [
    {"client_key": "nope"}, {"client_key": None}, {"enterprise": "x"}, {"enterprise": 10**12}, {"kind": "raid"},
    {"version": -1}, {"started_at": "2026-13-01T00:00"}, {"started_at": "2999-01-01T00:00"}, {"latitude": 91},
    {"latitude": 36.0, "longitude": None}, {"answers": [{"item": "x", "answer": "yes"}]}, {"answers": "all fine"},
    {"answers": [{"answer": "maybe"}]}, {"inspectors": [{"user": "me"}]}, {"inspectors": "two"}, {"experts": [{"name": ""}]},
    {"summary": "nul\x00"}, {"experts": ["x"]},
])
def test_bad_input_is_a_400(world, enterprises, checklist, api_for, change):
    body = {**inspection_body(enterprises["a1x"], checklist, world), **change}
    body = {k: v for k, v in body.items() if v is not None}
    if change.get("answers") == [{"answer": "maybe"}]:
        body["answers"] = [{"item": checklist.items["G1"].pk, "answer": "maybe"}]
    response = api_for(world.users.safety).post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400, (change, response.status_code, response.content[:300])
    assert Inspection.objects.count() == 0


def test_contractor_staff_may_not_record(world, enterprises, checklist, api_for):
    body = inspection_body(enterprises["a1x"], checklist, world)
    assert api_for(world.users.contractor).post("/api/v1/inspections/", body, format="json").status_code == 403


def test_the_phone_form_records_answers_photos_and_the_drawn_signature(world, enterprises, checklist, page_for):
    page = page_for(world.users.safety)
    url = f"/inspections/enterprises/{enterprises['a1x'].pk}/inspect/?template={checklist.template.pk}"
    form = page.get(url)
    assert form.status_code == 200 and b'data-testid="signature-pad"' in form.content
    assert b"<script>" not in form.content  # the pad is a static file, no inline script
    items = checklist.items
    key = str(uuid.uuid4())
    data = {
        "client_key": key, "template": checklist.template.pk, "kind": "government", "certificate_no": "37020001",
        "co_inspector": world.users.safety_a.pk, "co_certificate_no": "37020002", "latitude": "36.0025",
        "longitude": "120.0025", f"answer_{items['G1'].pk}": "no", f"note_{items['G1'].pk}": "无报警器",
        f"answer_{items['G2'].pk}": "yes", f"value_{items['G3'].pk}": "3", f"photos_{items['G1'].pk}": png("g1.png"),
        "signature": png(), "signature_kind": "drawn", "signed_by": "张经理", "summary": "发现两处问题",
    }
    response = page.post(url, data)
    assert response.status_code == 302, response.content[:500]
    inspection = Inspection.objects.get(client_key=key)
    assert {a.item.code: a.passed for a in inspection.answers.select_related("item")} == {"G1": False, "G2": True, "G3": False}
    assert inspection.photos.get().answer.item.code == "G1"
    assert inspection.signature and inspection.signature_kind == "drawn"
    # The same form sent again (a retry) creates nothing.
    data["signature"], data[f"photos_{items['G1'].pk}"] = png(), png("g1.png")
    assert page.post(url, data).status_code == 302 and Inspection.objects.count() == 1
    assert inspection.photos.count() == 1
    # One inspector is not enough for a government inspection: the form says so.
    data.update(client_key=str(uuid.uuid4()), co_inspector="")
    del data["signature"], data[f"photos_{items['G1'].pk}"]
    response = page.post(url, data)
    assert response.status_code == 400 and b'data-testid="form-error"' in response.content
    assert page_for(world.users.worker_b).get(url).status_code == 404
    assert page_for(world.users.contractor).get(url).status_code == 404
