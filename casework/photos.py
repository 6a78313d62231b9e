"""Photos: checked (type, size, pixel count), re-encoded as JPEG without EXIF, then stored.

Re-encoding drops everything a phone writes into a file (GPS position, device serials) and
anything that is not really an image; the orientation a phone records is applied first so the
stored photo stands the right way up.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from casework.models import PhotoBase

logger = logging.getLogger(__name__)

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; anything larger is refused as a bomb
MAX_EDGE = 2560  # stored photos are scaled down to this longest edge
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


class CleanedPhoto(ContentFile):
    """A photo re-encoded by clean_photo: the only kind of file the storing functions accept, so no
    upload path can store what a client sent as it was."""


def clean_photo(upload) -> CleanedPhoto:
    """A JPEG made from an uploaded image, or a ValidationError saying what is wrong."""
    name = getattr(upload, "name", "photo")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": name}, code="too_large")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="bad_type")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": name}, code="too_many_pixels")
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError, SyntaxError):
        raise ValidationError(_("%(name)s is not a readable image.") % {"name": name}, code="bad_image") from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return CleanedPhoto(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def clean_photos(uploads) -> list[CleanedPhoto]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as error:
            raise ValidationError({"photos": error.messages}) from None
    return cleaned


# The files written inside the innermost `files_discarded_on_error()` block of this thread/task.
_written: ContextVar[list[str] | None] = ContextVar("photo_files", default=None)


@contextmanager
def files_discarded_on_error() -> Iterator[None]:
    """Delete the photo files written inside the block if the block fails.

    A photo's file is written to storage before its row is committed; when the service's
    transaction then rolls back (a refused move, a database error), the row goes but the file
    would stay. The services that store photos run their transaction inside this block, so a
    failure removes the files too. Nested blocks hand their files to the enclosing block on
    success, so an outer failure removes them as well.
    """
    outer = _written.get()
    mine: list[str] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        for name in mine:
            try:
                default_storage.delete(name)
            except OSError:  # the failure being raised matters more than a file left behind
                logger.warning("Could not delete the photo file %s of a failed change", name, exc_info=True)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(mine)


def attach_photos(model: type[PhotoBase], uploads: list[CleanedPhoto], *, uploaded_by, **fields) -> list[PhotoBase]:
    """Store photos already passed through clean_photos() as rows of `model` (a PhotoBase).

    `fields` are the row's own fields (its case, its kind), e.g.
    ``attach_photos(IncidentPhoto, cleaned, uploaded_by=user, incident=case, kind=PhotoKind.REPORT)``.
    Each file is written before its row is saved (the upload path may read the row's fields),
    and is noted for the enclosing files_discarded_on_error() block.
    """
    photos = []
    for content in uploads:
        photo = model(uploaded_by=uploaded_by, **fields)
        save_cleaned(photo.image, content)
        photo.save()
        photos.append(photo)
    return photos


def note_written(name: str) -> None:
    """Note a file the caller wrote itself (a checked PDF beside the photos) for the enclosing
    files_discarded_on_error() block, so a failure removes it with the photos."""
    written = _written.get()
    if written is not None:
        written.append(name)


def save_cleaned(field_file, content: CleanedPhoto) -> None:
    """Write a cleaned photo into an image field (without saving the row), noted for the enclosing
    files_discarded_on_error() block. Anything not made by clean_photo is refused: a programming
    error, since it would store the client's bytes, EXIF and all."""
    if not isinstance(content, CleanedPhoto):
        raise TypeError(f"{type(content).__name__} was not passed through casework.photos.clean_photo")
    field_file.save(content.name, content, save=False)
    written = _written.get()
    if written is not None:
        written.append(field_file.name)
