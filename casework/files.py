"""Private files: the one way a view sends an uploaded file (photos, signatures, notices).

There is no public media URL. A view first checks `visible_to(user)` on the file's owner and then
answers with `private_file_response(fieldfile, content_type=...)`:

- in development (settings.PRIVATE_MEDIA_ACCEL empty) Django streams the file itself;
- with PRIVATE_MEDIA_ACCEL="x-accel" the answer is empty and carries X-Accel-Redirect to
  PRIVATE_MEDIA_ACCEL_PREFIX + the file's storage name, which nginx serves from an `internal`
  location aliased to MEDIA_ROOT (README, "Production: nginx");
- with PRIVATE_MEDIA_ACCEL="x-sendfile" the answer is empty and carries X-Sendfile with the
  file's absolute path (Apache mod_xsendfile, lighttpd).

Every answer is inline, `Cache-Control: private` and `X-Content-Type-Options: nosniff`.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

ACCEL_MODES = ("", "x-accel", "x-sendfile")
CACHE_CONTROL = "private, max-age=86400"


def _safe_name(name: str) -> str:
    """The storage name as a relative POSIX path, refusing anything that climbs out of MEDIA_ROOT."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or path.is_absolute() or ".." in path.parts:
        raise Http404
    return posixpath.normpath(str(path))


def _finish(response: HttpResponse, *, content_type: str, filename: str) -> HttpResponse:
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _processed(fieldfile):
    """A photo still as received is re-encoded before it is sent (casework.photos): nobody is ever
    sent a client's upload as it came. 404 if it turned out unreadable (and was removed)."""
    from casework.models import PhotoBase
    from casework.photos import process_photo

    photo = getattr(fieldfile, "instance", None)
    if isinstance(photo, PhotoBase) and not photo.processed and fieldfile.field.attname == "image":
        try:
            process_photo(photo)
        except Exception:  # a 500 would say the server broke; the photo is only not ready: logged, 404
            logger.exception("Photo %s %s: re-encoding before sending failed", type(photo)._meta.label, photo.pk)
            raise Http404 from None
        if not photo.processed:
            raise Http404
        return photo.image
    return fieldfile


def private_file_response(fieldfile, *, content_type: str, filename: str | None = None) -> HttpResponse:
    """The answer that sends `fieldfile` (a FieldFile) to a user already checked; 404 if it is gone."""
    if not fieldfile or not fieldfile.name:
        raise Http404
    fieldfile = _processed(fieldfile)
    name = _safe_name(fieldfile.name)
    filename = filename or posixpath.basename(name)
    mode = (getattr(settings, "PRIVATE_MEDIA_ACCEL", "") or "").lower()
    if mode not in ACCEL_MODES:
        raise ImproperlyConfigured(f"PRIVATE_MEDIA_ACCEL must be one of {ACCEL_MODES}, not {mode!r}")
    if mode:
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponse()
        if mode == "x-accel":
            prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "/protected/")
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        else:
            response["X-Sendfile"] = fieldfile.path
        return _finish(response, content_type=content_type, filename=filename)
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    return _finish(response, content_type=content_type, filename=filename)
