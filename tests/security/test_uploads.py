"""Uploads (issue 18): spreadsheet imports refuse macro-enabled workbooks and formulas (with the
row and column), and every stored image is one re-encoded by casework.photos."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models

from casework.models import PhotoBase
from casework.photos import attach_photos, clean_photo
from casework.spreadsheets import open_upload
from incidents.models import IncidentPhoto
from inspections import services
from tests.incidents.factories import jpeg_bytes
from tests.inspections.conftest import sheet_row, workbook

BASE_DIR = Path(settings.BASE_DIR)


def with_member(book: io.BytesIO, member: str, content: bytes = b"VBA") -> io.BytesIO:
    """The workbook's zip with one more member (e.g. xl/vbaProject.bin)."""
    out = io.BytesIO()
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(member, content)
    out.seek(0)
    return out


@pytest.mark.django_db
def test_a_workbook_with_a_vba_project_is_refused(world):
    book = with_member(workbook([sheet_row(1)]), "xl/vbaProject.bin")
    report = services.import_enterprises(book, actor=world.users.street)
    assert not report.ok and report.created == 0
    assert report.errors[0].row == 0 and "Macro" in report.errors[0].message


def test_an_xlsm_name_is_refused_before_reading():
    book = workbook([])
    book.name = "enterprises.xlsm"
    with pytest.raises(ValidationError) as error:
        open_upload(book)
    assert error.value.code == "macros"


def test_a_macro_enabled_content_type_is_refused():
    src = workbook([])
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            zout.writestr(item, data)
    out.seek(0)
    with pytest.raises(ValidationError) as error:
        open_upload(out)
    assert error.value.code == "macros"


@pytest.mark.django_db
def test_a_formula_in_a_cell_is_refused_naming_row_and_column(world):
    rows = [sheet_row(1), sheet_row(2, 名称="=HYPERLINK(\"http://evil.example\",\"点我\")")]
    report = services.import_enterprises(workbook(rows), actor=world.users.street)
    assert not report.ok and report.created == 0
    [error] = report.errors
    assert error.row == 3
    assert error.column == "B (名称)"
    assert "Formulas" in error.message


# --- images -------------------------------------------------------------------------------------

def test_storing_a_photo_that_was_not_re_encoded_is_refused(db, world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    raw = ContentFile(jpeg_bytes(gps=True), name="raw.jpg")
    with pytest.raises(TypeError):
        attach_photos(IncidentPhoto, [raw], uploaded_by=world.users.worker, incident=None)
    assert clean_photo(io.BytesIO(jpeg_bytes(gps=True))).__class__.__name__ == "CleanedPhoto"


def test_every_image_field_is_written_only_through_casework_photos():
    # Each model with an image field is a PhotoBase (rows made by attach_photos) or is listed here
    # with the service that stores it through save_cleaned.
    listed = {("inspections.Inspection", "signature"), ("inspections.RectificationNotice", "service_proof")}
    listed |= {("contractors.Visit", "signature")}
    # Documents, not photos: a scanned PDF cannot be re-encoded; its type is checked by its first
    # bytes (PDF/JPEG/PNG) and it is served only through the private-file view.
    documents = {("inspections.JointInterview", "commitment_scan")}
    documents |= {("contractors.Visit", "report"), ("contractors.PensionProof", "document")}
    fields = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and model._meta.app_label != "casework"
    }
    assert fields, "no image field found"
    for label, name in fields:
        model = apps.get_model(label)
        assert issubclass(model, PhotoBase) or (label, name) in listed | documents, f"{label}.{name} is stored without clean_photo"
    # And no code of ours saves a file field by hand outside casework/photos.py.
    saving = re.compile(r"\.(image|signature|file)\.save\(")
    offenders = [
        str(path.relative_to(BASE_DIR))
        for app in ("casework", "grids", "incidents", "inspections", "contractors", "governance")
        for path in (BASE_DIR / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "photos.py" and saving.search(path.read_text())
    ]
    assert offenders == []
