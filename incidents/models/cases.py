"""A case (incident), its stage deadlines, photos and its append-only timeline."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import ClockedBase, PhotoBase, SequenceBase, StageRunBase, TimelineEventBase
from grids.models.scoping import ScopedQuerySet
from incidents.choices import OPEN_STATUSES, EventKind, Severity, Source, Stage, Status

# Cases a department sees beyond its own, added by higher apps without incidents importing them
# (the arrows): each maps a department user to a Q of more cases. The joint meeting adds the cases
# of published decisions its department cooperates on (governance/meetings/case_pages.py).
DEPARTMENT_VISIBILITY: list[Callable[[object], Q]] = []


class IncidentQuerySet(ScopedQuerySet):
    """Which cases a user may see (ARCHITECTURE.md, roles table); visible_to() applies it."""

    def for_zone_leader(self, user) -> IncidentQuerySet:
        return self.filter(zone_id=user.zone_id)

    def for_community(self, user) -> IncidentQuerySet:
        return self.filter(community_id=user.community_id)

    def for_grid_worker(self, user) -> IncidentQuerySet:
        return self.filter(Q(grid_cell__in=user.grid_cells.all()) | Q(reporter=user))

    def for_department(self, user) -> IncidentQuerySet:
        seen = Q(department_id=user.department_id)
        for extra in DEPARTMENT_VISIBILITY:
            seen |= extra(user)
        mine = self.filter(seen)
        return mine.filter(zone_id=user.zone_id) if user.zone_id else mine

    def open(self) -> IncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now) -> IncidentQuerySet:
        return self.filter(due_at__lte=now)


class Incident(ClockedBase):
    code = models.CharField(_("case code"), max_length=20, unique=True)
    category = models.ForeignKey("incidents.Category", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("category"))
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The phone's own estimate of its fix (metres); a poor one is flagged for the zone leader.
    location_accuracy_m = models.PositiveIntegerField(_("location accuracy (m)"), null=True, blank=True)
    # The intake form's one-time token: the same form sent twice files one case (see intake.report_incident).
    intake_token = models.UUIDField(_("intake token"), null=True, blank=True, editable=False)
    # A client's key for one report (the phone's offline queue, an API client's Idempotency-Key):
    # a resend returns the case it filed. Unique over all cases: it names one report, whoever sends it.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True, editable=False)
    # Territory is denormalised from the cell so that scoping and queues filter on one indexed column.
    grid_cell = models.ForeignKey("grids.GridCell", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("grid cell"))
    community = models.ForeignKey("grids.Community", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("community"))
    zone = models.ForeignKey("grids.Zone", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("zone"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.GRID_WORKER)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents", verbose_name=_("reporter")
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates", verbose_name=_("duplicate of")
    )

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    # The status a suspended case goes back to on resume.
    resume_status = models.CharField(_("status on resume"), max_length=16, choices=Status.choices, blank=True)
    department = models.ForeignKey(
        "grids.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_incidents",
        verbose_name=_("assignee"),
    )
    result = models.TextField(_("handling result"), blank=True)

    # The running stage's clock (ClockedBase: due_at, warn_at, paused_remaining, escalation). due_at
    # is empty when no clock runs (final, disputed, paused).
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    extension_pending = models.BooleanField(_("extension pending"), default=False)

    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    # When the worker saw it, by the phone's clock (a report written with no signal arrives later);
    # the deadline clock runs from reported_at, the time it was received.
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    @property
    def poor_location_fix(self) -> bool:
        """Whether the phone's fix was too vague to trust the cell it chose (INTAKE_POOR_ACCURACY_M)."""
        return self.location_accuracy_m is not None and self.location_accuracy_m > settings.INTAKE_POOR_ACCURACY_M

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "intake_token"], condition=models.Q(intake_token__isnull=False),
                                    name="incident_intake_once"),
        ]
        indexes = [
            models.Index(fields=["zone", "status", "-reported_at"], name="incident_zone_queue"),
            models.Index(fields=["department", "status", "-reported_at"], name="incident_dept_queue"),
            models.Index(fields=["community", "-reported_at"], name="incident_community"),
            models.Index(fields=["grid_cell", "-reported_at"], name="incident_cell"),
            models.Index(fields=["status", "-reported_at"], name="incident_status"),
            models.Index(fields=["category", "latitude", "longitude"], name="incident_category_point"),
            # The dashboard's period bounds (reported, registered or closed since …).
            models.Index(fields=["registered_at"], name="incident_registered"),
            models.Index(fields=["closed_at"], name="incident_closed"),
            # The escalation sweep reads only cases whose clock runs. No index mentions `escalation`,
            # the one column the sweep's UPDATE changes (besides unindexed `updated_at`), so that the
            # UPDATE can be a HOT update that writes no index entries (docs/performance.md).
            models.Index(fields=["due_at"], name="incident_due_running", condition=Q(due_at__isnull=False)),
            models.Index(fields=["warn_at"], name="incident_warn_running", condition=Q(due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StageDeadline(StageRunBase):
    """One run of a case's stage clock."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("case"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)

    class Meta(StageRunBase.Meta):
        verbose_name = _("stage deadline")
        verbose_name_plural = _("stage deadlines")
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["incident", "finished_at"], name="deadline_current")]


class IncidentEvent(TimelineEventBase):
    """One line of a case's timeline. Append-only: never updated, never deleted (TimelineEventBase)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=Status.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["incident", "created_at"], name="event_incident_time"),
            models.Index(fields=["kind", "created_at"], name="event_kind_time"),
        ]


class PhotoKind(models.TextChoices):
    REPORT = "report", _("On report")
    HANDLE = "handle", _("After handling")
    VERIFY = "verify", _("On verification")


def photo_path(instance, filename: str) -> str:
    return f"incidents/{instance.incident.reported_at:%Y/%m}/{instance.incident.code}/{filename}"


class IncidentPhoto(PhotoBase):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width", height_field="height")

    class Meta(PhotoBase.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class CaseSequence(SequenceBase):
    """The last number handed out for a case-code prefix and year (locked while incremented)."""

    prefix = models.CharField(_("case code prefix"), max_length=8)

    class Meta(SequenceBase.Meta):
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
