"""Photos: checked (type, size, pixel count), re-encoded as JPEG without EXIF, then stored.

Re-encoding drops everything a phone writes into a file (GPS position, device serials) and
anything that is not really an image; the orientation a phone records is applied first so the
stored photo stands the right way up.

A case's photos (the rows of a `PhotoBase` model) are re-encoded after the request: re-encoding
costs ~12 ms of CPU per phone photo, as much as the rest of filing a report (docs/performance.md,
issue 19). In the request `clean_photos` only *checks* each upload — its header, size and pixel
count, and that its data decodes (a JPEG at 1/8 scale, ~2 ms) — and `attach_photos` stores it as
received with `processed=False`. After commit a task (`casework.tasks.process_photos`) re-encodes
it in place; beat's `process_pending_photos` catches up with any the broker lost; and
`private_file_response` re-encodes one still pending before sending it, so no one is ever sent
the bytes a client uploaded. Single-image fields (a signature, a proof of service) go through
`save_cleaned`, which re-encodes at once.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from casework.jobs import enqueue_after_commit

if TYPE_CHECKING:
    from casework.models import PhotoBase

logger = logging.getLogger(__name__)

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; anything larger is refused as a bomb
MAX_EDGE = 2560  # stored photos are scaled down to this longest edge
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
PENDING_GRACE = timedelta(seconds=30)  # how long the after-commit task has before beat steps in


class CleanedPhoto(ContentFile):
    """A photo re-encoded by clean_photo: with ReceivedPhoto the only kinds of file the storing
    functions accept, so no upload path can store what a client sent as it was, unmarked."""


class ReceivedPhoto(ContentFile):
    """An upload that passed check_photo, as the client sent it: stored unprocessed (never served)
    until process_photo re-encodes it."""


def _opened(upload, *, check_only: bool = False) -> Image.Image:
    """The upload opened and decoded (a JPEG at 1/8 scale when `check_only`), or a ValidationError."""
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
            if check_only and image.format in ("JPEG", "MPO"):
                # Every byte of the entropy-coded data is still decoded, at an eighth of the work.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError, SyntaxError):
        raise ValidationError(_("%(name)s is not a readable image.") % {"name": name}, code="bad_image") from None
    return image


def check_photo(upload) -> ReceivedPhoto:
    """The upload, checked as clean_photo checks it but not re-encoded (see the module's docstring)."""
    _opened(upload, check_only=True)
    upload.seek(0)
    return ReceivedPhoto(upload.read(), name=f"{uuid.uuid4().hex}.upload")


def clean_photo(upload) -> CleanedPhoto:
    """A JPEG made from an uploaded image, or a ValidationError saying what is wrong."""
    image = ImageOps.exif_transpose(_opened(upload))
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return CleanedPhoto(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def clean_photos(uploads) -> list[ReceivedPhoto]:
    """A form's or a request's photos, each checked (a ValidationError on "photos" names the first
    bad one), for attach_photos or save_cleaned."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(check_photo(upload))
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


def attach_photos(model: type[PhotoBase], uploads: list[CleanedPhoto | ReceivedPhoto], *, uploaded_by, **fields) -> list[PhotoBase]:
    """Store photos passed through clean_photos() (or clean_photo()) as rows of `model` (a PhotoBase).

    `fields` are the row's own fields (its case, its kind), e.g.
    ``attach_photos(IncidentPhoto, cleaned, uploaded_by=user, incident=case, kind=PhotoKind.REPORT)``.
    Each file is written before its row is saved (the upload path may read the row's fields),
    and is noted for the enclosing files_discarded_on_error() block. A received photo's row is
    stored unprocessed, and its re-encoding is enqueued for after commit.
    """
    photos = []
    for content in uploads:
        if not isinstance(content, CleanedPhoto | ReceivedPhoto):
            raise TypeError(f"{type(content).__name__} was not passed through casework.photos.clean_photos")
        photo = model(uploaded_by=uploaded_by, processed=isinstance(content, CleanedPhoto), **fields)
        _save_noted(photo.image, content)
        photo.save()
        photos.append(photo)
    pending = [photo.pk for photo in photos if not photo.processed]
    if pending:
        enqueue_after_commit(process_photos, model._meta.label, pending)
    return photos


def process_photo(photo: PhotoBase) -> bool:
    """Re-encode one stored-as-received photo in place (idempotent; the row is locked meanwhile).
    Returns whether this call processed it; False when it was done already, is gone, or could not
    be read now (a storage error: logged, left pending for beat's next run). A file that is not an
    image after all is deleted with its row (and logged)."""
    from django.db import transaction

    model = type(photo)
    with files_discarded_on_error(), transaction.atomic():
        row = model.objects.select_for_update().filter(pk=photo.pk, processed=False).first()
        if row is None:  # processed meanwhile (a task and a viewer raced), or deleted
            done = model.objects.filter(pk=photo.pk).values_list("image", "width", "height").first()
            if done is not None:
                photo.image = done[0]
                photo.width, photo.height, photo.processed = done[1], done[2], True
            return False
        received = row.image.name
        try:
            with row.image.open("rb") as handle:
                cleaned = clean_photo(handle)
        except FileNotFoundError:
            if not _adopt_encoded(row, received):
                logger.warning("Photo %s %s: its upload is missing; it stays pending", model._meta.label, row.pk)
                return False
            cleaned = None
        except ValidationError:
            logger.error("Photo %s %s is not a readable image after all; it is removed", model._meta.label, row.pk, exc_info=True)
            row.delete()
            transaction.on_commit(lambda: default_storage.delete(received))
            return False
        except OSError:
            logger.warning("Photo %s %s could not be read for re-encoding; it stays pending", model._meta.label, row.pk,
                           exc_info=True)
            return False
        if cleaned is not None:
            cleaned.name = f"{PurePosixPath(received).stem}.jpg"  # beside the upload: see _adopt_encoded
            _save_noted(row.image, cleaned)  # removed again if the row's update fails
        row.processed = True
        row.save(update_fields=["image", "width", "height", "processed"])
        transaction.on_commit(lambda: default_storage.delete(received))
    photo.image = row.image.name
    photo.width, photo.height, photo.processed = row.width, row.height, True
    return True


def _adopt_encoded(row, received: str) -> bool:
    """A row that names an upload already gone, whose re-encoded JPEG exists beside it (a backup
    taken while it was re-encoded, then restored): point the row at the JPEG."""
    encoded = str(PurePosixPath(received).with_suffix(".jpg"))
    if not default_storage.exists(encoded):
        return False
    row.image = encoded  # the image field reads the new file's width and height
    return True


def process_rows(model_label: str, ids: list[int]) -> int:
    """Re-encode these rows of a PhotoBase model that are still as received; returns how many."""
    from django.apps import apps

    model = apps.get_model(model_label)
    done = 0
    for photo in model.objects.filter(pk__in=ids, processed=False).order_by("pk"):
        try:
            done += process_photo(photo)
        except Exception:  # one bad photo must not hold up the others; it stays pending, and logged
            logger.exception("Photo %s %s: re-encoding failed", model_label, photo.pk)
    return done


# The tasks (named as casework.tasks, where Celery's autodiscovery finds them): thin, the work is above.
@shared_task(name="casework.tasks.process_photos", ignore_result=True)
def process_photos(model_label: str, photo_ids: list[int]) -> int:
    """Enqueued after the commit that stored these photos as received; what it misses, beat's
    process_pending_photos does."""
    return process_rows(model_label, photo_ids)


@shared_task(name="casework.tasks.process_pending_photos", ignore_result=True)
def process_pending_photos() -> int:
    """Beat runs this every minute; safe to run twice, concurrently or late."""
    return process_pending()


def pending_models() -> list[type[PhotoBase]]:
    from django.apps import apps

    from casework.models import PhotoBase

    return [model for model in apps.get_models() if issubclass(model, PhotoBase)]


def process_pending(*, older_than: timedelta = PENDING_GRACE, limit: int = 500) -> int:
    """Re-encode the photos left as received for longer than `older_than` (their task was lost or
    has not run: the broker was down, a worker stopped), at most `limit` per model."""
    from django.utils import timezone

    before = timezone.now() - older_than
    done = 0
    for model in pending_models():
        ids = list(model.objects.filter(processed=False, created_at__lt=before).order_by("created_at").values_list("pk", flat=True)[:limit])
        if ids:
            done += process_rows(model._meta.label, ids)
    return done


def _save_noted(field_file, content: ContentFile) -> None:
    field_file.save(content.name, content, save=False)
    note_written(field_file.name)


def note_written(name: str) -> None:
    """Note a file the caller wrote itself (a checked PDF beside the photos) for the enclosing
    files_discarded_on_error() block, so a failure removes it with the photos."""
    written = _written.get()
    if written is not None:
        written.append(name)


def save_cleaned(field_file, content: CleanedPhoto | ReceivedPhoto) -> None:
    """Write a photo into a single image field (without saving the row), re-encoded now if it was
    only checked, and noted for the enclosing files_discarded_on_error() block. Anything not made
    by clean_photo(s) is refused: a programming error, since it would store the client's bytes,
    EXIF and all."""
    if isinstance(content, ReceivedPhoto):
        content.seek(0)
        content = clean_photo(content)
    if not isinstance(content, CleanedPhoto):
        raise TypeError(f"{type(content).__name__} was not passed through casework.photos.clean_photo")
    _save_noted(field_file, content)
