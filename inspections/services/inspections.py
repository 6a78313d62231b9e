"""Recording an inspection: one door for the API, the page and the demo.

`save_inspection(actor=…, client_key=…, …)` checks every field, pins the checklist version,
stores the answers against that version's items (passed computed by the item), marks the version
used on the first answer, measures the distance from the enterprise's point and flags it when
too far, and returns `(inspection, created)`; a key it already knows returns the stored
inspection unchanged, so a retried submit on a weak connection creates nothing twice — except a
draft, which stays editable by its recorder until it is submitted (the same key saves it again).
Submitting refuses a failed item that requires a photo and has none, naming the item. Under a
campaign, the enterprise must be one of its targets and a pinned checklist version is required.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Forbidden, Refused
from casework.photos import attach_photos, clean_photos, files_discarded_on_error, save_cleaned
from grids.choices import Role
from grids.models import User
from inspections.choices import (
    CAMPAIGN_OPEN_PHASES,
    ENFORCEMENT_KINDS,
    MIN_ENFORCEMENT_INSPECTORS,
    Answer,
    AnswerType,
    InspectionKind,
    InspectionStatus,
    SignatureKind,
)
from inspections.models import (
    Campaign,
    CampaignTarget,
    ChecklistVersion,
    Enterprise,
    Inspection,
    InspectionAnswer,
    InspectionExpert,
    InspectionInspector,
    InspectionPhoto,
)
from inspections.services.checklists import mark_version_used

DEFAULT_LOCATION_TOLERANCE_M = 300
MAX_INSPECTORS = 10
MAX_EXPERTS = 10


def location_tolerance_m() -> int:
    return int(getattr(settings, "INSPECTION_LOCATION_TOLERANCE_M", DEFAULT_LOCATION_TOLERANCE_M))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Great-circle distance in metres (haversine; plenty for a few hundred metres)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a))))


def may_inspect(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role != Role.CONTRACTOR


def _key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({"client_key": _("Send the client-generated key (a UUID).")}) from None


def _time(value, *, field: str, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a date and time, e.g. 2026-12-01T09:30.")})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + timezone.timedelta(hours=1):
        raise ValidationError({field: _("The time is in the future.")})
    return parsed


def _inspectors(value, *, actor, kind: str) -> list[tuple[User, str]]:
    rows = value if value not in (None, "", []) else [{"user": actor.pk, "certificate_no": ""}]
    if not isinstance(rows, list) or len(rows) > MAX_INSPECTORS:
        raise ValidationError({"inspectors": _("Send a list of at most %(n)s inspectors.") % {"n": MAX_INSPECTORS}})
    found, seen = [], set()
    for row in rows:
        if not isinstance(row, dict):
            raise ValidationError({"inspectors": _("Each inspector is {user, certificate_no}.")})
        user = parsers.one_of(row.get("user"), User.objects.filter(is_active=True), field="inspectors",
                              missing=_("Each inspector is {user, certificate_no}."), unknown=_("Unknown person."))
        certificate = parsers.text(row.get("certificate_no"), field="inspectors", label=_("Certificate number"), max_length=40)
        if user.pk not in seen:
            seen.add(user.pk)
            found.append((user, certificate))
    if kind in ENFORCEMENT_KINDS and sum(1 for _user, cert in found if cert) < MIN_ENFORCEMENT_INSPECTORS:
        raise ValidationError({"inspectors": _(
            "An enforcement inspection needs at least %(n)s inspectors with their certificate numbers."
        ) % {"n": MIN_ENFORCEMENT_INSPECTORS}})
    return found


def _experts(value) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_EXPERTS:
        raise ValidationError({"experts": _("Send a list of at most %(n)s experts.") % {"n": MAX_EXPERTS}})
    experts = []
    for row in value:
        if not isinstance(row, dict):
            raise ValidationError({"experts": _("Each expert is {name, qualification, organisation}.")})
        experts.append({
            "name": parsers.text(row.get("name"), field="experts", label=_("Name"), required=True, max_length=60),
            "qualification": parsers.text(row.get("qualification"), field="experts", label=_("Qualification"), max_length=100),
            "organisation": parsers.text(row.get("organisation"), field="experts", label=_("Organisation"), max_length=100),
        })
    return experts


def _answers(value, version: ChecklistVersion) -> list[InspectionAnswer]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"answers": _("Send a list of answers.")})
    items = {item.pk: item for item in version.items.all()}
    answers, seen = [], set()
    for row in value:
        if not isinstance(row, dict):
            raise ValidationError({"answers": _("Each answer is {item, answer or value, note}.")})
        try:
            item = items[parsers.pk_of(row.get("item"))]
        except (KeyError, ValueError):
            raise ValidationError({"answers": _("An answer names an item that is not in this checklist version.")}) from None
        if item.pk in seen:
            raise ValidationError({"answers": _("Item %(code)s is answered twice.") % {"code": item.code}})
        seen.add(item.pk)
        note = parsers.text(row.get("note"), field="answers", label=_("Note"), max_length=500)
        answer = InspectionAnswer(item=item, note=note)
        if item.answer_type == AnswerType.NUMBER and row.get("answer") != Answer.NA:
            number = parsers.decimal_number(row.get("value"), field="answers", low=-1e8, high=1e8)
            if number is None:
                raise ValidationError({"answers": _("Item %(code)s needs a measured number.") % {"code": item.code}})
            answer.value = Decimal(str(round(number, 2)))
            answer.passed = item.passes(answer.value)
        else:
            choice = row.get("answer")
            if choice not in Answer.values:
                raise ValidationError({"answers": _("Item %(code)s: answer yes, no or na.") % {"code": item.code}})
            answer.answer = choice
            answer.passed = None if choice == Answer.NA else choice == Answer.YES
        answers.append(answer)
    return answers


def _locate(inspection: Inspection) -> None:
    enterprise = inspection.enterprise
    if None in (inspection.latitude, inspection.longitude, enterprise.latitude, enterprise.longitude):
        inspection.distance_m, inspection.location_flagged = None, False
        return
    inspection.distance_m = distance_m(inspection.latitude, inspection.longitude, enterprise.latitude, enterprise.longitude)
    inspection.location_flagged = inspection.distance_m > location_tolerance_m()


def _campaign(value, *, actor, enterprise: Enterprise, version: ChecklistVersion) -> Campaign | None:
    """The running campaign the inspection is part of: the enterprise must be one of its targets,
    and a checklist the campaign pins must be answered in the pinned version."""
    campaign = parsers.one_of(value, Campaign.objects.visible_to(actor), field="campaign", required=False, missing="",
                              unknown=_("Unknown campaign."))
    if campaign is None:
        return None
    if campaign.phase not in CAMPAIGN_OPEN_PHASES:
        raise Refused(_("The campaign “%(title)s” is not running: it takes no inspections now.") % {"title": campaign.title},
                      code="campaign_closed")
    if not CampaignTarget.objects.filter(campaign=campaign, enterprise=enterprise).exists():
        raise ValidationError({"campaign": _("%(name)s is not a target of this campaign.") % {"name": enterprise.name}})
    pinned = campaign.versions.filter(template_id=version.template_id).first()
    if pinned is not None and pinned.pk != version.pk:
        raise ValidationError({"version": _("The campaign pins version %(n)s of this checklist: answer that one.") % {
            "n": pinned.number}})
    return campaign


def _photo_uploads(value, version: ChecklistVersion) -> dict[int, list]:
    """{item id: cleaned photos} for answers sent with their photos (the phone form)."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"photos": _("Send the photos per item.")})
    items = set(version.items.values_list("pk", flat=True))
    out = {}
    for item, uploads in value.items():
        try:
            pk = parsers.pk_of(item)
        except ValueError:
            pk = None
        if pk not in items:
            raise ValidationError({"photos": _("A photo names an item that is not in this checklist version.")})
        cleaned = clean_photos(list(uploads))
        if cleaned:
            out[pk] = cleaned
    return out


def missing_photos(inspection: Inspection) -> list[str]:
    """The failed items that require a photo and have none ("CG-02 …"), in checklist order."""
    rows = (inspection.answers.filter(passed=False, item__photo_required=True).annotate(n=Count("photos")).filter(n=0)
            .order_by("item__position", "item__code").values_list("item__code", "item__text"))
    return [f"{code} {text}" for code, text in rows]


def _check_photos(inspection: Inspection) -> None:
    missing = missing_photos(inspection)
    if missing:
        raise ValidationError({"photos": _(
            "A photo is required for the failed item %(items)s: add it before submitting."
        ) % {"items": "；".join(missing)}})


def _upsert_answers(inspection: Inspection, rows: list[InspectionAnswer], *, new: bool) -> list[InspectionAnswer]:
    """Answers of a draft: an item answered again is updated, a new one added; an item not sent
    keeps its answer (a phone form cannot un-answer a radio button)."""
    stored = {} if new else {a.item_id: a for a in inspection.answers.all()}
    fresh, changed = [], []
    for row in rows:
        old = stored.get(row.item_id)
        if old is None:
            row.inspection = inspection
            fresh.append(row)
        else:
            old.answer, old.value, old.passed, old.note = row.answer, row.value, row.passed, row.note
            changed.append(old)
    InspectionAnswer.objects.bulk_create(fresh)
    if changed:
        InspectionAnswer.objects.bulk_update(changed, ["answer", "value", "passed", "note"])
    return [*stored.values(), *fresh]


def save_inspection(*, actor, client_key, enterprise, kind, version, campaign=None, started_at=None, ended_at=None,
                    inspectors=None, experts=None, answers=None, photos=None, latitude=None, longitude=None, summary="",
                    submit=False, now: datetime | None = None) -> tuple[Inspection, bool]:
    """Record an inspection (draft, or submitted when `submit`); see the module's docstring.

    A key already known as a *draft* of the actor's updates that draft (the draft stays editable
    until submitted); a key known as a submitted inspection returns it unchanged. The returned
    inspection's `changed` says whether this call wrote anything."""
    if not may_inspect(actor):
        raise Forbidden(_("Your role may not record inspections."))
    key = _key(client_key)
    known = Inspection.objects.visible_to(actor).filter(client_key=key).first()
    if known is not None and known.status != InspectionStatus.DRAFT:
        known.changed = False
        return known, False
    if known is None and Inspection.objects.filter(client_key=key).exists():  # someone else's key: never reveal it
        raise ValidationError({"client_key": _("This key is already used; generate a new one.")})
    if known is not None and known.created_by_id != actor.pk:
        raise Forbidden(_("Only the person who recorded the inspection may change it."))
    now = now or timezone.now()
    enterprise = parsers.one_of(enterprise, Enterprise.objects.visible_to(actor), field="enterprise",
                                missing=_("Choose the enterprise."), unknown=_("Unknown enterprise."))
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": _("Choose the kind of inspection.")})
    if actor.role == Role.GRID_WORKER and kind != InspectionKind.PATROL:
        raise ValidationError({"kind": _("A grid worker records a grid patrol.")})
    version = parsers.one_of(version, ChecklistVersion.objects.all(), field="version",
                             missing=_("Choose the checklist."), unknown=_("Unknown checklist version."))
    if known is not None and (known.enterprise_id, known.version_id) != (enterprise.pk, version.pk):
        raise ValidationError({"version": _("This draft belongs to another enterprise or checklist version.")})
    campaign = _campaign(campaign, actor=actor, enterprise=enterprise, version=version)
    started = _time(started_at, field="started_at", required=False) or (known.started_at if known else now)
    ended = _time(ended_at, field="ended_at", required=False)
    if ended is not None and ended < started:
        raise ValidationError({"ended_at": _("The end is before the start.")})
    inspection = known or Inspection(client_key=key, enterprise=enterprise, zone_id=enterprise.zone_id, version=version,
                                     created_by=actor)
    inspection.campaign, inspection.kind, inspection.started_at, inspection.ended_at = campaign, kind, started, ended
    inspection.summary = parsers.text(summary, field="summary", label=_("Summary"))
    inspection.latitude = parsers.decimal_number(latitude, field="latitude", low=-90, high=90)
    inspection.longitude = parsers.decimal_number(longitude, field="longitude", low=-180, high=180)
    if (inspection.latitude is None) != (inspection.longitude is None):
        raise ValidationError({"latitude": _("Send both coordinates or neither.")})
    people = _inspectors(inspectors, actor=actor, kind=kind)
    expert_rows = _experts(experts)
    answer_rows = _answers(answers, version)
    submitting = parsers.boolean(submit, field="submit")
    uploads = _photo_uploads(photos, version)
    if submitting and known is None:
        # A new inspection submitted at once: its only photos are the ones sent with it, so the
        # rule is checked before anything is written (a draft's stored photos are counted below).
        lacking = [f"{a.item.code} {a.item.text}" for a in answer_rows
                   if a.passed is False and a.item.photo_required and a.item_id not in uploads]
        if lacking:
            raise ValidationError({"photos": _(
                "A photo is required for the failed item %(items)s: add it before submitting."
            ) % {"items": "；".join(lacking)}})
        inspection.status, inspection.submitted_at = InspectionStatus.SUBMITTED, now
    _locate(inspection)
    try:
        with files_discarded_on_error(), transaction.atomic():
            if known is not None:
                locked = Inspection.objects.select_for_update().get(pk=known.pk)
                if locked.status != InspectionStatus.DRAFT:  # submitted meanwhile by a retry
                    locked.changed = False
                    return locked, False
                inspection.inspector_rows.all().delete()
                inspection.experts.all().delete()
            inspection.save()
            InspectionInspector.objects.bulk_create(
                InspectionInspector(inspection=inspection, user=user, certificate_no=cert) for user, cert in people)
            InspectionExpert.objects.bulk_create(InspectionExpert(inspection=inspection, **row) for row in expert_rows)
            stored = _upsert_answers(inspection, answer_rows, new=known is None)
            if stored:
                mark_version_used(version)
            by_item = {a.item_id: a for a in stored}
            for item_pk, cleaned in uploads.items():
                if item_pk not in by_item:
                    raise ValidationError({"photos": _("A photo belongs to an item that is not answered.")})
                attach_photos(InspectionPhoto, cleaned, uploaded_by=actor, inspection=inspection, answer=by_item[item_pk])
            if submitting and known is not None:
                _check_photos(inspection)
                inspection.status, inspection.submitted_at = InspectionStatus.SUBMITTED, now
                inspection.save(update_fields=["status", "submitted_at"])
    except IntegrityError:  # the same key, sent twice at once: the first one won
        known = Inspection.objects.visible_to(actor).filter(client_key=key).first()
        if known is None:
            raise
        known.changed = False
        return known, False
    inspection.changed = True
    return inspection, known is None


def _own_inspection(pk, actor) -> Inspection:
    """The inspection, locked, for the person who recorded it (or the street office): 404 when not visible."""
    inspection = Inspection.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    if inspection.created_by_id != actor.pk and not actor.sees_everything:
        raise Forbidden(_("Only the person who recorded the inspection may change it."))
    return inspection


@transaction.atomic
def submit_inspection(pk, *, actor, now: datetime | None = None) -> Inspection:
    inspection = _own_inspection(pk, actor)
    if inspection.status != InspectionStatus.DRAFT:
        return inspection  # a retried submit
    _check_photos(inspection)
    inspection.status, inspection.submitted_at = InspectionStatus.SUBMITTED, now or timezone.now()
    inspection.save(update_fields=["status", "submitted_at"])
    return inspection


def add_inspection_photos(pk, *, actor, photos, answer=None) -> list[InspectionPhoto]:
    """Photos of the inspection, or of one of its answers (re-encoded, EXIF stripped)."""
    cleaned = clean_photos(photos)
    if not cleaned:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    with files_discarded_on_error(), transaction.atomic():
        inspection = _own_inspection(pk, actor)
        row = None
        if answer not in (None, ""):
            row = parsers.one_of(answer, inspection.answers.all(), field="answer", missing="", unknown=_("Unknown answer."))
        return attach_photos(InspectionPhoto, cleaned, uploaded_by=actor, inspection=inspection, answer=row)


def sign_inspection(pk, *, actor, image, kind=SignatureKind.DRAWN, signed_by="") -> Inspection:
    """The enterprise representative's signature: a PNG drawn on screen or a photo of the signed form,
    re-encoded like every photo. A signed inspection keeps its signature."""
    if kind not in SignatureKind.values:
        raise ValidationError({"signature_kind": _("Choose how it was signed.")})
    if image is None:
        raise ValidationError({"signature": _("Send the signature image.")})
    try:
        [cleaned] = clean_photos([image])
    except ValidationError as error:
        raise ValidationError({"signature": error.messages}) from None
    name = parsers.text(signed_by, field="signed_by", label=_("Signed by"), max_length=60)
    with files_discarded_on_error(), transaction.atomic():
        inspection = _own_inspection(pk, actor)
        if inspection.signature:
            raise Refused(_("The inspection is already signed."), code="signed")
        save_cleaned(inspection.signature, cleaned)
        inspection.signature_kind, inspection.signed_by = kind, name
        inspection.save(update_fields=["signature", "signature_kind", "signed_by"])
    return inspection
