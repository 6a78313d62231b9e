"""POST requests: a public report enters the normal loop through the one intake service.

It is filed as `reported` by the client's account with source "public (Open311)", in the cell its
point (or its address_id, a grid cell code) lies in, and the zone registers or rejects it like any
other. A report of the same category within 50 m and 7 days of an open case is added to that case
as a sighting (the duplicate-link of the intake) instead of filing a second case; its answer is
that case's id. The reporter's contact stays on the Open311Request, apart from the case.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from grids.models import GridCell
from incidents import selectors
from incidents.choices import Source
from incidents.models import Incident, Open311Key, Open311Request
from incidents.open311.public import public_service
from incidents.services import link_report, report_incident

# The spec's limit for a description (the intake's own, shorter, limit still applies).
DESCRIPTION_LIMIT = 4000
CONTACT_FIELDS = {"first_name": 60, "last_name": 60, "phone": 30, "device_id": 100, "account_id": 100}


class UnknownService(Exception):
    """The service_code names no public service: the spec's 404."""


@dataclass(frozen=True)
class Report:
    """What a client sent, as parsed (the POST's form fields)."""

    service_code: str
    description: str
    latitude: str | None = None
    longitude: str | None = None
    address_string: str = ""
    address_id: str = ""
    contact: dict | None = None
    media_url: str = ""


def parse(data) -> Report:
    """The POST's fields, or ValidationError naming each bad one (the spec's 400)."""
    code = (data.get("service_code") or "").strip()
    if not code:
        raise ValidationError({"service_code": _("service_code was not provided.")})
    lat, lng = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address_id = (data.get("address_id") or "").strip()
    address_string = parsers.text(data.get("address_string"), field="address_string", label="address_string", max_length=200)
    if bool(lat) != bool(lng):
        raise ValidationError({"lat": _("lat and long must be sent together.")})
    if not lat and not address_id:
        if address_string:
            raise ValidationError({"address_string": _(
                "An address_string alone cannot be placed in a grid cell: send lat and long, or address_id (a grid cell code)."
            )})
        raise ValidationError({"lat": _("A location is required: lat and long, or address_id (a grid cell code).")})
    contact = {
        field: parsers.text(data.get(field), field=field, label=field, max_length=limit) for field, limit in CONTACT_FIELDS.items()
    }
    email = parsers.text(data.get("email"), field="email", label="email", max_length=254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError({"email": _("email is not a valid e-mail address.")}) from None
    contact["email"] = email
    media_url = parsers.text(data.get("media_url"), field="media_url", label="media_url", max_length=500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError({"media_url": _("media_url must be an http or https URL.")}) from None
    description = parsers.text(data.get("description"), field="description", label="description", max_length=DESCRIPTION_LIMIT)
    if not description:
        raise ValidationError({"description": _("description was not provided.")})
    return Report(
        service_code=code, description=description, latitude=lat or None, longitude=lng or None,
        address_string=address_string, address_id=address_id, contact=contact, media_url=media_url,
    )


def _cell_of(address_id: str) -> int:
    pk = GridCell.objects.filter(code=address_id).values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationError({"address_id": _("address_id is not a grid cell code of this sub-district.")})
    return pk


def _duplicate_of(account, category_id: int, latitude, longitude, now: datetime) -> Incident | None:
    if latitude is None or longitude is None:
        return None
    lat = parsers.decimal_number(latitude, field="lat", low=-90, high=90)
    lng = parsers.decimal_number(longitude, field="long", low=-180, high=180)
    found = selectors.possible_duplicates(account, category_id=category_id, latitude=lat, longitude=lng, now=now)
    return found[0] if found else None


@transaction.atomic
def submit(*, key: Open311Key, report: Report, photos=None, now: datetime | None = None) -> Open311Request:
    """File `report` of `key`'s client (or add it to the open case it duplicates)."""
    now = now or timezone.now()
    category = public_service(report.service_code)
    if category is None:
        raise UnknownService(report.service_code)
    account = key.client.account
    existing = _duplicate_of(account, category.pk, report.latitude, report.longitude, now)
    if existing is not None:
        link_report(reporter=account, incident=existing, note=report.description, photos=photos, now=now)
        incident, linked = existing, True
    else:
        incident = report_incident(
            reporter=account, category=category.pk, description=report.description,
            latitude=report.latitude, longitude=report.longitude, address=report.address_string,
            grid_cell=_cell_of(report.address_id) if report.address_id and report.latitude is None else None,
            photos=photos, source=Source.OPEN311, now=now,
        )
        linked = False
    return Open311Request.objects.create(
        incident=incident, client=key.client, token=secrets.token_hex(16), linked=linked,
        media_url=report.media_url, submitted_at=now, **(report.contact or {}),
    )
