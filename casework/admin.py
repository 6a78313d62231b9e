"""Django admin for the shared machinery: the work calendar, and the read-only bases every app's
admin uses for rows that only services write (timelines, clocks, photos, minutes)."""

from django import forms
from django.contrib import admin
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from casework.calendar import bump_calendar_version
from casework.models import CalendarDay, CalendarYear, WorkingPeriod

# --- read-only bases ---------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Shown, never added to, changed or deleted from admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted from admin: the rows change only through services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- the work calendar -------------------------------------------------------------------------


class CalendarCacheMixin:
    """Every save or delete of a calendar row drops this process's cached calendar.

    Other processes notice the change through load_calendar()'s fingerprint query.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_calendar_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_calendar_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_calendar_version()


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarCacheMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS_ABBR[obj.date.weekday()]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarCacheMixin, admin.ModelAdmin):
    list_display = ["year", "source"]
    list_filter = ["source"]


class WorkingPeriodForm(forms.ModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ["start", "end"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end <= start:
                raise forms.ValidationError(_("A working period must end after it starts."))
            others = WorkingPeriod.objects.exclude(pk=self.instance.pk).filter(start__lt=end, end__gt=start)
            clash = others.first()
            if clash:
                raise forms.ValidationError(_("This period overlaps %(other)s.") % {"other": clash})
        return cleaned


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(CalendarCacheMixin, admin.ModelAdmin):
    form = WorkingPeriodForm
    list_display = ["__str__", "start", "end"]
