"""Training sessions with attendance, and the police duty roster per community."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grids.choices import TrainingKind, TrainingLevel
from grids.models.scoping import ScopedQuerySet


class TrainingSessionQuerySet(ScopedQuerySet):
    def for_zone_leader(self, user) -> TrainingSessionQuerySet:
        return self.filter(Q(zone__isnull=True) | Q(zone_id=user.zone_id))

    def for_community(self, user) -> TrainingSessionQuerySet:
        zone_id = user.community.zone_id if user.community_id else None
        return self.filter(Q(zone__isnull=True) | Q(zone_id=zone_id))

    def for_grid_worker(self, user) -> TrainingSessionQuerySet:
        return self.filter(attendances__user=user)


class TrainingSession(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    level = models.CharField(_("tier"), max_length=16, choices=TrainingLevel.choices, default=TrainingLevel.SUB_DISTRICT)
    zone = models.ForeignKey(
        "grids.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="trainings",
        verbose_name=_("zone"), help_text=_("Empty for training given to the whole sub-district."),
    )
    trainer = models.CharField(_("trainer"), max_length=100)
    location = models.CharField(_("location"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=2)
    summary = models.TextField(_("summary"), blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("training session"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attendances", verbose_name=_("trainee")
    )
    attended = models.BooleanField(_("attended"), default=False)
    score = models.PositiveSmallIntegerField(_("test score"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="attendance_score_max_100"),
        ]


class DutyShiftQuerySet(ScopedQuerySet):
    def for_zone_leader(self, user) -> DutyShiftQuerySet:
        return self.filter(community__zone_id=user.zone_id)

    def for_community(self, user) -> DutyShiftQuerySet:
        return self.filter(community_id=user.community_id)

    for_grid_worker = for_community

    def for_department(self, user) -> DutyShiftQuerySet:
        # The roster is shown wherever the community is: a zone team sees its zone's.
        return self.filter(community__zone_id=user.zone_id) if user.zone_id else self


class DutyShift(models.Model):
    """One police officer on duty for one community over [starts_at, ends_at)."""

    community = models.ForeignKey("grids.Community", on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("community"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_shifts", verbose_name=_("officer")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="dutyshift_ends_after_start")]
        indexes = [models.Index(fields=["community", "starts_at"], name="dutyshift_community_start")]

    def __str__(self) -> str:
        return f"{self.community} {self.starts_at:%Y-%m-%d %H:%M}"
