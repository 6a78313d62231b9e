"""One case's life, simulated without the ORM: the rows the services would have written.

Each case follows one path through the loop (plain, rejected, void, fixed on the spot, rework,
returned once or twice → disputed, disputed by hand, extension, suspension) with stage times drawn
around its category's limits, and is cut at `now`: whatever had not happened yet stays undone, so
recent cases are open at the stage they reached. The stage clocks follow incidents.services.clock
(due and warning times from the work calendar, paused and resumed with the time left), and the
escalation sweep's events (due soon, yellow card, red card) are written when the sweep — running
every minute — would have written them, with the same event data and notification keys. The
rows therefore satisfy what the app relies on: a running case has stage/due/warn, an overdue one
carries the card its lateness calls for, every stage run has a StageDeadline row.
"""

from __future__ import annotations

import random

from django.utils import translation
from django.utils.translation import gettext as _

from bench.fastclock import NATURAL, WORKING_DAYS, WORKING_HOURS, FastClock
from bench.rows import Format
from bench.world import World, dumps
from incidents.choices import STAGE_OF_STATUS, EventKind, Severity
from incidents.demo import texts

DAY, HOUR = 86400, 3600
PATHS = (
    ("plain", 0.70), ("reject", 0.04), ("void", 0.02), ("self_handled", 0.05), ("rework", 0.05), ("return_once", 0.05),
    ("return_twice", 0.02), ("dispute", 0.015), ("extension", 0.05), ("suspend", 0.025),
)
SEVERITIES = [s.value for s in Severity]
READ_AFTER = 3 * DAY
COMMENT_SHARE = 0.08
# Per stage: the share of runs done before the warning point, by the due time, late (the rest
# is stuck for days). Leaders register and dispatch quickly; departments are late more often.
LATE_SHARES = {"register": (0.92, 0.985, 0.997), "dispatch": (0.92, 0.985, 0.997), "handle": (0.82, 0.94, 0.99),
               "verify": (0.88, 0.97, 0.995)}
STAGE_OF = {status.value: stage.value for status, stage in STAGE_OF_STATUS.items()}


class Cut(Exception):
    """The next step lies after `now`: the case stays as it is."""


class Case:
    __slots__ = (
        "id", "sid", "code", "cat", "cell", "path", "reporter", "description", "status", "resume_status", "dept", "assignee",
        "result", "stage", "due", "warn", "paused", "esc", "yellow_at", "ext_pending", "returns", "reworks", "extensions",
        "reported", "registered", "closed", "updated", "run", "runs", "leader", "source", "severity", "address", "point", "keys",
    )


class Simulator:
    def __init__(self, world: World, clock: FastClock, now: int, fmt: Format, *, seed: int, red_after_hours: int) -> None:
        self.w, self.clock, self.now, self.f = world, clock, now, fmt
        self.seed = seed
        self.rng = random.Random(f"cases:{seed}")
        self.red_after = red_after_hours * HOUR
        self.event_id = self.deadline_id = self.notification_id = 0
        self.events: list[tuple] = []
        self.deadlines: list[tuple] = []
        self.notifications: list[tuple] = []
        with translation.override("zh-hans"):
            self.labels = {kind.value: str(kind.label) for kind in EventKind}
            self.card_titles = {
                1: _("%(code)s is due soon"), 2: _("Yellow card: %(code)s is overdue"), 3: _("Red card: %(code)s is still overdue"),
            }
            self.event_title = _("%(code)s: %(event)s")
        self.path_names = [p for p, _w in PATHS]
        self.path_weights = [w for _p, w in PATHS]
        t = fmt.text
        # Description templates and places are escaped once; "{place}" survives escaping.
        self.templates = {c.code: [t(d) for d in texts.DESCRIPTIONS.get(c.code, ("{place}" + c.name,))] for c in world.categories}
        self.places = [t(p) for p in texts.PLACES]
        self.results = {d: [t(r) for r in rs] for d, rs in texts.RESULTS.items()}
        self.pools = {
            name: [t(x) for x in getattr(texts, name)]
            for name in ("REJECT_REASONS", "VOID_REASONS", "RETURN_REASONS", "DISPUTE_REASONS", "SUSPEND_REASONS",
                         "EXTENSION_REASONS", "REFUSE_REASONS", "VERIFY_FAILED_NOTES", "COMMENTS")
        }
        self.meeting_note = t(texts.MEETING_NOTES)
        self.dept_data = {
            d: t(dumps({"department": d, "department_name": name})) for d, name in world.department_names.items()
        }

    # --- rows ---------------------------------------------------------------------------------

    def take_rows(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        out = (self.events, self.deadlines, self.notifications)
        self.events, self.deadlines, self.notifications = [], [], []
        return out

    def event(self, c: Case, kind: str, t: int, actor: int | None = None, frm: str = "", to: str = "", note: str = "",
              data: str = "{}", tell=(), key: str | None = None, title: str | None = None, body: str | None = None) -> None:
        f = self.f
        self.event_id += 1
        self.events.append((str(self.event_id), c.sid, kind, f.num(actor), frm, to, note, data, f.ts(t)))
        if t > c.updated:
            c.updated = t
        if tell:
            key = key or f"case-event:{self.event_id}"
            title = title or f.text(self.event_title % {"code": c.code, "event": self.labels[kind]})
            if body is None:
                body = f"{c.cat.name} · {c.description[:80]}" + (f"{f.newline}{note}" if note else "")
            self.tell(tell, actor, kind, title, body, f"/incidents/{c.id}/", key, t)

    def tell(self, recipients, actor, kind, title, body, url, key, t) -> None:
        f, random = self.f, self.rng.random
        created = f.ts(t)
        old = t < self.now - READ_AFTER
        append = self.notifications.append
        for user_id in sorted(set(recipients)):
            if user_id == actor:
                continue
            read = f.null
            if old and random() < 0.93:
                read = f.ts(t + 300 + int(random() * 2 * DAY))
            self.notification_id += 1
            append((str(self.notification_id), str(user_id), kind, title, body, url, key, created, read))

    # --- people -------------------------------------------------------------------------------

    def handlers(self, c: Case, dept: int | None = None) -> list[int]:
        return self.w.handlers.get((dept or c.dept, c.cell.zone_id), [])

    def handler(self, c: Case) -> int | None:
        people = self.handlers(c)
        return self.rng.choice(people) if people else None

    def leaders(self, c: Case) -> list[int]:
        return self.w.zone_leaders[c.cell.zone_id]

    # --- time ---------------------------------------------------------------------------------

    def at(self, t: int) -> int:
        if t > self.now:
            raise Cut
        return t

    def office(self, c: Case, t: int) -> int:
        """Officials act in working time, except on urgent cases."""
        if c.cat.urgent:
            return t
        moved = self.clock.next_working(t)
        return t if moved == t else moved + int(self.rng.random() * 1800)

    def take(self, c: Case, start: int, due: int | None) -> int:
        """When the running stage (started at `start`) is done: mostly before its warning point,
        some after it, a few late, a very few stuck. Drawn in the limit's own time, so that work
        on a working-hours limit happens in working hours."""
        random = self.rng.random
        run = c.run
        if run is None or due is None:
            return self.office(c, start + 600 + int(random() * 4 * HOUR))
        stage, kind = run[1], run[3]
        ratio = c.cat.limits[stage][3]
        before, warned, late = LATE_SHARES[stage]
        r = random()
        extra = 0
        if r < before:
            share = ratio * (0.05 + 0.9 * random())
        elif r < warned:
            share = ratio + (1 - ratio) * random()
        elif r < late:
            share = 1 + 1.5 * random()
        else:
            share = 2.5 + 2.5 * random()
            extra = int(random() * 10 * DAY)
        if kind in (WORKING_HOURS, WORKING_DAYS):
            clock = self.clock
            w0 = clock.working(start)
            end = clock.instant(w0 + max(int((clock.working(due) - w0) * share), 60))
        else:
            end = start + max(int((due - start) * share), 60)
        if extra:
            end = self.office(c, end + extra)
        elif kind == NATURAL:
            end = self.office(c, end)
        return max(end, start + 60)

    def meeting(self, c: Case, t: int) -> int:
        """The weekly joint meeting after `t` that takes the case up: a Wednesday morning."""
        ordinal = self.clock.local_ordinal(t + DAY)
        ahead = (2 - (ordinal - 1) % 7) % 7  # date.fromordinal(n).weekday() == (n - 1) % 7
        day_index = ordinal + ahead - self.clock.first.toordinal()
        return self.clock.day_starts[day_index] + 9 * HOUR + 1800 + self.rng.randrange(2 * HOUR)

    # --- stage clocks (incidents.services.clock) ---------------------------------------------

    def start(self, c: Case, stage: str, t: int, due: int | None = None) -> None:
        amount, kind, amount_text, ratio = c.cat.limits[stage]
        if due is None:
            due = self.clock.add(t, amount, kind)
            warn = self.clock.warn_at(t, due, kind, ratio)
        else:
            warn = t + int((due - t) * ratio) if due > t else due
        self.deadline_id += 1
        c.run = [self.deadline_id, stage, amount_text, kind, t, due, None, None, False]
        c.runs.append(c.run)
        c.stage, c.due, c.warn, c.paused, c.esc = stage, due, warn, None, 0

    def finish(self, c: Case, t: int) -> None:
        self.sweep(c, t)
        if c.run is not None:
            c.run[6] = t
            c.run[7] = c.run[5] is None or t <= c.run[5]
            c.run = None
        c.stage, c.due, c.warn, c.paused, c.esc = "", None, None, None, 0

    def restart(self, c: Case, t: int, due: int | None = None) -> None:
        self.finish(c, t)
        stage = STAGE_OF.get(c.status)
        if stage is not None:
            self.start(c, stage, t, due)

    def pause(self, c: Case, t: int) -> None:
        self.sweep(c, t)
        if c.due is None:
            return
        c.paused = self.clock.elapsed(t, c.due, c.run[3])
        c.due = c.warn = None

    def resume(self, c: Case, t: int, extra_days: int = 0) -> None:
        if c.paused is None:
            return
        kind = c.run[3]
        due = self.clock.resume(t, c.paused, kind)
        if extra_days:
            due = self.clock.add(due, extra_days, WORKING_DAYS)
        ratio = c.cat.limits[c.run[1]][3]
        c.warn = t + int((due - t) * ratio) if due > t else due
        c.run[5] = due
        c.run[8] = c.run[8] or bool(extra_days)
        c.due, c.paused = due, None
        if due > t:
            c.esc = 0

    def sweep(self, c: Case, until: int) -> None:
        """The escalation sweep's events for the running clock, up to `until` (it runs every minute)."""
        if c.due is None:
            return
        random = self.rng.random
        if c.esc == 0 and c.warn < c.due:
            at = c.warn + int(random() * 60)
            if at < c.due:
                if at >= until:
                    return
                self.card(c, 1, at)
        if c.esc < 2:
            at = c.due + int(random() * 60)
            if at >= until:
                return
            c.yellow_at = at
            self.card(c, 2, at)
        if c.esc == 2:
            at = max(c.yellow_at, c.due + self.red_after) + int(random() * 60)
            if at >= until:
                return
            self.card(c, 3, at)

    def card(self, c: Case, level: int, t: int) -> None:
        kind = (None, EventKind.WARNING, EventKind.YELLOW_CARD, EventKind.RED_CARD)[level].value
        c.esc = level
        due = self.f.iso(c.due)
        if level == 1:
            people = (self.handlers(c) if c.dept else []) + ([c.assignee] if c.assignee else [])
        elif level == 2:
            people = self.leaders(c)
        else:
            people = self.w.street
        title = self.f.text(self.card_titles[level] % {"code": c.code})
        data = f'{{"stage": "{c.stage}", "due_at": "{due}", "level": {level}}}'
        key = f"{kind}:{c.id}:{due}"
        if key in c.keys:  # the same level for the same due time again: the sweep's insert ignores it
            people = ()
        c.keys.add(key)
        self.event(c, kind, t, data=data, tell=people, key=key, title=title, body="")
