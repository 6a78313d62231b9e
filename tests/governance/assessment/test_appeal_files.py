"""Evidence files on an appeal: photos re-encoded without EXIF (the case-photo pipeline), PDFs
checked, limits, shown to those who may see the appeal and 404 to everyone else; a refused
appeal leaves no file behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from casework.errors import Refused
from governance.assessment import appeals, services
from governance.assessment.models import AppealFile, ScoreSheet

pytestmark = pytest.mark.django_db


def jpeg_with_gps(name="photo.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name="evidence.pdf", size=0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 appeal evidence\n" + b"0" * size, content_type="application/pdf")


@pytest.fixture
def sheet(world, october):
    _cases, period = october
    period = services.publish_period(period.pk, actor=world.users.street)
    return ScoreSheet.objects.current().get(period=period, subject_type="grid_worker", subject_id=world.users.worker.pk)


def submit(world, sheet, files, **kw):
    params = {"line_key": "valid_report_rate", "reason": "W2 不是无效上报", "evidence": "见附件"} | kw
    return appeals.submit_appeal(sheet.pk, actor=world.users.worker, files=files, **params)


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_photo_is_re_encoded_without_exif_and_a_pdf_kept(world, sheet, settings):
    appeal = submit(world, sheet, [jpeg_with_gps(), pdf()])
    photo, document = sorted(appeal.files.all(), key=lambda f: f.is_pdf)
    assert photo.image.name.endswith(".jpg") and not photo.document and photo.original_name == "photo.jpg"
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif() and (stored.width, stored.height) == (64, 48)
    assert document.is_pdf and document.document.read().startswith(b"%PDF-1.4 appeal evidence")
    assert appeal.events.get(kind="submitted").data["files"] == 2


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("x.exe", b"MZ\x90\x00 not a photo", content_type="image/jpeg"), "neither a PDF nor"),
    (SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"),
     "larger than 10 MB"),
])
def test_bad_files_are_refused_and_nothing_is_written(world, sheet, settings, upload, message):
    with pytest.raises(ValidationError) as error:
        submit(world, sheet, [upload])
    assert message in str(error.value.message_dict["files"])
    assert not sheet.appeals.exists() and not AppealFile.objects.exists() and media_files(settings) == []


def test_at_most_five_files(world, sheet):
    with pytest.raises(ValidationError):
        submit(world, sheet, [pdf(f"{n}.pdf") for n in range(6)])


def test_a_refused_appeal_leaves_no_file_behind(world, sheet, settings):
    submit(world, sheet, [])
    with pytest.raises(Refused):  # the same line is already under review
        submit(world, sheet, [jpeg_with_gps(), pdf()])
    assert not AppealFile.objects.exists() and media_files(settings) == []


def test_the_page_shows_the_files_to_those_who_see_the_appeal(world, sheet, page_for):
    response = page_for(world.users.worker).post(reverse("assessment:sheet-appeal", args=[sheet.pk]), {
        "line_key": "valid_report_rate", "reason": "理由", "evidence": "见附件", "files": [jpeg_with_gps(), pdf()]})
    appeal = sheet.appeals.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:appeal", args=[appeal.pk])
    photo, document = sorted(appeal.files.all(), key=lambda f: f.is_pdf)
    photo_url = reverse("assessment:appeal-file", args=[appeal.pk, photo.pk])
    pdf_url = reverse("assessment:appeal-file", args=[appeal.pk, document.pk])
    for user in (world.users.worker, world.users.community, world.users.zone_leader, world.users.street):
        client = page_for(user)
        body = client.get(reverse("assessment:appeal", args=[appeal.pk])).content.decode()
        assert photo_url in body and pdf_url in body and "evidence.pdf" in body
        got = client.get(photo_url)
        assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
        assert b"".join(got.streaming_content).startswith(b"\xff\xd8")
        got = client.get(pdf_url)
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    for user in (world.users.worker_b, world.users.zone_leader_b, world.users.urban, world.users.safety):
        client = page_for(user)
        assert client.get(photo_url).status_code == 404, user
        assert client.get(pdf_url).status_code == 404, user
    # a file's id under another appeal's address is not found either
    assert page_for(world.users.street).get(reverse("assessment:appeal-file", args=[appeal.pk + 1, photo.pk])).status_code == 404
