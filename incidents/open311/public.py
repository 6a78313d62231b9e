"""The public read of Open311: services and requests, with the privacy rules (PIPL) in one place.

The system reads here, unscoped, for anyone: only cases of the categories open to public reports,
and of each only what the public may see. Never the reporter (name, phone, e-mail: they live on
Open311Request and no field here reads them), never a timeline note or the handling result (the
status notes are fixed sentences per status), personal numbers blanked in the description, and
for a category with a sensitive location the point rounded and the address and cell left out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from casework.redaction import redact
from incidents.choices import FINAL_STATUSES, OPEN_STATUSES, Stage, Status
from incidents.models import Category, Incident, Open311Request
from incidents.open311.formats import w3c

# The spec's response volume: a span of 90 days or the first 1,000 requests, whichever is smaller.
MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
OPEN, CLOSED = "open", "closed"


def public_categories() -> QuerySet:
    return Category.objects.filter(is_active=True, open311_public=True, parent__isnull=False, parent__is_active=True)


def services() -> list[dict]:
    rows = public_categories().select_related("parent").order_by("parent__sort", "sort", "code")
    return [service(category) for category in rows]


def service(category: Category) -> dict:
    keywords = [category.name, category.name_en, category.parent.name, category.parent.name_en]
    return {
        "service_code": category.code,
        "service_name": category.display_name,
        "description": str(category),
        "metadata": False,  # no category asks for attributes
        "type": settings.OPEN311_SERVICE_TYPE,
        "keywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
        "group": category.parent.display_name,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": []}


def public_service(code: str) -> Category | None:
    return public_categories().select_related("parent").filter(code=code).first()


def public_cases() -> QuerySet:
    """The base of every public read: the public categories' cases, with what a request shows."""
    return (
        Incident.objects.filter(category__in=public_categories())
        .select_related("category__parent", "department", "grid_cell")
        .defer("grid_cell__boundary")
        .prefetch_related(
            "category__limits",
            Prefetch("open311_requests", queryset=Open311Request.objects.only("pk", "incident_id", "media_url").order_by("pk")),
        )
    )


def filtered_cases(
    *, ids: list[str] | None = None, service_codes: list[str] | None = None, start: datetime | None = None,
    end: datetime | None = None, statuses: list[str] | None = None, now: datetime,
) -> list[Incident]:
    """GET requests: by service_request_id (which overrides every other argument) or by service
    codes, requested_datetime range and open/closed, newest first, at most MAX_ROWS. The range
    (at most MAX_SPAN, checked by the caller) defaults to the 90 days up to `end` or now."""
    cases = public_cases()
    if ids:
        return list(cases.filter(code__in=ids[:MAX_ROWS]).order_by("-reported_at", "-pk"))
    if service_codes:
        cases = cases.filter(category__code__in=service_codes)
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    cases = cases.filter(reported_at__gte=start, reported_at__lte=end)
    wanted = set(statuses or ())
    if wanted == {OPEN}:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif wanted == {CLOSED}:
        cases = cases.filter(status__in=FINAL_STATUSES)
    return list(cases.order_by("-reported_at", "-pk")[:MAX_ROWS])


def status_of(incident: Incident) -> str:
    return CLOSED if incident.status in FINAL_STATUSES else OPEN


def status_note(status: str) -> str:
    """A fixed sentence per status: never a person's note."""
    notes = {
        Status.REPORTED: _("Received; the zone will register it."),
        Status.SELF_HANDLED: _("Fixed on the spot; the zone will confirm it."),
        Status.REGISTERED: _("Registered by the zone."),
        Status.DISPATCHED: _("Sent to the department responsible."),
        Status.ACCEPTED: _("Being handled by the department responsible."),
        Status.HANDLED: _("Handled; waiting to be checked on site."),
        Status.VERIFIED: _("Checked on site: fixed."),
        Status.CLOSED: _("Fixed and closed."),
        Status.REJECTED: _("Not taken up by the zone."),
        Status.DISPUTED: _("Which department is responsible is being decided at the joint meeting."),
        Status.SUSPENDED: _("On hold."),
        Status.VOID: _("Withdrawn or void."),
    }
    return notes.get(status, "")


def service_notice(incident: Incident) -> str | None:
    """What the category's time limit for handling promises, if it has one."""
    for limit in incident.category.limits.all():
        if limit.stage == Stage.HANDLE:
            return _("Cases of this kind are handled within %(amount)s %(unit)s once sent to the department.") % {
                "amount": f"{limit.amount.normalize():f}", "unit": limit.get_kind_display(),
            }
    return None


def _point(incident: Incident) -> tuple[float | None, float | None]:
    if incident.latitude is None or incident.longitude is None:
        return None, None
    if incident.category.sensitive_location:
        places = settings.OPEN311_SENSITIVE_DECIMALS
        return round(incident.latitude, places), round(incident.longitude, places)
    return incident.latitude, incident.longitude


def request(incident: Incident) -> dict:
    """One service request as the public sees it (the spec's fields, in the spec's order)."""
    sensitive = incident.category.sensitive_location
    latitude, longitude = _point(incident)
    final = incident.status in FINAL_STATUSES
    media = next((r.media_url for r in incident.open311_requests.all() if r.media_url), None)
    return {
        "service_request_id": incident.code,
        "status": status_of(incident),
        "status_notes": status_note(incident.status) or None,
        "service_name": incident.category.display_name,
        "service_code": incident.category.code,
        "description": redact(incident.description) or None,
        "agency_responsible": incident.department.name if incident.department_id else None,
        "service_notice": service_notice(incident),
        "requested_datetime": w3c(incident.reported_at),
        "updated_datetime": w3c(incident.closed_at if final and incident.closed_at else incident.updated_at),
        "expected_datetime": w3c(incident.due_at),
        "address": None if sensitive else (redact(incident.address) or None),
        "address_id": None if sensitive else incident.grid_cell.code,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
        "media_url": None if sensitive else media,
    }
