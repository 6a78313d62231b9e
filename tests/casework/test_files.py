"""casework.files.private_file_response: the one way a checked view sends an uploaded file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile, FileField
from django.http import Http404

from casework.files import private_file_response


@pytest.fixture
def stored(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("notices/2026/ab cd.pdf", ContentFile(b"%PDF-1.4 test"))
    field = FileField(storage=storage)
    return FieldFile(None, field, name)


def test_development_streams_the_file_inline(stored, settings):
    settings.PRIVATE_MEDIA_ACCEL = ""
    response = private_file_response(stored, content_type="application/pdf", filename="通知书.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline") and "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("private") and response["X-Content-Type-Options"] == "nosniff"


def test_x_accel_quotes_the_internal_path_and_sends_no_body(stored, settings):
    settings.PRIVATE_MEDIA_ACCEL = "x-accel"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected/"
    response = private_file_response(stored, content_type="application/pdf")
    assert response["X-Accel-Redirect"] == "/protected/notices/2026/ab%20cd.pdf"
    assert response.content == b"" and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")


def test_missing_empty_or_climbing_names_answer_404(stored, settings, tmp_path):
    for mode in ("", "x-accel", "x-sendfile"):
        settings.PRIVATE_MEDIA_ACCEL = mode
        for name in ("", "notices/missing.pdf", "../etc/passwd", "/etc/passwd"):
            with pytest.raises(Http404):
                private_file_response(FieldFile(None, stored.field, name), content_type="application/pdf")


def test_an_unknown_mode_is_a_configuration_error(stored, settings):
    settings.PRIVATE_MEDIA_ACCEL = "apache"
    with pytest.raises(ImproperlyConfigured):
        private_file_response(stored, content_type="application/pdf")
