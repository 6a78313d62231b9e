"""The one way times and distances read on every page: "3 hours 25 minutes left", "2 days ago",
"at the same spot", "350 m away", "1.2 km away".

Django's time-since filter joins its units with a comma and a space ("3 小时，25 分钟" in Chinese) and
counts calendar units mechanically ("1 日前"); these read as a person would say them. The units are
translated as whole phrases, so Chinese can drop the spaces ("3小时25分钟", "剩余…", "…前").
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE, HOUR, DAY = 60, 3600, 86400
SAME_SPOT_METRES = 5  # closer than this is the same spot (a phone's fix is no better)


def _minutes(n: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def _hours(n: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _pair(larger: str, smaller: str) -> str:
    # Translators: two units of one span of time, e.g. "3 hours 25 minutes" (Chinese: no space).
    return _("%(larger)s %(smaller)s") % {"larger": larger, "smaller": smaller}


def span(seconds: float, *, precise: bool = True) -> str:
    """A span of time, to the precision that matters: minutes under an hour, hours and minutes
    under a day (`precise`), days and hours under three days, whole days beyond."""
    seconds = abs(int(seconds))
    if seconds < MINUTE:
        return _("less than a minute")
    if seconds < HOUR:
        return _minutes(seconds // MINUTE)
    if seconds < DAY:
        hours, minutes = divmod(seconds // MINUTE, 60)
        return _pair(_hours(hours), _minutes(minutes)) if precise and minutes and hours < 10 else _hours(hours)
    days, hours = divmod(seconds // HOUR, 24)
    return _pair(_days(days), _hours(hours)) if precise and hours and days < 3 else _days(days)


def time_left(due: datetime, now: datetime) -> str:
    """'3 hours 25 minutes left' or 'overdue by 2 days'."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return _("overdue by %(span)s") % {"span": span(seconds)}
    return _("%(span)s left") % {"span": span(seconds)}


def ago(when: datetime, now: datetime) -> str:
    """'just now', '25 minutes ago', '3 hours ago', '2 days ago' (one unit: short enough for a list)."""
    seconds = (now - when).total_seconds()
    if seconds < MINUTE:
        return _("just now")
    return _("%(span)s ago") % {"span": span(seconds, precise=False)}


def length(metres: float) -> str:
    """'12 m', '350 m' (tens above 100), '1.2 km'."""
    if metres < 1000:
        rounded = round(metres) if metres < 100 else round(metres, -1)
        return _("%(m)d m") % {"m": rounded}
    return _("%(km).1f km") % {"km": metres / 1000}


def distance(metres: float | None) -> str:
    """'at the same spot', '350 m away', '1.2 km away' ('' when unknown)."""
    if metres is None:
        return ""
    if metres < SAME_SPOT_METRES:
        return _("at the same spot")
    return _("%(length)s away") % {"length": length(metres)}
