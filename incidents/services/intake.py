"""Intake: a grid worker (or staff, or a program) reports a case."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import humanize, parsers
from casework.errors import Forbidden, Refused
from casework.numbering import next_number
from casework.photos import attach_photos, clean_photos, files_discarded_on_error
from grids.choices import Role
from grids.models import GridCell
from grids.services import distance_to_cell_m, locate_cell, within_subdistrict_extent
from incidents.choices import STAGE_OF_STATUS, EventKind, Severity, Source, Status
from incidents.models import CaseSequence, Category, Incident, IncidentEvent, IncidentPhoto, PhotoKind
from incidents.services.clock import CASE_CLOCK as CLOCK
from incidents.services.timeline import record, tell, zone_leaders

# Who files reports: grid workers and the people who oversee them. A department handles cases;
# it does not file them (its own findings reach the zone through the hotline or a grid worker).
REPORTER_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY, Role.ZONE_LEADER, Role.STREET, Role.ADMIN})


def may_report(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or user.role in REPORTER_ROLES)


def check_reporter(user) -> None:
    """Forbidden (403) unless `user` files reports: the rule of every door (page, API, link)."""
    if not may_report(user):
        raise Forbidden(_("Your role does not file reports; a grid worker or the zone does."))


def next_code(prefix: str, now: datetime) -> str:
    """XH2026000123: sub-district prefix, year, 6-digit sequence.

    One upsert takes the number and locks the year's counter row until commit, so codes are
    gapless and in order; every intake of the sub-district waits on that row, so callers take
    the number as late as possible (docs/performance.md, intake).
    """
    year = timezone.localtime(now).year
    last = next_number(CaseSequence, prefix=prefix, year=year)
    return f"{prefix}{year}{last:06d}"


def _category(value) -> Category:
    category = parsers.one_of(
        value, Category.objects.select_related("parent").filter(is_active=True), field="category",
        missing=_("Unknown category."), unknown=_("Unknown category."),
    )
    if category.parent_id is None:
        raise ValidationError({"category": _("Choose a subcategory, not a whole domain.")})
    return category


def _cell(reporter, latitude, longitude, grid_cell) -> GridCell:
    located = latitude is not None and longitude is not None
    if located:
        found = locate_cell(latitude=latitude, longitude=longitude)
        if found is not None:
            return found
        # Outside every cell: a cell chosen by hand is accepted only for a point nearby.
        if not within_subdistrict_extent(latitude=latitude, longitude=longitude):
            raise ValidationError({"latitude": _(
                "The location lies outside the sub-district. Check the pin on the map (or your phone's location) and try again."
            )})
    if grid_cell in (None, ""):
        if not located:
            raise ValidationError({"latitude": _("Give the location, or choose the grid cell.")})
        raise ValidationError({"grid_cell": _("The location lies outside every grid cell: choose the cell.")})
    cell = _chosen_cell(reporter, grid_cell)
    if located:
        limit = settings.INTAKE_MAX_CELL_DISTANCE_M
        away = distance_to_cell_m(cell, latitude=latitude, longitude=longitude)
        if away > limit:
            raise ValidationError({"grid_cell": _(
                "The location is %(away)s from the chosen grid cell (at most %(limit)s is accepted): "
                "move the pin to where the case is, or choose the right cell."
            ) % {"away": humanize.length(away), "limit": humanize.length(limit)}})
    return cell


def _chosen_cell(reporter, grid_cell) -> GridCell:
    # A manual choice: one of the reporter's own cells or, for staff, a cell they oversee.
    choices = GridCell.objects.visible_to(reporter)
    if getattr(reporter, "community_id", None):
        choices = choices | GridCell.objects.filter(community_id=reporter.community_id)
    try:
        return choices.select_related("community__zone").distinct().get(pk=parsers.pk_of(grid_cell))
    except (TypeError, ValueError, GridCell.DoesNotExist):
        raise ValidationError({"grid_cell": _("Unknown grid cell, or not one you may report in.")}) from None


class _AlreadyFiled(Exception):
    """Raised inside the intake transaction to roll it back, its case number with it."""


def _uuid(value, *, field: str, malformed: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({field: malformed}) from None


def _intake_token(value) -> uuid.UUID | None:
    return _uuid(value, field="intake_token", malformed=_("The form's token is malformed: reload the form."))


def _idempotency_key(value) -> uuid.UUID | None:
    return _uuid(value, field="idempotency_key", malformed=_("The idempotency key must be a UUID."))


def _filed_with(reporter, token: uuid.UUID | None, key: uuid.UUID | None = None) -> Incident | None:
    """The case this report already filed: by the client's idempotency key, else by the form's token.

    A key is unique over all cases; another person's key is refused (409) rather than answered
    with their case."""
    if key is not None:
        found = Incident.objects.filter(idempotency_key=key).first()
        if found is not None and found.reporter_id != reporter.pk:
            raise Refused(_("This idempotency key was already used for another report: send the report with a new key."),
                          code="idempotency_key_reused")
        return found
    if token is None:
        return None
    return Incident.objects.filter(reporter=reporter, intake_token=token).first()


def report_incident(*, reporter, intake_token=None, idempotency_key=None, **fields) -> Incident:
    """File a new case (see _file_report), exactly once per report.

    Two ways name a report. The form's one-time `intake_token` (a hidden field, fresh per form
    shown): the same form sent twice (a double tap, Back and submit again, a retried request)
    returns the case the first one filed. The client's `idempotency_key` (a UUID the phone makes
    for each report it queues offline, or an API client's Idempotency-Key header): a resend
    returns the first case. A key, when given, supersedes the token: a page kept for offline use
    carries one token for every report written on it, so only the key tells those reports apart.
    The case returned is marked `repeated` (the API answers 200 instead of 201)."""
    key = _idempotency_key(idempotency_key)
    token = None if key is not None else _intake_token(intake_token)
    if (key is not None or token is not None) and (existing := _filed_with(reporter, token, key)) is not None:
        existing.repeated = True
        return existing
    try:
        incident = _file_report(reporter=reporter, intake_token=token, idempotency_key=key, **fields)
    except (_AlreadyFiled, IntegrityError):
        # A concurrent twin committed first (seen once its case number's lock was released).
        if (key is None and token is None) or (existing := _filed_with(reporter, token, key)) is None:
            raise
        existing.repeated = True
        return existing
    incident.repeated = False
    return incident


def _observed(value, now: datetime) -> datetime | None:
    return parsers.past_datetime(
        value, field="observed_at", now=now, within=timedelta(days=settings.INTAKE_OBSERVED_MAX_DAYS),
        skew=timedelta(seconds=settings.INTAKE_CLOCK_SKEW_SECONDS),
    )


@files_discarded_on_error()
@transaction.atomic
def _file_report(
    *,
    reporter,
    intake_token: uuid.UUID | None = None,
    idempotency_key: uuid.UUID | None = None,
    observed_at=None,
    located_at=None,
    location_accuracy=None,
    category,
    description: str,
    latitude=None,
    longitude=None,
    address: str = "",
    severity: str | None = None,
    grid_cell=None,
    photos=None,
    fixed_on_spot: bool = False,
    source: str = Source.GRID_WORKER,
    now: datetime | None = None,
) -> Incident:
    """File a new case: validate, number it, start the register clock, record and notify.

    `fixed_on_spot` is a grid worker's self-handled minor case: it arrives already fixed (the
    photos show it after) and waits for the zone's confirmation. `observed_at` (when the worker
    saw it) and `located_at` (the phone's fix) come from the phone's clock for a report written
    offline; the case is reported, and its clock starts, at `now`, when it was received.
    """
    check_reporter(reporter)
    now = now or timezone.now()
    observed_at = _observed(observed_at, now)
    located_at = parsers.past_datetime(
        located_at, field="located_at", now=now, within=timedelta(days=settings.INTAKE_OBSERVED_MAX_DAYS),
        skew=timedelta(seconds=settings.INTAKE_CLOCK_SKEW_SECONDS),
    )
    category = _category(category)
    description = parsers.text(description, field="description", label=_("Description"))
    if not description:
        raise ValidationError({"description": _("Describe what you found.")})
    if severity in (None, ""):
        severity = category.default_severity
    elif severity not in Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})
    latitude = parsers.decimal_number(latitude, field="latitude", low=-90, high=90)
    longitude = parsers.decimal_number(longitude, field="longitude", low=-180, high=180)
    accuracy = parsers.decimal_number(location_accuracy, field="location_accuracy", low=0, high=1_000_000)
    if fixed_on_spot:
        if not category.self_handle_allowed:
            raise ValidationError({"fixed_on_spot": _("Cases of this category cannot be fixed on the spot.")})
        if not photos:
            raise ValidationError({"photos": _("Add a photo that shows it fixed.")})
    cleaned = clean_photos(photos)  # fail before numbering anything
    cell = _cell(reporter, latitude, longitude, grid_cell)
    incident = Incident(
        category=category, description=description, address=(address or "").strip()[:200],
        latitude=latitude, longitude=longitude, grid_cell=cell, community_id=cell.community_id,
        zone_id=cell.community.zone_id, severity=severity, source=source, reporter=reporter,
        status=Status.SELF_HANDLED if fixed_on_spot else Status.REPORTED, reported_at=now,
        location_accuracy_m=None if accuracy is None or latitude is None else round(accuracy), intake_token=intake_token,
        idempotency_key=idempotency_key, observed_at=observed_at,
    )
    limit = CLOCK.plan(incident, STAGE_OF_STATUS[incident.status], now)
    leaders = list(zone_leaders(incident.zone_id))
    # Read everything first: from the number to commit the year's counter row is locked.
    incident.code = next_code(cell.community.zone.subdistrict.case_prefix, now)
    if (intake_token is not None or idempotency_key is not None) and _filed_with(reporter, intake_token, idempotency_key) is not None:
        raise _AlreadyFiled  # the twin waited on the number's lock and committed meanwhile
    incident.save()
    CLOCK.record_run(incident, limit, now)
    if cleaned:
        attach_photos(IncidentPhoto, cleaned, uploaded_by=reporter, incident=incident,
                      kind=PhotoKind.HANDLE if fixed_on_spot else PhotoKind.REPORT)
    data = {"photos": len(cleaned), "fixed_on_spot": fixed_on_spot}
    if observed_at is not None:
        data["observed_at"] = observed_at.isoformat()
    if located_at is not None and latitude is not None:
        data["located_at"] = located_at.isoformat()
    event = record(incident, EventKind.REPORTED, actor=reporter, to_status=incident.status, data=data, at=now)
    tell(leaders, incident, event)
    return incident


@files_discarded_on_error()
@transaction.atomic
def link_report(*, reporter, incident: Incident, note: str = "", photos=None, now: datetime | None = None) -> IncidentEvent:
    """Add a worker's sighting to an existing case instead of filing a duplicate."""
    check_reporter(reporter)
    now = now or timezone.now()
    note = parsers.text(note, field="note", label=_("Note"))
    cleaned = clean_photos(photos)
    if cleaned:
        attach_photos(IncidentPhoto, cleaned, uploaded_by=reporter, incident=incident, kind=PhotoKind.REPORT)
    return record(incident, EventKind.LINKED, actor=reporter, note=note,
                  data={"photos": len(cleaned)}, at=now)
