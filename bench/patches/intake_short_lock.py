"""Proposed `report_incident`: the same validation, rows and notifications as
incidents.services.intake.report_incident, but everything is read before the case number is
taken, the number is taken with one upsert, and the clock fields go into the INSERT.

The year's CaseSequence row stays locked from the number until commit (codes stay gapless and
ordered); what changes is how much work happens while it is held: 4 INSERTs instead of 11
statements.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.choices import STAGE_OF_STATUS, EventKind, Severity, Source, Status
from incidents.models import CaseSequence, Incident, PhotoKind, StageDeadline
from incidents.services.clock import stage_limit
from incidents.services.intake import _category, _cell, _coordinate
from incidents.services.photos import attach_photos, clean_photos
from incidents.services.timeline import record, tell, zone_leaders
from incidents.workcalendar import load_calendar


def next_code(prefix: str, now: datetime) -> str:
    year = timezone.localtime(now).year
    table = CaseSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (prefix, year, last) VALUES (%s, %s, 1) '
            f'ON CONFLICT (prefix, year) DO UPDATE SET last = "{table}".last + 1 RETURNING last',
            [prefix, year],
        )
        last = cursor.fetchone()[0]
    return f"{prefix}{year}{last:06d}"


@transaction.atomic
def report_incident(*, reporter, category, description: str, latitude=None, longitude=None, address: str = "",
                    severity: str | None = None, grid_cell=None, photos=None, fixed_on_spot: bool = False,
                    source: str = Source.GRID_WORKER, now: datetime | None = None) -> Incident:
    now = now or timezone.now()
    category = _category(category)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe what you found.")})
    if len(description) > 2000:
        raise ValidationError({"description": _("At most 2000 characters.")})
    if severity in (None, ""):
        severity = category.default_severity
    elif severity not in Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})
    latitude = _coordinate(latitude, "latitude", -90, 90)
    longitude = _coordinate(longitude, "longitude", -180, 180)
    if fixed_on_spot:
        if not category.self_handle_allowed:
            raise ValidationError({"fixed_on_spot": _("Cases of this category cannot be fixed on the spot.")})
        if not photos:
            raise ValidationError({"photos": _("Add a photo that shows it fixed.")})
    cleaned = clean_photos(photos)
    cell = _cell(reporter, latitude, longitude, grid_cell)
    status = Status.SELF_HANDLED if fixed_on_spot else Status.REPORTED
    # Everything read before the number is taken.
    stage = STAGE_OF_STATUS[status]
    probe = Incident(category=category)
    amount, kind, ratio = stage_limit(probe, stage)
    cal = load_calendar()
    due_at = cal.add(now, amount, kind)
    warn_at = cal.warn_at(now, amount, kind, float(ratio))
    leaders = list(zone_leaders(cell.community.zone_id))
    prefix = cell.community.zone.subdistrict.case_prefix
    # From here to commit the year's counter row is locked.
    incident = Incident.objects.create(
        code=next_code(prefix, now), category=category, description=description, address=(address or "").strip()[:200],
        latitude=latitude, longitude=longitude, grid_cell=cell, community_id=cell.community_id, zone_id=cell.community.zone_id,
        severity=severity, source=source, reporter=reporter, status=status, reported_at=now,
        stage=stage, due_at=due_at, warn_at=warn_at,
    )
    StageDeadline.objects.create(incident=incident, stage=stage, limit_amount=amount, limit_kind=kind, started_at=now, due_at=due_at)
    if cleaned:
        attach_photos(incident, cleaned, kind=PhotoKind.HANDLE if fixed_on_spot else PhotoKind.REPORT, uploaded_by=reporter)
    event = record(incident, EventKind.REPORTED, actor=reporter, to_status=incident.status,
                   data={"photos": len(cleaned), "fixed_on_spot": fixed_on_spot}, at=now)
    tell(leaders, incident, event)
    return incident
