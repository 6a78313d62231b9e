"""Photo uploads: checked (type, size, pixels, count) and stored as JPEG without metadata (once
re-encoded after the request: tests/casework/test_photo_processing.py)."""

from __future__ import annotations

import dataclasses
import io
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from casework.photos import MAX_EDGE, process_rows
from incidents.choices import Action, Status
from incidents.models import Incident, IncidentPhoto, PhotoKind
from tests.incidents.factories import centre, jpeg_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
GPS_IFD = 0x8825


def image_bytes(mode: str, size: tuple[int, int], fmt: str, colour=0) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=fmt)
    return out.getvalue()


@cache
def bomb() -> bytes:
    """A small PNG whose header declares 20000 × 20000 pixels (400 megapixels once decoded)."""
    return image_bytes("1", (20000, 20000), "PNG")


def report(client, world, cats, photos, **extra):
    latitude, longitude = centre(world.cell_a1x)
    data = {"category": cats.gas.pk, "description": "gas smell", "latitude": latitude, "longitude": longitude, "photos": photos, **extra}
    return client.post(URL, data, format="multipart")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_photos_are_stored_as_jpeg_without_exif(world, cats, api_for, settings):
    with_gps = jpeg_bytes((800, 600), gps=True)
    assert Image.open(io.BytesIO(with_gps)).getexif().get_ifd(GPS_IFD), "the test photo should carry a GPS position"
    transparent = image_bytes("RGBA", (300, 200), "PNG", (0, 0, 0, 0))
    response = report(api_for(world.users.worker), world, cats,
                      [upload(with_gps, "gps.jpg"), upload(transparent, "shot.png", "image/png")])
    assert response.status_code == 201, response.content
    received = IncidentPhoto.objects.filter(incident_id=response.json()["id"])
    assert not any(received.values_list("processed", flat=True))
    assert process_rows("incidents.IncidentPhoto", list(received.values_list("pk", flat=True))) == 2
    photos = list(IncidentPhoto.objects.filter(incident_id=response.json()["id"]).order_by("pk"))
    assert [(p.kind, p.width, p.height) for p in photos] == [(PhotoKind.REPORT, 800, 600), (PhotoKind.REPORT, 300, 200)]
    for photo in photos:
        assert Path(photo.image.path).is_relative_to(settings.MEDIA_ROOT) and photo.image.name.endswith(".jpg")
        with Image.open(photo.image.path) as stored:
            assert stored.format == "JPEG"
            assert len(stored.getexif()) == 0 and not stored.getexif().get_ifd(GPS_IFD)
            assert "exif" not in stored.info
    with Image.open(photos[1].image.path) as stored:
        assert stored.getpixel((10, 10)) == (255, 255, 255)  # transparency flattened onto white
    detail = api_for(world.users.worker).get(f"{URL}{response.json()['id']}/").json()
    assert [p["id"] for p in detail["photos"]] == [p.pk for p in photos] and all(p["url"] for p in detail["photos"])


def test_large_photos_are_scaled_down(world, cats, api_for):
    response = report(api_for(world.users.worker), world, cats, [upload(jpeg_bytes((3000, 2000)), "big.jpg")])
    assert response.status_code == 201, response.content
    process_rows("incidents.IncidentPhoto", [IncidentPhoto.objects.get().pk])
    photo = IncidentPhoto.objects.get()
    assert (photo.width, photo.height) == (MAX_EDGE, round(2000 * MAX_EDGE / 3000))


def test_nine_photos_are_accepted(world, cats, api_for):
    response = report(api_for(world.users.worker), world, cats, [upload(name=f"p{i}.jpg") for i in range(9)])
    assert response.status_code == 201, response.content
    assert IncidentPhoto.objects.filter(incident_id=response.json()["id"]).count() == 9


@pytest.mark.parametrize("case", ["not_an_image", "oversize", "bomb", "gif", "ten_photos", "truncated"])
def test_bad_uploads_answer_400_and_store_nothing(case, world, cats, api_for, settings):
    valid = jpeg_bytes()
    photos, name = {
        "not_an_image": ([upload(b"MZ\x90\x00 this is a program, not a picture" * 20, "evil.jpg")], "evil.jpg"),
        # A readable JPEG padded past 10 MB: refused for its size alone.
        "oversize": ([upload(valid + b"\0" * (10 * 1024 * 1024), "huge.jpg")], "huge.jpg"),
        "bomb": ([upload(bomb(), "bomb.png", "image/png")], "bomb.png"),
        "gif": ([upload(image_bytes("P", (40, 40), "GIF"), "anim.gif", "image/gif")], "anim.gif"),
        "ten_photos": ([upload(name=f"p{i}.jpg") for i in range(10)], None),
        "truncated": ([upload(valid[: len(valid) // 3], "cut.jpg")], "cut.jpg"),
    }[case]
    response = report(api_for(world.users.worker), world, cats, photos)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert "photos" in errors, errors
    if name:
        assert name in str(errors["photos"])  # the message names the file at fault
    assert not Incident.objects.exists() and not IncidentPhoto.objects.exists()
    assert stored_files(settings) == []


def test_handling_with_photos_through_the_actions_endpoint(world, make_case, api_for):
    case = make_case(Status.ACCEPTED)
    response = api_for(world.users.safety).post(
        f"{URL}{case.pk}/actions/", {"action": Action.HANDLE, "result": "Valve replaced", "photos": [upload(name="after.jpg")]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == Status.HANDLED and [p["kind"] for p in body["photos"]] == [PhotoKind.HANDLE]
    assert body["timeline"][-1]["data"]["photos"] == 1
    response = api_for(world.users.worker).post(
        f"{URL}{case.pk}/actions/", {"action": Action.VERIFY, "passed": "true", "photos": [upload(b"not a photo", "x.jpg")]},
        format="multipart",
    )
    assert response.status_code == 400 and "photos" in response.json()
    case.refresh_from_db()
    assert case.status == Status.HANDLED


# --- a change that fails after its photos were written leaves no file behind ---------------------------


class Boom(Exception):
    pass


def _fail(*args, **kwargs):
    raise Boom


def test_a_failed_intake_removes_the_photo_files_it_wrote(world, cats, settings, monkeypatch):
    from incidents.services import intake

    monkeypatch.setattr(intake, "record", _fail)  # fails after the case and its photos were stored
    latitude, longitude = centre(world.cell_a1x)
    with pytest.raises(Boom):
        intake.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="gas smell", latitude=latitude,
                               longitude=longitude, photos=[upload(name="a.jpg"), upload(name="b.jpg")])
    assert not Incident.objects.exists() and not IncidentPhoto.objects.exists()
    assert stored_files(settings) == []


def test_a_failed_action_removes_its_photo_files_and_keeps_the_earlier_ones(world, make_case, settings, monkeypatch):
    from incidents.services import apply_action, workflow

    case = make_case(Status.SELF_HANDLED)  # reported with an after photo, which must stay
    before = stored_files(settings)
    assert len(before) == 1
    case = make_case(Status.ACCEPTED)
    # The timeline write fails after the photos were stored.
    monkeypatch.setattr(workflow, "CASE_WORKFLOW", dataclasses.replace(workflow.CASE_WORKFLOW, record=_fail))
    with pytest.raises(Boom):
        apply_action(case.pk, actor=world.users.safety, action=Action.HANDLE, params={"result": "Valve replaced"},
                     photos=[upload(name="after.jpg")])
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and not case.photos.exists()
    assert stored_files(settings) == before


def test_files_of_a_successful_inner_change_go_when_the_enclosing_block_fails(world, cats, settings):
    from django.db import transaction

    from casework.photos import files_discarded_on_error
    from incidents.services import report_incident

    latitude, longitude = centre(world.cell_a1x)
    with pytest.raises(Boom), files_discarded_on_error(), transaction.atomic():
        report_incident(reporter=world.users.worker, category=cats.gas.pk, description="gas smell", latitude=latitude,
                        longitude=longitude, photos=[upload(name="a.jpg")])
        assert len(stored_files(settings)) == 1
        raise Boom
    assert not Incident.objects.exists() and stored_files(settings) == []
