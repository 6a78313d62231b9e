"""Photos re-encoded after the request (casework.photos, docs/performance.md issue 19): stored as
received and unserved until then; the after-commit task, beat's catch-up and the file view each
re-encode them, exactly once; nothing a client uploaded is ever sent back as it came."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from casework import photos
from casework.photos import process_pending_photos, process_photos
from incidents.models import IncidentPhoto, PhotoKind
from inspections.models import HazardPhoto
from tests.incidents import factories as cf

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture
def case(world, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    settings.PRIVATE_MEDIA_ACCEL = ""
    return cf.case_in("registered", world, cf.category_tree(world))


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _attach(case, world, content: bytes | None = None) -> IncidentPhoto:
    (photo,) = photos.attach_photos(IncidentPhoto, photos.clean_photos([cf.upload(content or cf.jpeg_bytes((800, 600), gps=True))]),
                                    uploaded_by=world.users.worker, incident=case, kind=PhotoKind.REPORT)
    return photo


def _no_metadata(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return image.format == "JPEG" and len(image.getexif()) == 0 and not image.getexif().get_ifd(GPS_IFD)


def test_a_photo_is_stored_as_received_and_unprocessed(case, world, settings):
    sent = cf.jpeg_bytes((800, 600), gps=True)
    photo = _attach(case, world, sent)
    assert not photo.processed and photo.image.name.endswith(".upload")
    assert Path(photo.image.path).read_bytes() == sent  # as received: the EXIF and GPS are still in it
    assert _files(settings) == [Path(photo.image.path)]


def test_the_check_refuses_what_clean_photo_refuses():
    truncated = cf.jpeg_bytes((800, 600))[:-400]
    for content in (b"not a picture" * 20, truncated):
        with pytest.raises(photos.ValidationError):
            photos.clean_photos([cf.upload(content)])


def test_processing_reencodes_in_place_once_and_removes_the_upload(case, world, settings, django_capture_on_commit_callbacks):
    photo = _attach(case, world)
    received = Path(photo.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert photos.process_photo(photo) is True
    photo.refresh_from_db()
    assert photo.processed and photo.image.name.endswith(".jpg") and (photo.width, photo.height) == (800, 600)
    assert _no_metadata(Path(photo.image.path).read_bytes())
    assert not received.exists() and _files(settings) == [Path(photo.image.path)]
    assert photos.process_photo(photo) is False and photos.process_rows("incidents.IncidentPhoto", [photo.pk]) == 0


def test_the_task_is_enqueued_after_commit_only(case, world, django_capture_on_commit_callbacks):
    with mock.patch.object(process_photos, "apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            photo = _attach(case, world)
            enqueue.assert_not_called()  # not before the commit: the task would find no row
        enqueue.assert_called_once_with(args=("incidents.IncidentPhoto", [photo.pk]), retry=False)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            _attach(case, world)
            raise RuntimeError
        assert enqueue.call_count == 1  # a rolled-back photo enqueues nothing
    assert process_photos.apply(args=("incidents.IncidentPhoto", [photo.pk])).get() == 1
    photo.refresh_from_db()
    assert photo.processed


def test_beat_catches_up_with_photos_whose_task_was_lost(case, world, django_capture_on_commit_callbacks):
    broker_down = mock.patch.object(process_photos, "apply_async", side_effect=ConnectionError("broker down"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        old, new = _attach(case, world), _attach(case, world)  # the write does not fail
    IncidentPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert process_pending_photos.apply().get() == 1  # the new one is left to its own task for now
    assert list(IncidentPhoto.objects.order_by("pk").values_list("processed", flat=True)) == [True, False]
    assert photos.process_pending(older_than=dt.timedelta(0)) == 1 and photos.process_pending(older_than=dt.timedelta(0)) == 0
    assert IncidentPhoto.objects.get(pk=new.pk).processed
    schedule = django_settings.CELERY_BEAT_SCHEDULE["process-pending-photos"]
    assert schedule["task"] == "casework.tasks.process_pending_photos" and schedule["schedule"] <= 60


def test_beat_covers_every_kind_of_photo():
    models = set(photos.pending_models())
    assert {IncidentPhoto, HazardPhoto} <= models and len(models) == 6


def test_the_file_view_sends_a_pending_photo_only_reencoded(case, world, page_for):
    photo = _attach(case, world)
    response = page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[case.pk, photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert _no_metadata(b"".join(response.streaming_content))
    photo.refresh_from_db()
    assert photo.processed and photo.image.name.endswith(".jpg")


def test_an_upload_that_cannot_be_reencoded_is_removed_and_answers_404(case, world, page_for, settings, django_capture_on_commit_callbacks):
    photo = _attach(case, world)
    Path(photo.image.path).write_bytes(b"garbage now" * 50)  # e.g. a disk fault between check and re-encoding
    with django_capture_on_commit_callbacks(execute=True):
        response = page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[case.pk, photo.pk]))
    assert response.status_code == 404 and not IncidentPhoto.objects.filter(pk=photo.pk).exists()
    assert _files(settings) == []


def test_a_single_image_field_is_reencoded_at_once(case, world, settings):
    (received,) = photos.clean_photos([cf.upload(cf.jpeg_bytes((64, 48), gps=True))])
    photo = IncidentPhoto(incident=case, uploaded_by=world.users.worker)
    photos.save_cleaned(photo.image, received)
    assert photo.image.name.endswith(".jpg") and _no_metadata(Path(photo.image.path).read_bytes())
    with pytest.raises(TypeError):
        photos.save_cleaned(photo.image, io.BytesIO(b"raw"))


def test_a_missing_upload_stays_pending_and_a_restored_row_finds_its_jpeg(case, world, page_for, settings):
    photo = _attach(case, world)
    received = Path(photo.image.path)
    received.unlink()  # a storage fault, or a backup restored after the upload was re-encoded
    assert photos.process_photo(photo) is False and IncidentPhoto.objects.get(pk=photo.pk).processed is False
    assert page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[case.pk, photo.pk])).status_code == 404
    # The re-encoded JPEG is written beside the upload under the same name: a restored row adopts it.
    received.with_suffix(".jpg").write_bytes(cf.jpeg_bytes((64, 48)))
    assert photos.process_photo(photo) is True
    photo.refresh_from_db()
    assert photo.processed and photo.image.name.endswith(received.stem + ".jpg") and (photo.width, photo.height) == (64, 48)


def test_one_failing_photo_does_not_hold_up_the_others(case, world):
    first, second = _attach(case, world), _attach(case, world)
    real = photos.process_photo

    def flaky(photo):
        if photo.pk == first.pk:
            raise RuntimeError("an unexpected failure")
        return real(photo)

    with mock.patch.object(photos, "process_photo", side_effect=flaky):
        assert photos.process_rows("incidents.IncidentPhoto", [first.pk, second.pk]) == 1
    assert list(IncidentPhoto.objects.order_by("pk").values_list("processed", flat=True)) == [False, True]


def test_the_upgrade_window_inserts_without_the_column(case, world):
    """The previous release's processes insert photo rows without `processed` while `migrate` runs:
    the column's database default answers for them."""
    from django.db import connection

    table = IncidentPhoto._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (image, width, height, uploaded_by_id, created_at, incident_id, kind) "
            "VALUES (%s, 1, 1, %s, %s, %s, %s)",
            ["incidents/old.jpg", world.users.worker.pk, timezone.now(), case.pk, PhotoKind.REPORT],
        )
    assert IncidentPhoto.objects.get(image="incidents/old.jpg").processed is True
