"""The joint interview (联合约谈): refusals, the meeting's proposal, and the one door that moves it.

- `record_refusal`: a thin wrapper of the hazard's `refuse` action (the one door,
  `apply_hazard_action`; its rules in inspections.services.rectification): the demo's and tests'
  way to record a refusal. One open refusal per hazard: recording it again returns the open one.
- `hazards_awaiting_interview` (inspections.services.refusals): the hazards with an open refusal,
  what the joint meeting's hazard subject puts on the agenda ("interview proposed").
- `propose_interview` / `refer_for_enforcement`: what the meeting's decision does (called by the
  hazard subject inside the publication's transaction); either one closes the open refusal.
- `apply_interview_action`: every later step through `INTERVIEW_WORKFLOW` on `casework.engine`
  (steps in inspections.services.interview_steps).

When a refusal is open: inspections.services.refusals.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import engine, parsers
from casework.errors import Forbidden, Refused
from casework.numbering import next_number
from grids.choices import DepartmentKind
from grids.models import Department, User
from grids.notifications import notify
from grids.people import department_handlers
from inspections.choices import HazardAction, HazardEventKind
from inspections.interview_choices import Body, InterviewAction, InterviewEventKind, InterviewStatus
from inspections.models import (
    Hazard,
    HazardEvent,
    InterviewEvent,
    InterviewParticipant,
    InterviewSequence,
    JointInterview,
)
from inspections.services.hazards import apply_hazard_action
from inspections.services.hazards import record as record_hazard_event
from inspections.services.interview_steps import INTERVIEW_WORKFLOW, record, tell
from inspections.services.refusals import ENDED_STATUSES, RESOLVING_KINDS, hazards_awaiting_interview, open_refusal

PREFIX = "YT"


def interview_code(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:04d}"


# --- refusals: the `refuse` action of the hazard's table ------------------------------------------

def record_refusal(hazard, *, reason: str, evidence: str, actor, evidence_file=None,
                   now: datetime | None = None) -> HazardEvent:
    """Record that the enterprise refused to rectify `hazard`: the `refuse` action through
    `apply_hazard_action` (`reason` a RefusalGround, `evidence_file` an optional photo). While a
    refusal is open, recording again returns it unchanged (the action's guard refuses a second)."""
    visible = Hazard.objects.visible_to(actor).filter(pk=parsers.pk_of(hazard)).first()
    existing = open_refusal(visible) if visible is not None else None
    if existing is not None:
        return existing
    photos = [evidence_file] if evidence_file not in (None, "") else []
    with transaction.atomic():
        hazard = apply_hazard_action(parsers.pk_of(hazard), actor=actor, action=HazardAction.REFUSE,
                                     params={"ground": reason, "evidence": evidence}, photos=photos, now=now)
        return open_refusal(hazard)


# --- what the joint meeting decides -------------------------------------------------------------

def _safety_office() -> Department | None:
    return Department.objects.filter(kind=DepartmentKind.SAFETY, is_active=True).order_by("sort", "pk").first()


def _seat(interview: JointInterview, body: str, department: Department, position: int) -> InterviewParticipant:
    return InterviewParticipant(interview=interview, body=body, name=department.name, organisation=department.name,
                                department=department, position=position)


def propose_interview(hazards, *, organiser, actor, hold_by: datetime | None = None, note: str = "",
                      meeting_id: int | None = None, meeting_title: str = "", decision_id: int | None = None,
                      now: datetime | None = None) -> JointInterview:
    """A joint interview of the hazards' enterprise, organised by `organiser`, as the meeting decided.

    Called inside the meeting's publication; idempotent per decision (a second call returns the
    interview already proposed). The safety office, the organiser and the hazards' responsible
    departments get a seat; the procuratorate and police are added when it is scheduled.
    """
    now = now or timezone.now()
    hazards = list(Hazard.objects.select_for_update(of=("self",)).select_related("enterprise")
                   .filter(pk__in=[parsers.pk_of(h) for h in hazards]).order_by("pk"))
    if not hazards:
        raise ValidationError({"hazards": _("Choose the hazards the interview is about.")})
    if len({h.enterprise_id for h in hazards}) != 1:
        raise ValidationError({"hazards": _("One interview concerns one enterprise.")})
    if decision_id is not None:
        existing = JointInterview.objects.filter(decision_id=decision_id).first()
        if existing is not None:
            return existing
    organiser = parsers.one_of(organiser, Department.objects.filter(is_active=True), field="organiser",
                               missing=_("Choose the organiser."), unknown=_("Unknown department."))
    enterprise = hazards[0].enterprise
    year = timezone.localtime(now).year
    interview = JointInterview.objects.create(
        code=interview_code(year, next_number(InterviewSequence, prefix=PREFIX, year=year)), enterprise=enterprise,
        organiser=organiser, meeting_id=meeting_id, decision_id=decision_id, meeting_title=meeting_title[:100],
        hold_by=hold_by, proposal_note=parsers.text(note, field="note", label=_("Note")), proposed_at=now, proposed_by=actor,
        principal_name=enterprise.principal or enterprise.legal_representative,
        reason=_("Refusal to rectify major hazards %(codes)s.") % {"codes": "、".join(h.code for h in hazards)},
    )
    interview.hazards.set(hazards)
    seats, seen = [], set()
    safety = _safety_office()
    for body, department in [(Body.SAFETY_OFFICE, safety), (Body.DEPARTMENT, organiser),
                             *((Body.DEPARTMENT, h.department) for h in hazards)]:
        if department is not None and department.pk not in seen:
            seen.add(department.pk)
            seats.append(_seat(interview, Body.SAFETY_OFFICE if department.kind == DepartmentKind.SAFETY else body,
                               department, len(seats) + 1))
    InterviewParticipant.objects.bulk_create(seats)
    event = record(interview, InterviewEventKind.PROPOSE, actor=actor, to_status=InterviewStatus.PROPOSED, note=interview.proposal_note,
                   data={"meeting": meeting_id, "meeting_title": meeting_title, "decision": decision_id,
                         "hazards": [h.pk for h in hazards]}, at=now)
    for hazard in hazards:
        record_hazard_event(hazard, HazardEventKind.INTERVIEW_PROPOSED, actor=actor, note=interview.code,
                            data={"interview": interview.pk, "meeting": meeting_id, "meeting_title": meeting_title}, at=now)
    tell(department_handlers(organiser.pk, None) + (department_handlers(safety.pk, None) if safety else []), interview, event)
    return interview


def refer_for_enforcement(hazard, *, department, actor, deadline: datetime | None = None, note: str = "",
                          meeting_id: int | None = None, meeting_title: str = "", decision_id: int | None = None,
                          now: datetime | None = None) -> HazardEvent:
    """The meeting referred the refusal to `department` for enforcement (停产停业 and the like):
    a decision event on the hazard (which closes the open refusal) and the department is told."""
    now = now or timezone.now()
    try:
        hazard = Hazard.objects.select_for_update(of=("self",)).get(pk=parsers.pk_of(hazard))
    except (Hazard.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    department = parsers.one_of(department, Department.objects.filter(is_active=True), field="lead_department",
                                missing=_("Choose the department."), unknown=_("Unknown department."))
    event = record_hazard_event(
        hazard, HazardEventKind.MEETING_DECISION, actor=actor, note=parsers.text(note, field="note", label=_("Note")),
        data={"action": "refer", "department": department.pk, "department_name": department.name, "meeting": meeting_id,
              "meeting_title": meeting_title, "decision": decision_id,
              "deadline": deadline.isoformat() if deadline else None}, at=now)
    recipients = set(department_handlers(department.pk, hazard.zone_id)) - {actor.pk}
    notify(recipients, kind="hazard_meeting_decision",
           title=_("%(code)s: referred to your department for enforcement (%(meeting)s)") % {
               "code": hazard.code, "meeting": meeting_title},
           body=event.note, url=reverse("inspections:hazard-detail", args=[hazard.pk]), key=f"hazard-event:{event.pk}")
    return event


# --- participants and the steps -----------------------------------------------------------------

def _runs(actor, interview: JointInterview) -> bool:
    """Who may seat participants: whoever may take the interview's steps (the workflow's guard)."""
    return engine.refusal(INTERVIEW_WORKFLOW, actor, interview, InterviewAction.COMMENT) is None


def _lock(pk, actor) -> JointInterview:
    return engine.lock(INTERVIEW_WORKFLOW, pk, actor)


@transaction.atomic
def add_participant(pk, *, actor, body: str, name: str = "", organisation: str = "", department=None, user=None,
                    now: datetime | None = None) -> InterviewParticipant:
    """Seat a participant (before the interview is held). A login (`user`) is told of the notice and
    sees the dossier; the procuratorate's and police's are Role.EXTERNAL users."""
    now = now or timezone.now()
    interview = _lock(pk, actor)
    if not _runs(actor, interview):
        raise Forbidden(_("Only the organiser, the safety office or the street office may do this."))
    if interview.status not in (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED):
        raise Refused(_("Participants are seated before the interview is held."))
    if body not in Body.values:
        raise ValidationError({"body": _("Choose one of the offered values.")})
    department = parsers.one_of(department, Department.objects.filter(is_active=True), field="department", required=False,
                                missing="", unknown=_("Unknown department."))
    user = parsers.one_of(user, User.objects.filter(is_active=True), field="user", required=False, missing="",
                          unknown=_("Unknown user."))
    if user is not None and interview.participants.filter(user=user).exists():
        raise Refused(_("%(name)s is already a participant.") % {"name": user.display_name}, code="duplicate")
    name = parsers.text(name, field="name", label=_("Name"), max_length=60) or (
        user.display_name if user else (department.name if department else ""))
    if not name:
        raise ValidationError({"name": _("%(field)s is required.") % {"field": _("Name")}})
    seat = InterviewParticipant.objects.create(
        interview=interview, body=body, name=name, department=department, user=user,
        organisation=parsers.text(organisation, field="organisation", label=_("Organisation"), max_length=100)
        or (department.name if department else ""),
        position=(interview.participants.count() + 1))
    record(interview, InterviewEventKind.PARTICIPANT, actor=actor, note=f"{seat.get_body_display()} {seat.name}",
           data={"participant": seat.pk, "body": body, "user": user.pk if user else None}, at=now)
    if user is not None and interview.notice_sent_at is not None:
        # Seated after the notice went out: they receive it now.
        tell([user.pk], interview, interview.events.filter(kind=InterviewEventKind.SCHEDULE).order_by("-created_at").first())
    return seat


def available_interview_actions(actor, interview: JointInterview) -> list[str]:
    return engine.available_actions(INTERVIEW_WORKFLOW, actor, interview)


def apply_interview_action(pk, *, actor, action: str, params: dict | None = None, now: datetime | None = None
                           ) -> JointInterview:
    """Take `action` on an interview: Http404 (not visible), Refused (409), ValidationError (400)."""
    return engine.apply(INTERVIEW_WORKFLOW, pk, actor=actor, action=action, params=params, now=now)


def interview_timeline(interview: JointInterview):
    return InterviewEvent.objects.filter(interview=interview).select_related("actor").order_by("created_at", "pk")


__all__ = [
    "ENDED_STATUSES", "INTERVIEW_WORKFLOW", "RESOLVING_KINDS", "add_participant", "apply_interview_action",
    "available_interview_actions", "hazards_awaiting_interview", "interview_timeline", "open_refusal",
    "propose_interview", "record_refusal", "refer_for_enforcement",
]
