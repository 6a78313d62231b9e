"""The work calendar that deadlines are counted in: working periods of a day, Chinese public
holidays and make-up working days (调休). Seeded from the chinese-calendar package for the years
it knows; an administrator enters later years by hand."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    WORKDAY = "workday", _("Make-up working day (调休)")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a holiday on a weekday or a working weekend day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. Spring Festival"))

    class Meta:
        db_table = "incidents_calendarday"  # born in incidents; moved without moving data (casework 0001)
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have been entered completely."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar package")
        MANUAL = "manual", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        db_table = "incidents_calendaryear"  # born in incidents; moved without moving data (casework 0001)
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class WorkingPeriod(models.Model):
    """One stretch of working time within a working day, e.g. 08:30–12:00."""

    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        db_table = "incidents_workingperiod"  # born in incidents; moved without moving data (casework 0001)
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="workingperiod_end_after_start")]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
