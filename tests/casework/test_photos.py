"""Photo cleaning, storing and the discard-on-error block (casework.photos), apart from any client.

The case flows that use them (intake, actions, the 400 answers) are tested in tests/incidents/test_photos.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from casework import photos as photos_module
from casework.photos import MAX_PHOTOS, attach_photos, clean_photo, clean_photos, files_discarded_on_error
from incidents.models import IncidentPhoto, PhotoKind
from tests.incidents import factories as cf

GPS_IFD = 0x8825


class Boom(Exception):
    pass


def test_clean_photo_reencodes_as_jpeg_without_metadata():
    content = clean_photo(cf.upload(cf.jpeg_bytes((800, 600), gps=True), "gps.jpg"))
    assert content.name.endswith(".jpg")
    with Image.open(io.BytesIO(content.read())) as image:
        assert image.format == "JPEG" and image.size == (800, 600)
        assert len(image.getexif()) == 0 and not image.getexif().get_ifd(GPS_IFD)


@pytest.mark.parametrize(("content", "code"), [
    (b"not a picture at all" * 10, "bad_image"),
    (None, "bad_type"),  # a GIF
])
def test_clean_photo_says_what_is_wrong(content, code):
    if content is None:
        out = io.BytesIO()
        Image.new("P", (20, 20)).save(out, format="GIF")
        content = out.getvalue()
    with pytest.raises(ValidationError) as refused:
        clean_photo(cf.upload(content, "x.img"))
    assert refused.value.code == code and "x.img" in refused.value.messages[0]


def test_clean_photos_refuses_more_than_the_maximum():
    with pytest.raises(ValidationError) as refused:
        clean_photos([cf.upload() for _ in range(MAX_PHOTOS + 1)])
    assert "photos" in refused.value.message_dict
    assert clean_photos(None) == []


@pytest.fixture
def case(world, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    return cf.case_in("registered", world, cf.category_tree(world))


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_attach_photos_stores_rows_of_the_given_model(case, world, settings):
    photos = attach_photos(IncidentPhoto, clean_photos([cf.upload(cf.jpeg_bytes((64, 48)))]), uploaded_by=world.users.worker,
                           incident=case, kind=PhotoKind.HANDLE)
    (photo,) = photos
    assert photo.pk and (photo.incident, photo.kind, photo.uploaded_by) == (case, PhotoKind.HANDLE, world.users.worker)
    assert Path(photo.image.path) in _files(settings) and not photo.processed  # re-encoded after commit
    assert photos_module.process_photo(photo) and (photo.width, photo.height) == (64, 48)


def test_a_failed_block_deletes_the_files_it_wrote_and_an_inner_success_goes_with_the_outer_failure(case, world, settings):
    cleaned = clean_photos([cf.upload(), cf.upload()])
    with pytest.raises(Boom), files_discarded_on_error(), transaction.atomic():
        with files_discarded_on_error():
            attach_photos(IncidentPhoto, cleaned[:1], uploaded_by=world.users.worker, incident=case)
        attach_photos(IncidentPhoto, cleaned[1:], uploaded_by=world.users.worker, incident=case)
        assert len(_files(settings)) == 2
        raise Boom
    assert _files(settings) == [] and not IncidentPhoto.objects.exists()
