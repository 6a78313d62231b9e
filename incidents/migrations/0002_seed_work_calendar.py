"""Seed the work calendar: default working periods (08:30–12:00, 13:30–17:30 local time) and the
Chinese public holidays and make-up working days (调休) for every year the pinned
``chinese_calendar`` package covers.

Self-contained on purpose: it uses historical models and reads the package directly, so later
changes to app code cannot change what this migration does. Only exceptions to the Monday–Friday
rule are stored (weekday holidays, weekend working days). Re-syncs after a package upgrade go
through ``manage.py sync_holidays``.
"""

import datetime

from django.db import migrations

DEFAULT_PERIODS = ((datetime.time(8, 30), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(17, 30)))


def _chinese_name(english: str) -> str:
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(english).chinese[:50]
    except ValueError:
        return (english or "")[:50]


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("incidents", "CalendarDay")
    CalendarYear = apps.get_model("incidents", "CalendarYear")
    WorkingPeriod = apps.get_model("incidents", "WorkingPeriod")

    if not WorkingPeriod.objects.exists():
        WorkingPeriod.objects.bulk_create(WorkingPeriod(start=s, end=e) for s, e in DEFAULT_PERIODS)

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows.append(CalendarDay(date=day, kind="holiday", name=_chinese_name(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows.append(CalendarDay(date=day, kind="workday", name=_chinese_name(name)))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing], batch_size=500)

    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="package") for y in sorted(years) if y not in known])


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("incidents", "CalendarDay")
    CalendarYear = apps.get_model("incidents", "CalendarYear")
    WorkingPeriod = apps.get_model("incidents", "WorkingPeriod")

    years = list(CalendarYear.objects.filter(source="package").values_list("year", flat=True))
    CalendarDay.objects.filter(date__year__in=years).delete()
    CalendarYear.objects.filter(year__in=years).delete()
    for start, end in DEFAULT_PERIODS:
        WorkingPeriod.objects.filter(start=start, end=end).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed, elidable=False),
    ]
