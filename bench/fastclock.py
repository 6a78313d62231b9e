"""The app's deadline arithmetic, precomputed for a fixed span of days, on integer epoch seconds.

`casework.calendar.WorkCalendar` walks day by day (40–300 µs per due time); the generator
needs a few million due times. This index lists every working period of the span as UTC epoch
seconds with the working seconds before it, so "add N working hours" is two binary searches.
Semantics are the calendar's own (tests/bench/test_generate.py compares them on random starts):
a start outside working time counts from the next period start, a due time landing on a period
end stays there, working days end with the last period of the Nth working day after the start
date, urgent hours and natural days are plain clock time. Resolution is one second.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right

from casework.calendar import WorkCalendar
from casework.choices import LimitKind

URGENT, WORKING_HOURS, WORKING_DAYS, NATURAL = (
    LimitKind.URGENT_HOURS.value, LimitKind.WORKING_HOURS.value, LimitKind.WORKING_DAYS.value, LimitKind.NATURAL_DAYS.value,
)


class FastClock:
    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.cal = cal
        self.tz = cal.tz
        self.first, self.last = first, last
        starts: list[int] = []
        ends: list[int] = []
        cum_end: list[int] = []
        self.day_starts: list[int] = []  # local midnight of each day of the span
        self.workday_ends: list[int] = []  # end of the last period of each working day
        self.workday_ordinals: list[int] = []
        total = 0
        day = first
        while day <= last:
            self.day_starts.append(int(dt.datetime.combine(day, dt.time.min, tzinfo=self.tz).timestamp()))
            if cal.is_working_day(day):
                for start, end in cal.periods:
                    s = int(dt.datetime.combine(day, start, tzinfo=self.tz).timestamp())
                    e = int(dt.datetime.combine(day, end, tzinfo=self.tz).timestamp())
                    starts.append(s)
                    ends.append(e)
                    total += e - s
                    cum_end.append(total)
                self.workday_ends.append(ends[-1])
                self.workday_ordinals.append(day.toordinal())
            day += dt.timedelta(days=1)
        self.starts, self.ends, self.cum_end = starts, ends, cum_end
        self.lo, self.hi = self.day_starts[0], self.day_starts[-1] + 86400

    # --- working seconds <-> instants ----------------------------------------------------------

    def working(self, t: int) -> int:
        """Working seconds from the start of the span to `t`."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        base = self.cum_end[i] - (self.ends[i] - self.starts[i])
        return base + min(t, self.ends[i]) - self.starts[i]

    def instant(self, w: int) -> int:
        """The first instant at which `w` working seconds have passed (a period end stays put)."""
        i = bisect_left(self.cum_end, w)
        if i >= len(self.cum_end):
            raise ValueError("beyond the precomputed span")
        return self.ends[i] - (self.cum_end[i] - w)

    def next_working(self, t: int) -> int:
        """`t` if it lies in working time, else the start of the next working period."""
        i = bisect_right(self.ends, t)
        if i >= len(self.starts):
            return t
        return max(t, self.starts[i])

    def local_ordinal(self, t: int) -> int:
        return self.first.toordinal() + bisect_right(self.day_starts, t) - 1

    # --- the calendar's public arithmetic ----------------------------------------------------

    def add(self, start: int, amount: float, kind: str) -> int:
        if amount == 0:
            return start
        if kind == URGENT:
            return start + round(amount * 3600)
        if kind == NATURAL:
            return start + round(amount * 86400)
        if kind == WORKING_HOURS:
            return self.instant(self.working(start) + round(amount * 3600))
        j = bisect_right(self.workday_ordinals, self.local_ordinal(start)) + int(amount) - 1
        return self.workday_ends[j]

    def warn_at(self, start: int, due: int, kind: str, ratio: float) -> int:
        if kind in (URGENT, NATURAL):
            return start + int((due - start) * ratio)
        w0 = self.working(start)
        return self.instant(w0 + int((self.working(due) - w0) * ratio))

    def elapsed(self, a: int, b: int, kind: str) -> int:
        """Seconds from a to b in the unit of `kind` (what the app stores as paused_remaining)."""
        if kind in (URGENT, NATURAL):
            return b - a
        return self.working(b) - self.working(a)

    def resume(self, now: int, remaining: int, kind: str) -> int:
        if kind in (URGENT, NATURAL):
            return now + remaining
        return self.instant(max(self.working(now) + remaining, 0))
