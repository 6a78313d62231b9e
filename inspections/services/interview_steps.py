"""The joint interview's steps on the shared engine: `INTERVIEW_WORKFLOW` is the table
(inspections.interview_choices.INTERVIEW_TRANSITIONS), its handlers and its guard.

schedule (notice: time, place, reason, materials; participants with a login are told) → hold
(attendance, the principal in person or a flagged stand-in, 约谈记录, 纪要 sent) → commit (the
signed 整改承诺书: items with deadlines and the scan; the follow-up report's clock starts: 5
working days on the work calendar, a StageClock run as data) → report (received; the clock
stops, on time or late) → recheck → close with the outcome (the trigger hazards' timelines say so).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine, parsers
from casework.choices import Escalation, LimitKind
from casework.clock import Limit, StageClock
from casework.engine import Move, Step
from casework.ladder import Ladder, standard_rungs, sweep
from grids.choices import DepartmentKind, Role
from grids.models import Department
from grids.notifications import Note, notify, notify_many
from grids.people import department_handlers_by_zone, street_office
from inspections.choices import HazardEventKind
from inspections.interview_choices import (
    FOLLOW_UP_RED_AFTER_DAYS,
    FOLLOW_UP_STAGE,
    FOLLOW_UP_WORKING_DAYS,
    INTERVIEW_TRANSITIONS,
    InterviewAction,
    InterviewEventKind,
    InterviewStatus,
    Outcome,
)
from inspections.models import (
    CommitmentItem,
    InterviewDeadline,
    InterviewEvent,
    InterviewParticipant,
    JointInterview,
    is_safety_office,
)
from inspections.services.hazards import record as record_hazard_event

MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_COMMITMENTS = 30
# What a scan of the signed commitment may be: PDF, JPEG or PNG, told by its first bytes.
SCAN_MAGIC = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}

INTERVIEW_CLOCK = StageClock(
    run_model=InterviewDeadline, owner_field="interview", runs="deadlines",
    limit_of=lambda interview, stage: Limit(Decimal(FOLLOW_UP_WORKING_DAYS), LimitKind.WORKING_DAYS),
    stage_of_status={InterviewStatus.FOLLOW_UP: FOLLOW_UP_STAGE},
)


def record(interview: JointInterview, kind: str, *, actor=None, from_status="", to_status="", note="", data=None,
           at) -> InterviewEvent:
    return InterviewEvent.objects.create(interview=interview, kind=kind, actor=actor, from_status=from_status,
                                         to_status=to_status, note=note, data=data or {}, created_at=at)


def tell(recipients, interview: JointInterview, event: InterviewEvent | None) -> None:
    if event is None:
        return
    ids = {int(r) for r in recipients if r}
    ids.discard(event.actor_id)
    body = interview.enterprise.name
    if event.kind == InterviewEventKind.SCHEDULE and interview.scheduled_at:
        body = _("%(enterprise)s. %(time)s at %(place)s.") % {
            "enterprise": interview.enterprise.name, "place": interview.place,
            "time": timezone.localtime(interview.scheduled_at).strftime("%Y-%m-%d %H:%M")}
    notify(ids, kind=f"interview_{event.kind}", title=f"{interview.code}: {InterviewEventKind(event.kind).label}",
           body=body, url=reverse("inspections:interview-detail", args=[interview.pk]), key=f"interview-event:{event.pk}")


def participant_users(interview: JointInterview) -> list[int]:
    return [pk for pk in interview.participants.exclude(user__isnull=True).values_list("user_id", flat=True)]


def _guard(actor, interview: JointInterview, action: str) -> str | None:
    if actor.role == Role.DEPARTMENT and not is_safety_office(actor) and actor.department_id != interview.organiser_id:
        return _("Only the organiser, the safety office or the street office may do this.")
    if action == InterviewAction.RECHECK and interview.report_received_at is None:
        return _("Receive the follow-up report before the recheck.")
    return None


def _text(params, name: str, label: str, *, required: bool = True, max_length: int = 5000) -> str:
    return parsers.text(params.get(name), field=name, label=label, required=required, max_length=max_length)


def _schedule(step: Step) -> Move:
    interview, params = step.obj, step.params
    interview.scheduled_at = parsers.future_datetime(params.get("scheduled_at"), field="scheduled_at", now=step.now)
    if interview.scheduled_at is None:
        raise ValidationError({"scheduled_at": _("Enter a date and time, e.g. 2026-12-01T17:30.")})
    interview.place = _text(params, "place", _("Place"), max_length=200)
    interview.reason = _text(params, "reason", _("Reason"))
    interview.materials = _text(params, "materials", _("Materials to bring"))
    resent = interview.notice_sent_at is not None
    interview.notice_sent_at = step.now
    data = {"scheduled_at": interview.scheduled_at.isoformat(), "place": interview.place, "resent": resent}
    return Move(InterviewEventKind.SCHEDULE, _text(params, "note", _("Note"), required=False), data,
                tell=tuple(participant_users(interview)))


def _ids(value) -> set[int]:
    if value in (None, ""):
        return set()
    values = value if isinstance(value, list | tuple | set) else str(value).split(",")
    try:
        return {parsers.pk_of(v) for v in values if str(v).strip()}
    except ValueError:
        raise ValidationError({"attended": _("A list of participant ids.")}) from None


def _hold(step: Step) -> Move:
    interview, params = step.obj, step.params
    seats = list(interview.participants.all())
    attended = _ids(params.get("attended"))
    if attended - {s.pk for s in seats}:
        raise ValidationError({"attended": _("Unknown participant.")})
    for seat in seats:
        seat.attended = seat.pk in attended
    InterviewParticipant.objects.bulk_update(seats, ["attended"])
    interview.attendee_name = _text(params, "attendee_name", _("Attended for the enterprise"), max_length=60)
    in_person = params.get("principal_in_person")
    if in_person in (None, ""):
        in_person = bool(interview.principal_name) and interview.attendee_name == interview.principal_name
    interview.principal_in_person = parsers.boolean(in_person, field="principal_in_person")
    interview.record = _text(params, "record", _("Record"), max_length=20000)
    interview.minutes = _text(params, "minutes", _("Minutes"), max_length=20000)
    interview.held_at = step.now
    interview.minutes_sent_at = step.now
    data = {"attended": sorted(attended), "attendee_name": interview.attendee_name,
            "principal_in_person": interview.principal_in_person, "stand_in": interview.stand_in}
    note = _("The principal did not attend in person: %(name)s stood in.") % {"name": interview.attendee_name} \
        if interview.stand_in else ""
    return Move(InterviewEventKind.HOLD, note, data, tell=tuple(participant_users(interview)))


def _commitment_rows(value) -> list[tuple[str, dt.date]]:
    """A list of {text, deadline}, or lines "YYYY-MM-DD what is promised" (the page's textarea)."""
    if isinstance(value, str):
        rows = []
        for line in value.splitlines():
            line = line.strip()
            if line:
                day, _sep, text = line.partition(" ")
                rows.append({"deadline": day, "text": text})
        value = rows
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError({"items": _("List what the enterprise commits to, each with its deadline.")})
    if len(value) > MAX_COMMITMENTS:
        raise ValidationError({"items": _("At most %(n)s items.") % {"n": MAX_COMMITMENTS}})
    rows = []
    for row in value:
        if not isinstance(row, dict):
            raise ValidationError({"items": _("Each item has a text and a deadline.")})
        text = parsers.text(row.get("text"), field="items", label=_("Commitment"), required=True, max_length=500)
        try:
            deadline = parse_date(str(row.get("deadline") or "").strip())
        except ValueError:
            deadline = None
        if deadline is None:
            raise ValidationError({"items": _("Each item needs a deadline as YYYY-MM-DD.")})
        rows.append((text, deadline))
    return rows


def _scan(upload):
    if upload in (None, ""):
        raise ValidationError({"scan": _("Attach the scan of the signed commitment.")})
    if (getattr(upload, "size", 0) or 0) > MAX_SCAN_BYTES:
        raise ValidationError({"scan": _("At most 10 MB.")})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in SCAN_MAGIC):
        raise ValidationError({"scan": _("A PDF, JPEG or PNG file.")})
    return upload


def scan_content_type(fieldfile) -> str:
    with fieldfile.open("rb") as handle:
        head = handle.read(8)
    return next((kind for magic, kind in SCAN_MAGIC.items() if head.startswith(magic)), "application/octet-stream")


def _commit(step: Step) -> Move:
    interview, params = step.obj, step.params
    rows = _commitment_rows(params.get("items"))
    today = timezone.localdate(step.now)
    if any(deadline < today for _text_, deadline in rows):
        raise ValidationError({"items": _("A commitment's deadline cannot be in the past.")})
    interview.commitment_signed_by = _text(params, "signed_by", _("Signed by"), max_length=60)
    scan = _scan(params.get("scan"))
    interview.commitment_signed_at = step.now
    CommitmentItem.objects.bulk_create(
        CommitmentItem(interview=interview, text=text, deadline=deadline, position=i) for i, (text, deadline) in enumerate(rows, 1))
    INTERVIEW_CLOCK.start(interview, FOLLOW_UP_STAGE, step.now)
    # Last, once everything else passed: the file is written to storage before the commit.
    interview.commitment_scan.save(getattr(scan, "name", "commitment.pdf") or "commitment.pdf", scan, save=False)
    data = {"items": len(rows), "signed_by": interview.commitment_signed_by, "report_due": interview.due_at.isoformat()}
    return Move(InterviewEventKind.COMMIT, "", data)


def _report(step: Step) -> Move:
    interview = step.obj
    if interview.report_received_at is not None:
        raise ValidationError({"report": _("The follow-up report was received already.")})
    interview.report = _text(step.params, "report", _("Follow-up report"), max_length=20000)
    interview.report_received_at = step.now
    interview.report_on_time = interview.due_at is None or step.now <= interview.due_at
    INTERVIEW_CLOCK.finish(interview, step.now)
    return Move(InterviewEventKind.REPORT, "", {"on_time": interview.report_on_time})


def _recheck(step: Step) -> Move:
    interview, params = step.obj, step.params
    interview.recheck_passed = parsers.boolean(params.get("passed", ""), field="passed")
    interview.recheck_note = _text(params, "note", _("Recheck findings"))
    interview.rechecked_at = step.now
    return Move(InterviewEventKind.RECHECK, interview.recheck_note, {"passed": interview.recheck_passed})


def _close(step: Step) -> Move:
    interview, params = step.obj, step.params
    outcome = params.get("outcome")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    interview.outcome = outcome
    interview.outcome_note = _text(params, "note", _("Note"), required=False)
    interview.closed_at = step.now
    for hazard in interview.hazards.all():
        record_hazard_event(hazard, HazardEventKind.INTERVIEW_CLOSED, actor=step.actor, note=interview.outcome_note,
                            data={"interview": interview.pk, "outcome": outcome,
                                  "outcome_label": str(Outcome(outcome).label)}, at=step.now)
    return Move(InterviewEventKind.CLOSE, interview.outcome_note, {"outcome": outcome},
                tell=tuple(participant_users(interview)))


def _comment(step: Step) -> Move:
    return Move(InterviewEventKind.COMMENT, _text(step.params, "note", _("Comment")))


INTERVIEW_WORKFLOW = engine.Workflow(
    model=JointInterview,
    transitions=INTERVIEW_TRANSITIONS,
    handlers={
        InterviewAction.SCHEDULE: _schedule, InterviewAction.HOLD: _hold, InterviewAction.COMMIT: _commit,
        InterviewAction.REPORT: _report, InterviewAction.RECHECK: _recheck, InterviewAction.CLOSE: _close,
        InterviewAction.COMMENT: _comment,
    },
    role_of=lambda actor: Role.ADMIN if actor.is_superuser else actor.role,
    action_label=lambda action: InterviewAction(action).label,
    status_label=lambda status: InterviewStatus(status).label,
    guard=_guard,
    record=record,
    notify=tell,
    select_related=("enterprise",),
    save_fields=[
        "status", "scheduled_at", "place", "reason", "materials", "notice_sent_at", "attendee_name", "principal_in_person",
        "held_at", "record", "minutes", "minutes_sent_at", "commitment_signed_by", "commitment_signed_at", "commitment_scan",
        "report", "report_received_at", "report_on_time", "rechecked_at", "recheck_passed", "recheck_note", "outcome",
        "outcome_note", "closed_at", "stage", "due_at", "warn_at", "paused_remaining", "escalation", "updated_at",
    ],
    not_now=gettext_lazy("“%(action)s” is not possible while the interview is %(status)s."),
    wrong_role=gettext_lazy("Your role may not “%(action)s” this interview."),
)
INTERVIEW_WORKFLOW.check()


# --- the follow-up report's ladder ---------------------------------------------------------------

def _ladder_recipients(rung, rows) -> dict[int, list[int]]:
    """The organiser's handlers and the safety office; at red the street office as well."""
    safety_ids = list(Department.objects.filter(kind=DepartmentKind.SAFETY, is_active=True).values_list("pk", flat=True))
    pairs = {(department_id, None) for department_id in {row.organiser_id for row in rows} | set(safety_ids)}
    handlers = department_handlers_by_zone(pairs)  # one query for every organiser of the batch
    safety = [pk for department_id in safety_ids for pk in handlers[department_id, None]]
    street = street_office() if rung.level >= Escalation.RED else []
    return {row.pk: [*handlers[row.organiser_id, None], *safety, *street] for row in rows}


INTERVIEW_LADDER = Ladder(
    model=JointInterview, event_model=InterviewEvent, event_owner="interview_id", columns=("organiser_id",),
    recipients=_ladder_recipients, note=Note, notify=notify_many,
    url_of=lambda: (lambda pk: reverse("inspections:interview-detail", args=[pk])),
)
LADDER_EVENTS = {Escalation.WARNING: InterviewEventKind.REPORT_DUE_SOON, Escalation.YELLOW: InterviewEventKind.REPORT_OVERDUE,
                 Escalation.RED: InterviewEventKind.REPORT_RED}
LADDER_TITLES = {
    Escalation.WARNING: gettext_lazy("%(code)s: the follow-up report is due soon"),
    Escalation.YELLOW: gettext_lazy("%(code)s: the follow-up report is overdue"),
    Escalation.RED: gettext_lazy("%(code)s: the follow-up report is still overdue"),
}


def sweep_interview_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat's sweep of the follow-up reports' clocks (casework.ladder): idempotent, concurrent-safe,
    catches up after a day down; returns how many interviews moved per rung."""
    rungs = standard_rungs(events=LADDER_EVENTS, titles=LADDER_TITLES, red_after=dt.timedelta(days=FOLLOW_UP_RED_AFTER_DAYS))
    return sweep(INTERVIEW_LADDER, rungs, now=now or timezone.now())
