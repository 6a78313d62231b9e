"""Small forms for the organisation's pages (the list filters are FilterSets in filters.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROSTER_DAYS = 7


class RosterWeekForm(forms.Form):
    """Which 7 days the duty roster page shows: from `start` (default today) for a week."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def clean_start(self) -> date | None:
        start = self.cleaned_data.get("start")
        # Keeps start + 7 days representable (9999-12-31 would overflow) and the roster sensible.
        if start and not (2000 <= start.year <= 2100):
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return start

    def start_date(self) -> date:
        """The chosen day, or today (local time) when nothing valid was given."""
        if self.is_valid() and self.cleaned_data.get("start"):
            return self.cleaned_data["start"]
        return timezone.localdate()

    def period(self) -> tuple[datetime, datetime]:
        return roster_period(self.start_date())


def roster_period(start: date | None = None) -> tuple[datetime, datetime]:
    """[start 00:00, start + 7 days 00:00) in the current (Asia/Shanghai) time zone; start defaults to today."""
    start = start or timezone.localdate()
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(start + timedelta(days=ROSTER_DAYS), time.min))
    return first, last
