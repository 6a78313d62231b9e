"""Evidence of the rectification loop: where and when an after-photo was taken, read from its EXIF
before cleaning strips it (else the uploader's fix), checked against the enterprise's point and
the notice's time; and the drawn signature that proves a notice was served."""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from casework import parsers
from casework.engine import Step
from casework.photos import attach_photos, clean_photo
from inspections.choices import EvidencePhase, HazardAction
from inspections.models import Hazard, RectificationPhoto
from inspections.services.inspections import distance_m

A = HazardAction
# Actions whose photos are evidence with a place and a time (the rest: proof of service, refusal).
EVIDENCE_PHASE = {A.SUBMIT: EvidencePhase.AFTER, A.CLOSE_ON_SPOT: EvidencePhase.ON_SPOT, A.SERVE: EvidencePhase.SERVICE,
                  A.REFUSE: EvidencePhase.REFUSAL}
LOCATED = {A.SUBMIT, A.CLOSE_ON_SPOT}


def photo_max_distance_m() -> int:
    return int(getattr(settings, "RECTIFICATION_PHOTO_MAX_DISTANCE_M", 500))


def signature_file(value) -> ContentFile | None:
    """A signature drawn on screen, sent as a data URL (data:image/png;base64,…)."""
    if value in (None, ""):
        return None
    if hasattr(value, "read"):
        return clean_photo(value)
    head, _sep, data = str(value).partition(",")
    if not head.startswith("data:image/") or ";base64" not in head:
        raise ValidationError({"signature": _("The signature is not an image.")})
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": _("The signature is not an image.")}) from None
    upload = io.BytesIO(raw)
    upload.name, upload.size = "signature.png", len(raw)
    try:
        return clean_photo(upload)
    except ValidationError as error:
        raise ValidationError({"signature": error.messages}) from None


def _ratio(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _degrees(dms, ref) -> float:
    value = _ratio(dms[0]) + _ratio(dms[1]) / 60 + _ratio(dms[2]) / 3600
    return -value if ref in ("S", "W") else value


def read_evidence(upload) -> dict:
    """Where and when a photo was taken, from its EXIF (before cleaning drops it); {} when absent."""
    meta: dict = {}
    try:
        upload.seek(0)
        exif = Image.open(upload).getexif()
        gps = exif.get_ifd(0x8825)
        if gps.get(2) and gps.get(4):
            meta["latitude"], meta["longitude"] = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
        stamp = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
        if stamp:
            taken = datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            meta["taken_at"] = timezone.make_aware(taken)  # a camera's clock is local time
    except (UnidentifiedImageError, OSError, ValueError, TypeError, KeyError, ZeroDivisionError, IndexError):
        return {}
    finally:
        try:
            upload.seek(0)
        except (AttributeError, OSError):
            pass
    return meta


def _located(hazard: Hazard, meta: dict, params: dict, now: datetime, since: datetime | None) -> dict:
    """One photo's place, time, distance and flag (empty when it is good evidence)."""
    device = (parsers.decimal_number(params.get("latitude"), field="latitude", low=-90, high=90),
              parsers.decimal_number(params.get("longitude"), field="longitude", low=-180, high=180))
    if "latitude" in meta:
        lat, lng, by = meta["latitude"], meta["longitude"], "exif"
    elif device[0] is not None and device[1] is not None:
        lat, lng, by = device[0], device[1], "device"
    else:
        lat = lng = None
        by = ""
    taken = meta.get("taken_at") or now
    row = {"latitude": lat, "longitude": lng, "located_by": by, "taken_at": taken, "distance_m": None, "flag": ""}
    enterprise = hazard.enterprise
    flags = []
    if lat is None:
        flags.append(_("no position"))
    elif enterprise.latitude is not None and enterprise.longitude is not None:
        row["distance_m"] = distance_m(lat, lng, enterprise.latitude, enterprise.longitude)
        if row["distance_m"] > photo_max_distance_m():
            flags.append(_("taken %(m)s m from the enterprise") % {"m": row["distance_m"]})
    if since is not None and taken < since:
        flags.append(_("taken before the notice"))
    row["flag"] = "; ".join(flags)[:200]
    return row


def evidence_rows(step: Step, *, required: bool, since: datetime | None) -> list[dict]:
    metas = step.params.get("_evidence") or []
    if required and not metas:
        raise ValidationError({"photos": _("Add the after-photos.")})
    rows = [_located(step.obj, meta, step.params, step.now, since) for meta in metas]
    if rows and all(row["flag"] for row in rows):
        raise ValidationError({"photos": _("No photo was taken at the enterprise after the notice: %(flags)s.")
                               % {"flags": " / ".join(row["flag"] for row in rows)}})
    return rows


def attach_evidence(hazard: Hazard, photos: list, *, action: str, actor) -> None:
    """Store the loop's photos, each with the place and time the handler worked out."""
    rows = getattr(hazard, "_evidence_rows", None) or [{} for _photo in photos]
    recheck = getattr(hazard, "_evidence_recheck", None)
    for content, row in zip(photos, rows, strict=True):
        attach_photos(RectificationPhoto, [content], uploaded_by=actor, hazard=hazard, recheck=recheck,
                      phase=EVIDENCE_PHASE[action], **row)
