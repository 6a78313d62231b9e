"""The paths a case takes through the loop, and the moves of incidents.services.workflow they
make (status, clock, counters, the timeline event and who is told), replayed on `Case` slots."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from bisect import bisect_right

from bench.lifecycle import COMMENT_SHARE, DAY, HOUR, SEVERITIES, Case, Cut, Simulator
from bench.world import dumps
from incidents.choices import EventKind, Source, Status

# Plain strings (not enum members): they go straight into COPY lines and SQLite parameters.
K = type("K", (), {kind.name: kind.value for kind in EventKind})
S = type("S", (), {status.name: status.value for status in Status})
SOURCE_API, SOURCE_WORKER, SOURCE_STAFF = Source.API.value, Source.GRID_WORKER.value, Source.STAFF.value


class CaseMaker(Simulator):
    def setup(self) -> None:
        self.cell_cum = list(itertools.accumulate(c.weight for c in self.w.cells))
        self.cat_cum = list(itertools.accumulate(c.weight for c in self.w.categories))
        self.sequences: dict[int, int] = {}
        self.cell_names = {c.id: self.f.text(c.name) for c in self.w.cells}
        self.years: dict[int, int] = {}

    def chunk(self, index: int, first_id: int, times: list[int], sequences: dict[int, int], id_block: int) -> list[list[tuple]]:
        """Cases first_id, first_id+1, … reported at `times`: rows of the four tables.

        Each chunk has its own random stream and its own block of event, deadline and notification
        ids, so chunks can be simulated in any order or in parallel with identical results.
        """
        self.rng = random.Random(f"cases:{self.seed}:{index}")
        self.event_id = self.deadline_id = self.notification_id = index * id_block
        self.sequences = dict(sequences)
        cases = [self.make(first_id + k, reported) for k, reported in enumerate(times)]
        events, deadlines, notifications = self.take_rows()
        for name, last in (("event", self.event_id), ("deadline", self.deadline_id), ("notification", self.notification_id)):
            if last >= (index + 1) * id_block:
                raise RuntimeError(f"chunk {index} ran out of {name} ids: raise ID_BLOCK")
        return [cases, events, deadlines, notifications]

    # --- a new case ---------------------------------------------------------------------------

    def year_of(self, t: int) -> int:
        ordinal = self.clock.local_ordinal(t)
        year = self.years.get(ordinal)
        if year is None:
            year = self.years[ordinal] = dt.date.fromordinal(ordinal).year
        return year

    def make(self, case_id: int, reported: int) -> tuple:
        """Simulate one case; its events, deadlines and notifications go to the buffers."""
        rng, w, f = self.rng, self.w, self.f
        c = Case()
        c.id, c.sid = case_id, str(case_id)
        year = self.year_of(reported)
        self.sequences[year] = seq = self.sequences.get(year, 0) + 1
        c.code = f"{w.prefix}{year}{seq:06d}"
        c.cell = cell = w.cells[bisect_right(self.cell_cum, rng.random() * self.cell_cum[-1])]
        c.cat = cat = w.categories[bisect_right(self.cat_cum, rng.random() * self.cat_cum[-1])]
        path = rng.choices(self.path_names, self.path_weights)[0]
        if path == "self_handled" and not cat.self_handle:
            path = "plain"
        c.path = path
        if cell.workers and (rng.random() < 0.94 or not cell.office):
            c.reporter, c.source = rng.choice(cell.workers), (SOURCE_API if rng.random() < 0.01 else SOURCE_WORKER)
        else:
            c.reporter, c.source = rng.choice(cell.office or self.leaders_of(cell.zone_id)), SOURCE_STAFF
        severity = cat.severity
        r = rng.random()
        if r < 0.08:
            severity = SEVERITIES[min(SEVERITIES.index(severity) + 1, 3)]
        elif r < 0.13:
            severity = SEVERITIES[max(SEVERITIES.index(severity) - 1, 0)]
        c.severity = severity
        place = rng.choice(self.places)
        c.description = rng.choice(self.templates[cat.code]).format(place=place)
        c.address = self.cell_names[cell.id] + place
        c.point = rng.choice(cell.points)
        c.leader = self.leaders_of(cell.zone_id)[0]
        c.status, c.resume_status, c.dept, c.assignee, c.result = S.REPORTED, "", None, None, ""
        c.stage, c.due, c.warn, c.paused, c.esc, c.yellow_at = "", None, None, None, 0, None
        c.ext_pending, c.returns, c.reworks, c.extensions = False, 0, 0, 0
        c.reported, c.registered, c.closed, c.updated = reported, None, None, reported
        c.run, c.runs, c.keys = None, [], set()
        try:
            self.life(c)
        except Cut:
            pass
        self.sweep(c, self.now)
        if rng.random() < COMMENT_SHARE:
            t = rng.randint(c.reported, max(c.reported, min(self.now, c.updated + DAY)))
            people = [c.leader, *cell.workers[:1]]
            self.event(c, K.COMMENT, t, actor=rng.choice(people), frm=c.status, note=rng.choice(self.pools["COMMENTS"]))
        for run in c.runs:
            self.deadlines.append((
                str(run[0]), c.sid, run[1], run[2], run[3], f.ts(run[4]), f.ts(run[5]), f.ts(run[6]), f.flag(run[7]),
                f.flag(run[8]),
            ))
        return (
            c.sid, c.code, str(cat.id), c.description, c.address, c.point[0], c.point[1], str(cell.id), str(cell.community_id),
            str(cell.zone_id), c.severity, c.source, str(c.reporter), f.null, c.status, c.resume_status, f.num(c.dept),
            f.num(c.assignee), c.result, c.stage, f.ts(c.due), f.ts(c.warn), f.num(c.paused), str(c.esc), f.flag(c.ext_pending),
            str(c.returns), str(c.reworks), str(c.extensions), f.ts(c.reported), f.ts(c.registered), f.ts(c.closed),
            # No phone accuracy, intake token, idempotency key or observed time: generated, not filed.
            f.ts(c.updated), f.null, f.null, f.null, f.null,
        )

    def leaders_of(self, zone_id: int) -> list[int]:
        return self.w.zone_leaders[zone_id]

    # --- the path -----------------------------------------------------------------------------

    def life(self, c: Case) -> None:
        rng, at = self.rng, self.at
        self.report(c, c.reported)
        if c.path == "self_handled":
            t = at(self.take(c, c.reported, c.due))
            return self.move(c, K.CONFIRM, t, S.CLOSED, tell=(c.reporter,), finish=True, closed=True)
        t = at(self.take(c, c.reported, c.due))
        if c.path == "reject":
            return self.move(c, K.REJECT, t, S.REJECTED, note=rng.choice(self.pools["REJECT_REASONS"]), tell=(c.reporter,), finish=True)
        c.registered = t
        self.move(c, K.REGISTER, t, S.REGISTERED, restart=True)
        if c.path == "void" and rng.random() < 0.5:
            t = at(self.take(c, t, c.due))
            return self.move(c, K.VOID, t, S.VOID, note=rng.choice(self.pools["VOID_REASONS"]), finish=True)
        early = c.path == "suspend" and rng.random() < 0.4
        if early:
            t = self.suspension(c, at(t + rng.randint(HOUR, DAY)))
        t = at(self.take(c, t, c.due))
        wrong = [d for d in self.w.departments if d != c.cat.department_id]
        for _round in range({"return_once": 1, "return_twice": 2}.get(c.path, 0)):
            self.dispatch(c, t, rng.choice(wrong))
            if rng.random() < 0.3:
                t = at(self.office(c, t + rng.randint(600, 4 * HOUR)))
                self.accept(c, t)
            t = at(self.office(c, t + int(max(c.due - t, HOUR) * rng.uniform(0.1, 0.6))))
            self.give_back(c, t)
            if c.status == S.DISPUTED:
                break
            t = at(self.take(c, t, c.due))
        if c.status != S.DISPUTED:
            self.dispatch(c, t, c.cat.department_id)
            if c.path == "void":
                t = at(self.office(c, t + int(max(c.due - t, HOUR) * rng.uniform(0.1, 0.8))))
                return self.move(c, K.VOID, t, S.VOID, note=rng.choice(self.pools["VOID_REASONS"]), finish=True, clear_ext=True)
            if c.path == "dispute":
                t = at(self.office(c, t + int(max(c.due - t, HOUR) * rng.uniform(0.1, 0.5))))
                data = dumps({"department": c.dept})
                c.dept = c.assignee = None
                self.move(c, K.DISPUTE, t, S.DISPUTED, note=rng.choice(self.pools["DISPUTE_REASONS"]), data=data,
                          tell=self.w.street, finish=True, clear_ext=True)
        if c.status == S.DISPUTED:
            t = at(self.meeting(c, t))
            self.decide(c, t, c.cat.department_id)
        self.handling(c, t, suspend=c.path == "suspend" and not early)

    def handling(self, c: Case, t: int, *, suspend: bool) -> None:
        rng, at = self.rng, self.at
        rounds = 2 if c.path == "rework" else 1
        for k in range(rounds):
            start, due = t, c.due
            t = at(self.office(c, start + int(max(due - start, HOUR) * rng.uniform(0.02, 0.2))))
            self.accept(c, t)
            done = self.take(c, start, due)
            if c.path == "extension" and k == 0:
                t = at(t + int(max(c.due - t, HOUR) * rng.uniform(0.3, 0.9)))
                days = rng.choice((3, 5, 7))
                c.ext_pending = True
                self.pause(c, t)
                self.move(c, K.REQUEST_EXTENSION, t, None, actor=c.assignee, note=rng.choice(self.pools["EXTENSION_REASONS"]),
                          data=f'{{"days": {days}}}', tell=self.leaders(c))
                t = at(self.office(c, t + rng.randint(HOUR // 2, 8 * HOUR)))
                c.ext_pending = False
                if rng.random() < 0.85:
                    c.extensions += 1
                    self.resume(c, t, days)
                    self.move(c, K.APPROVE_EXTENSION, t, None, data=f'{{"days": {days}, "due_at": "{self.f.iso(c.due)}"}}',
                              tell=self.handlers(c))
                else:
                    self.resume(c, t)
                    self.move(c, K.REFUSE_EXTENSION, t, None, note=rng.choice(self.pools["REFUSE_REASONS"]), tell=self.handlers(c))
                done = self.take(c, t, c.due)
            if suspend and k == 0:
                t = self.suspension(c, at(t + int(max((c.due or t) - t, HOUR) * rng.uniform(0.1, 0.5))))
                done = self.take(c, t, c.due)
            t = at(max(done, t + 300))
            c.result = rng.choice(self.results.get(c.cat.domain) or self.results["urban"])
            self.move(c, K.HANDLE, t, S.HANDLED, actor=c.assignee, note=c.result, restart=True, clear_ext=True,
                      tell=(*c.cell.workers, *self.leaders(c)))
            t = at(self.take(c, t, c.due))
            verifier = rng.choice(c.cell.workers) if c.cell.workers else c.leader
            if k < rounds - 1:
                c.reworks += 1
                self.move(c, K.VERIFY_FAILED, t, S.DISPATCHED, actor=verifier, note=rng.choice(self.pools["VERIFY_FAILED_NOTES"]),
                          data=f'{{"rework": {c.reworks}}}', restart=True, tell=self.handlers(c))
            else:
                self.move(c, K.VERIFY_PASSED, t, S.VERIFIED, actor=verifier, finish=True, tell=self.leaders(c))
        t = at(self.office(c, t + rng.randint(HOUR // 2, 20 * HOUR)))
        self.move(c, K.CLOSE, t, S.CLOSED, finish=True, closed=True, tell=(c.reporter,))

    # --- moves --------------------------------------------------------------------------------

    def move(self, c: Case, kind: str, t: int, to: str | None, *, actor: int | None = -1, note: str = "", data: str = "{}",
             tell=(), restart: bool = False, finish: bool = False, closed: bool = False, clear_ext: bool = False,
             due: int | None = None) -> None:
        """One apply_action: change the status, run the clock, append the event, tell people."""
        frm = c.status
        if actor == -1:
            actor = c.leader
        if to is not None:
            c.status = to
        if clear_ext:
            c.ext_pending = False
        if closed:
            c.closed = t
        if restart:
            self.restart(c, t, due)
        elif finish:
            self.finish(c, t)
        else:
            self.sweep(c, t)
        self.event(c, kind, t, actor, frm, c.status if c.status != frm else "", note, data, tell)

    def report(self, c: Case, t: int) -> None:
        fixed = c.path == "self_handled"
        c.status = S.SELF_HANDLED if fixed else S.REPORTED
        self.restart(c, t)
        data = '{"photos": 0, "fixed_on_spot": true}' if fixed else '{"photos": 0, "fixed_on_spot": false}'
        self.event(c, K.REPORTED, t, c.reporter, "", c.status, "", data, self.leaders(c))

    def dispatch(self, c: Case, t: int, dept: int) -> None:
        c.dept, c.assignee = dept, None
        self.move(c, K.DISPATCH, t, S.DISPATCHED, data=self.dept_data[dept], restart=True, tell=self.handlers(c))

    def decide(self, c: Case, t: int, dept: int) -> None:
        """The joint meeting assigns the disputed case (a dispatch recorded as the meeting's decision)."""
        c.dept, c.assignee = dept, None
        deadline = self.clock.add(t, 10, "working_days")
        number = self.clock.local_ordinal(t) // 7 % 52 + 1
        data = dumps({
            "department": dept, "department_name": self.w.department_names[dept], "deadline": self.f.iso(deadline),
            "meeting_number": number, "cooperating": [], "cooperating_names": [],
        })
        self.move(c, K.MEETING_DECISION, t, S.DISPATCHED, actor=self.w.street[0], note=self.meeting_note, data=self.f.text(data),
                  restart=True, due=deadline, tell=self.handlers(c))

    def accept(self, c: Case, t: int) -> None:
        actor = self.handler(c)
        if c.assignee is None:
            c.assignee = actor
        self.move(c, K.ACCEPT, t, S.ACCEPTED, actor=actor)

    def give_back(self, c: Case, t: int) -> None:
        """A department returns the case as not theirs; the second return disputes it."""
        data = {"department": c.dept, "department_name": self.w.department_names[c.dept]}
        actor = c.assignee or self.handler(c)
        c.returns += 1
        c.dept = c.assignee = None
        c.ext_pending = False
        if c.returns >= 2:
            data["auto_dispute"] = True
            self.move(c, K.RETURN, t, S.DISPUTED, actor=actor, note=self.rng.choice(self.pools["RETURN_REASONS"]),
                      data=self.f.text(dumps(data)), finish=True, tell=self.leaders(c))
            self.event(c, K.AUTO_DISPUTE, t, None, "", "", "", f'{{"returns": {c.returns}}}', self.w.street)
        else:
            self.move(c, K.RETURN, t, S.REGISTERED, actor=actor, note=self.rng.choice(self.pools["RETURN_REASONS"]),
                      data=self.f.text(dumps(data)), restart=True, tell=self.leaders(c))

    def suspension(self, c: Case, t: int) -> int:
        """Suspend (挂账) now, resume days or weeks later; returns the time of the resume."""
        c.resume_status = c.status
        self.pause(c, t)
        self.move(c, K.SUSPEND, t, S.SUSPENDED, note=self.rng.choice(self.pools["SUSPEND_REASONS"]))
        t = self.at(self.office(c, t + self.rng.randint(2 * DAY, 45 * DAY)))
        status, c.resume_status = c.resume_status or S.REGISTERED, ""
        self.resume(c, t)
        self.move(c, K.RESUME, t, status)
        return t
