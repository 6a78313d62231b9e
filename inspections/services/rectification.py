"""The hazard's rectification loop: the handlers and guard of the loop's actions in
`HAZARD_WORKFLOW` (inspections.services.hazards applies them through casework.engine), the
deadline's clock on the shared StageClock (the after-photo checks: inspections.services.evidence).

The deadline is data. A notice sets it (working days on the work calendar); it runs while the
enterprise rectifies (notified, rectifying) and keeps running through a failed recheck; it moves
only when an extension is approved (`decide_extension`), never through an edit. An after-photo
taken too far from the enterprise or before the notice is stored with its flag, and a request to
close with no unflagged photo is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.calendar import load_calendar
from casework.choices import LimitKind
from casework.clock import Limit, StageClock
from casework.engine import Move, Step
from casework.numbering import next_number
from casework.photos import save_cleaned
from grids.choices import Role
from grids.models import Department
from grids.people import department_handlers, street_office, zone_leaders
from inspections.choices import (
    Decision,
    HazardAction,
    HazardEventKind,
    HazardLevel,
    HazardStatus,
    RecheckResult,
    RectificationMode,
    RefusalGround,
    SignatureKind,
)
from inspections.models import (
    Extension,
    GovernancePlan,
    Hazard,
    HazardDeadline,
    NoticeSequence,
    Recheck,
    RectificationNotice,
    Referral,
    ResumeRequest,
    is_safety_office,
)
from inspections.services.evidence import evidence_rows, signature_file
from inspections.services.refusals import open_refusal

A = HazardAction
NOTICE_PREFIX = "ZG"
MAX_DAYS = 365
STAGE = "rectify"


def recheck_working_days() -> int:
    return int(getattr(settings, "RECHECK_WORKING_DAYS", 3))


def referral_feedback_working_days() -> int:
    return int(getattr(settings, "REFERRAL_FEEDBACK_WORKING_DAYS", 5))


def red_after_working_days() -> int:
    return int(getattr(settings, "HAZARD_RED_AFTER_WORKING_DAYS", 5))


def resume_review_days() -> int:
    return int(getattr(settings, "RESUME_REVIEW_DAYS", 10))


# --- the deadline's clock ------------------------------------------------------------------------

def _notice_limit(hazard: Hazard, stage: str) -> Limit | None:
    days = hazard.notice.working_days if hazard.notice_id else hazard.rectification_days
    return Limit(Decimal(days), LimitKind.WORKING_DAYS, warn_before_days=1)


HAZARD_CLOCK = StageClock(
    run_model=HazardDeadline, owner_field="hazard", runs="deadlines", limit_of=_notice_limit,
    stage_of_status={HazardStatus.NOTIFIED: STAGE, HazardStatus.RECTIFYING: STAGE},
)


def red_at(hazard: Hazard, due: datetime, cal=None) -> datetime:
    """A major hazard overdue is red at once; a general one 5 working days after its deadline."""
    if hazard.level == HazardLevel.MAJOR:
        return due
    return (cal or load_calendar()).add(due, red_after_working_days(), LimitKind.WORKING_DAYS)


def stop_clocks(hazard: Hazard, now: datetime) -> None:
    """The hazard leaves the loop (closed, void): its deadline stops, with whether it was kept."""
    HAZARD_CLOCK.finish(hazard, now)
    hazard.red_at = None
    hazard.recheck_due_at = None


# --- input -----------------------------------------------------------------------------------------

def _note(params, name="note", *, required=False, label=None, max_length=parsers.MAX_TEXT) -> str:
    return parsers.text(params.get(name), field=name, label=label or _("Note"), required=required, max_length=max_length)


def _days(value, field="working_days") -> int:
    return parsers.whole_number(value, field=field, low=1, high=MAX_DAYS, not_a_number=_("Enter a whole number of days."),
                                out_of_range=_("Between 1 and %(max)s days.") % {"max": MAX_DAYS})


def _yes(params, name="approve") -> bool:
    if params.get(name) in (None, ""):
        raise ValidationError({name: _("Say yes or no.")})
    return parsers.boolean(params.get(name), field=name)


# --- the notice --------------------------------------------------------------------------------

def new_notice(*, enterprise, actor, params: dict, now: datetime) -> RectificationNotice:
    """An issued (not yet served) notice for `enterprise`, its deadline on the work calendar."""
    mode = params.get("mode") or RectificationMode.DEADLINE
    if mode not in RectificationMode.values:
        raise ValidationError({"mode": _("Choose one of the offered values.")})
    days = 1 if mode == RectificationMode.IMMEDIATE and params.get("working_days") in (None, "") else _days(params.get("working_days"))
    notice = RectificationNotice(
        enterprise=enterprise, issuer=actor, issued_at=now, mode=mode, working_days=days,
        due_at=load_calendar().add(now, days, LimitKind.WORKING_DAYS),
        responsible_person=parsers.text(params.get("responsible_person"), field="responsible_person",
                                        label=_("Responsible person"), required=True, max_length=60),
        measures=_note(params, "measures", required=True, label=_("Measures")),
        funds=parsers.money(params.get("funds"), field="funds"),
        time_limit=_note(params, "time_limit", required=True, label=_("Time limit"), max_length=200),
        emergency_plan=_note(params, "emergency_plan", required=True, label=_("Emergency plan")),
    )
    year = timezone.localtime(now).year
    notice.number = f"{NOTICE_PREFIX}-{year}-{next_number(NoticeSequence, prefix=NOTICE_PREFIX, year=year):06d}"
    notice.save()
    return notice


# --- the guard --------------------------------------------------------------------------------------

def _open_recheck(hazard: Hazard) -> Recheck | None:
    return hazard.rechecks.filter(result=RecheckResult.PENDING).order_by("-pk").first()


def closing_conditions(hazard: Hazard) -> list[str]:
    """What a major hazard still lacks before it may close (empty: nothing; a general hazard: nothing)."""
    if hazard.level != HazardLevel.MAJOR:
        return []
    missing = []
    plan = GovernancePlan.objects.filter(hazard=hazard).first()
    if plan is None or not plan.complete:
        missing.append(_("the six-part governance plan"))
    if plan is None or not plan.evaluated:
        missing.append(_("the evaluation report"))
    if hazard.production_halted and not hazard.resume_requests.filter(decision=Decision.APPROVED).exists():
        missing.append(_("an approved request to resume production"))
    return missing


def loop_guard(actor, hazard: Hazard, action: str) -> str | None:
    """The loop's rules beyond the table: who among departments, and what the hazard's data allows."""
    safety = actor.role != Role.DEPARTMENT or is_safety_office(actor)
    if action == A.REFERRAL_FEEDBACK:
        referral = hazard.referrals.filter(feedback_at__isnull=True).first()
        if referral is None:
            return _("No referral awaits feedback.")
        if not safety and actor.department_id != referral.department_id:
            return _("Only the department referred to, the safety office or the street office may do this.")
        return None
    if action in (A.NOTIFY, A.SERVE, A.START_RECHECK, A.PASS_RECHECK, A.FAIL_RECHECK, A.CLOSE_ON_SPOT, A.DECIDE_EXTENSION,
                  A.REFER, A.PLAN, A.DECIDE_RESUME, A.REFUSE, A.EDIT) and not safety:
        return _("Only the safety office or the street office may do this.")
    if action == A.CLOSE_ON_SPOT and hazard.level == HazardLevel.MAJOR:
        return _("A major hazard cannot be closed on the spot.")
    if action == A.PLAN and hazard.level != HazardLevel.MAJOR:
        return _("Only a major hazard has a governance plan.")
    if action == A.REFUSE:
        if hazard.level != HazardLevel.MAJOR:
            return _("A refusal is recorded on a confirmed major hazard.")
        if open_refusal(hazard) is not None:
            return _("A refusal is already open: the joint meeting decides on it first.")
    if action in (A.PASS_RECHECK, A.FAIL_RECHECK):
        recheck = _open_recheck(hazard)
        if recheck is None or not (actor.is_superuser or recheck.reviewers.filter(pk=actor.pk).exists()):
            return _("Only a reviewer of this recheck may record its result.")
        if action == A.PASS_RECHECK:
            missing = closing_conditions(hazard)
            if missing:
                return _("A major hazard cannot close without %(missing)s.") % {"missing": _(", ").join(missing)}
    pending_extension = hazard.extension_rows.filter(decision=Decision.PENDING).exists()
    if action == A.REQUEST_EXTENSION and pending_extension:
        return _("An extension request is already pending.")
    if action == A.DECIDE_EXTENSION and not pending_extension:
        return _("No extension request is pending.")
    if action == A.REFER and hazard.referrals.filter(feedback_at__isnull=True).exists():
        return _("The hazard is already referred and awaits feedback.")
    if action in (A.APPLY_RESUME, A.DECIDE_RESUME):
        if not hazard.production_halted:
            return _("Production was not halted.")
        requests = hazard.resume_requests.all()
        if action == A.APPLY_RESUME and requests.filter(decision__in=[Decision.PENDING, Decision.APPROVED]).exists():
            return _("A resume request is already pending or approved.")
        if action == A.DECIDE_RESUME and not requests.filter(decision=Decision.PENDING).exists():
            return _("No resume request is pending.")
    return None


# --- the handlers ----------------------------------------------------------------------------------

def _start_deadline(hazard: Hazard, now: datetime, due: datetime) -> None:
    HAZARD_CLOCK.start(hazard, STAGE, now, due_at=due)
    hazard.red_at = red_at(hazard, due)


def _notify(step: Step) -> Move:
    hazard, params = step.obj, step.params
    notice = params.get("_notice") or new_notice(enterprise=hazard.enterprise, actor=step.actor, params=params, now=step.now)
    if notice.enterprise_id != hazard.enterprise_id:
        raise ValidationError({"hazards": _("One notice covers hazards of one enterprise.")})
    hazard.notice, hazard.mode = notice, notice.mode
    hazard.production_halted = notice.mode == RectificationMode.HALT
    _start_deadline(hazard, step.now, notice.due_at)
    hazard.first_due_at = notice.due_at
    tell = [*zone_leaders(hazard.zone_id)]
    if hazard.level == HazardLevel.MAJOR:
        tell += street_office()
    return Move(HazardEventKind.NOTIFIED, _note(params), {"notice": notice.number, "mode": notice.mode,
                                                          "due_at": notice.due_at.isoformat()}, tell=tuple(tell))


def _serve(step: Step) -> Move:
    hazard, params = step.obj, step.params
    notice = hazard.notice
    if notice.served_at is None:
        signature = signature_file(params.get("signature"))
        if signature is None and not params.get("_photos"):
            raise ValidationError({"signature": _("Add the recipient's signature or a photo of the signed notice.")})
        notice.served_at = step.now
        notice.served_to = parsers.text(params.get("served_to"), field="served_to", label=_("Received by"), max_length=60)
        notice.service_kind = SignatureKind.DRAWN if signature is not None else SignatureKind.FORM_PHOTO
        if signature is not None:
            save_cleaned(notice.service_proof, signature)
        notice.save(update_fields=["served_at", "served_to", "service_kind", "service_proof"])
    return Move(HazardEventKind.SERVED, _note(params), {"notice": notice.number, "served_to": notice.served_to})


def _submit(step: Step) -> Move:
    hazard = step.obj
    rows = evidence_rows(step, required=True, since=hazard.notice.issued_at if hazard.notice_id else hazard.confirmed_at)
    due = load_calendar().add(step.now, recheck_working_days(), LimitKind.WORKING_DAYS)
    recheck = Recheck.objects.create(hazard=hazard, submitted_by=step.actor, submitted_at=step.now, note=_note(step.params),
                                     flagged=any(row["flag"] for row in rows), due_at=due)
    hazard._evidence_rows, hazard._evidence_recheck = rows, recheck
    hazard.recheck_due_at, hazard.completed_at = due, step.now
    flags = [row["flag"] for row in rows if row["flag"]]
    return Move(HazardEventKind.SUBMITTED, recheck.note, {"recheck_due_at": due.isoformat(), "flags": flags},
                tell=tuple(street_office()))


def _reviewers(hazard: Hazard, params: dict, actor) -> list:
    raw = params.get("reviewers")
    ids = raw if isinstance(raw, list) else [v for v in str(raw or "").replace(";", ",").split(",") if v.strip()]
    try:
        ids = sorted({parsers.pk_of(v) for v in ids} or {actor.pk})
    except ValueError:
        raise ValidationError({"reviewers": _("Unknown reviewer.")}) from None
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(role=Role.CONTRACTOR))
    if len(users) != len(ids):
        raise ValidationError({"reviewers": _("Unknown reviewer.")})
    if hazard.level == HazardLevel.MAJOR:
        if len(users) < 2:
            raise ValidationError({"reviewers": _("A major hazard is rechecked by two reviewers.")})
        if hazard.reporter_id in ids:
            raise ValidationError({"reviewers": _("The person who reported the hazard may not recheck it.")})
    return users


def _start_recheck(step: Step) -> Move:
    hazard = step.obj
    recheck = _open_recheck(hazard)
    users = _reviewers(hazard, step.params, step.actor)
    recheck.started_at = step.now
    recheck.save(update_fields=["started_at"])
    recheck.reviewers.set(users)
    return Move(HazardEventKind.RECHECK_STARTED, _note(step.params), {"reviewers": [u.pk for u in users]},
                tell=tuple(u.pk for u in users))


def _decide_recheck(step: Step, result: str) -> Recheck:
    recheck = _open_recheck(step.obj)
    recheck.result, recheck.decided_at, recheck.decided_by = result, step.now, step.actor
    recheck.reason = _note(step.params, "reason", required=result == RecheckResult.FAILED, label=_("Reason"))
    recheck.save(update_fields=["result", "decided_at", "decided_by", "reason"])
    return recheck


def _close(hazard: Hazard, now: datetime, completed: datetime) -> None:
    hazard.closed_at, hazard.completed_at = now, completed
    # 按期整改: the work was done by the deadline as first set (SAFETY.md §8.4, unextended)
    hazard.closed_on_time = hazard.first_due_at is None or completed <= hazard.first_due_at
    stop_clocks(hazard, now)


def _pass(step: Step) -> Move:
    recheck = _decide_recheck(step, RecheckResult.PASSED)
    _close(step.obj, step.now, recheck.submitted_at)
    return Move(HazardEventKind.RECHECK_PASSED, recheck.reason, {"on_time": step.obj.closed_on_time},
                tell=(step.obj.reporter_id,))


def _fail(step: Step) -> Move:
    hazard = step.obj
    recheck = _decide_recheck(step, RecheckResult.FAILED)
    hazard.recheck_failures += 1
    hazard.recheck_due_at = hazard.completed_at = None
    # back to rectifying on the same deadline: a new one only through an approved extension
    return Move(HazardEventKind.RECHECK_FAILED, recheck.reason, {"failures": hazard.recheck_failures},
                tell=tuple(zone_leaders(hazard.zone_id)))


def _close_on_spot(step: Step) -> Move:
    hazard = step.obj
    step.obj._evidence_rows = evidence_rows(step, required=True, since=None)
    hazard.mode = RectificationMode.IMMEDIATE
    _close(hazard, step.now, step.now)
    return Move(HazardEventKind.CLOSED_ON_SPOT, _note(step.params), tell=(hazard.reporter_id,))


def _request_extension(step: Step) -> Move:
    row = Extension.objects.create(hazard=step.obj, requested_by=step.actor, requested_at=step.now,
                                   working_days=_days(step.params.get("working_days")),
                                   reason=_note(step.params, "reason", required=True, label=_("Reason")))
    return Move(HazardEventKind.EXTENSION_REQUESTED, row.reason, {"working_days": row.working_days},
                tell=tuple(street_office()))


def _decide_extension(step: Step) -> Move:
    hazard = step.obj
    row = hazard.extension_rows.select_for_update().get(decision=Decision.PENDING)
    approve = _yes(step.params)
    row.decision, row.decided_by, row.decided_at = (Decision.APPROVED if approve else Decision.REJECTED), step.actor, step.now
    row.old_due_at = hazard.due_at
    if approve:
        cal = load_calendar()
        HAZARD_CLOCK.extend(hazard, step.now, working_days=row.working_days, cal=cal)
        hazard.red_at = red_at(hazard, hazard.due_at, cal)
        hazard.extensions += 1
    row.new_due_at = hazard.due_at
    row.save(update_fields=["decision", "decided_by", "decided_at", "old_due_at", "new_due_at"])
    return Move(HazardEventKind.EXTENSION_DECIDED, _note(step.params),
                {"decision": row.decision, "working_days": row.working_days,
                 "old_due_at": row.old_due_at.isoformat() if row.old_due_at else None,
                 "new_due_at": row.new_due_at.isoformat() if row.new_due_at else None},
                tell=(row.requested_by_id,))


def _refer(step: Step) -> Move:
    hazard = step.obj
    department = parsers.one_of(step.params.get("department"), Department.objects.filter(is_active=True), field="department",
                                missing=_("Choose the department."), unknown=_("Unknown department."))
    due = load_calendar().add(step.now, referral_feedback_working_days(), LimitKind.WORKING_DAYS)
    row = Referral.objects.create(hazard=hazard, department=department, sent_by=step.actor, sent_at=step.now,
                                  feedback_due_at=due, reason=_note(step.params, "reason", required=True, label=_("Reason")))
    hazard.referral_due_at = due
    return Move(HazardEventKind.REFERRED, row.reason, {"department": department.pk, "feedback_due_at": due.isoformat()},
                tell=tuple(department_handlers(department.pk, hazard.zone_id)))


def _referral_feedback(step: Step) -> Move:
    row = step.obj.referrals.select_for_update().get(feedback_at__isnull=True)
    row.feedback = _note(step.params, "feedback", required=True, label=_("Feedback"))
    row.penalty_ref = _note(step.params, "penalty_ref", label=_("Penalty reference"), max_length=60)
    row.feedback_at = step.now
    row.save(update_fields=["feedback", "penalty_ref", "feedback_at"])
    step.obj.referral_due_at = None
    return Move(HazardEventKind.REFERRAL_FEEDBACK, row.feedback, {"on_time": step.now <= row.feedback_due_at,
                                                                 "penalty_ref": row.penalty_ref}, tell=(row.sent_by_id,))


def _plan(step: Step) -> Move:
    plan, _created = GovernancePlan.objects.get_or_create(hazard=step.obj)
    changed = []
    for name in (*GovernancePlan.PARTS, "evaluation_report", "evaluated_by"):
        if name in step.params:
            setattr(plan, name, _note(step.params, name, label=str(GovernancePlan._meta.get_field(name).verbose_name),
                                      max_length=100 if name == "evaluated_by" else parsers.MAX_TEXT))
            changed.append(name)
    if not changed:
        raise ValidationError({"goals": _("Fill in the plan.")})
    plan.save()
    return Move(HazardEventKind.PLAN, "", {"changed": changed, "complete": plan.complete, "evaluated": plan.evaluated})


def _apply_resume(step: Step) -> Move:
    row = ResumeRequest.objects.create(hazard=step.obj, applied_by=step.actor, applied_at=step.now, note=_note(step.params),
                                       review_due_at=step.now + timedelta(days=resume_review_days()))
    return Move(HazardEventKind.RESUME_APPLIED, row.note, {"review_due_at": row.review_due_at.isoformat()},
                tell=tuple(street_office()))


def _decide_resume(step: Step) -> Move:
    row = step.obj.resume_requests.select_for_update().get(decision=Decision.PENDING)
    approve = _yes(step.params)
    row.decision = Decision.APPROVED if approve else Decision.REJECTED
    row.decided_by, row.decided_at, row.decision_note = step.actor, step.now, _note(step.params)
    row.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    return Move(HazardEventKind.RESUME_DECIDED, row.decision_note,
                {"decision": row.decision, "within_review": step.now <= row.review_due_at})


def _refuse(step: Step) -> Move:
    """The enterprise refused to rectify (SAFETY.md §8.3 rung 5): a REFUSED event with the evidence
    note (required) and photos (optional, EvidencePhase.REFUSAL), which the joint meeting's agenda
    picks up. The ladder records the same event on a major hazard's second missed deadline."""
    ground = step.params.get("ground")
    if ground not in RefusalGround.values:
        raise ValidationError({"ground": _("Choose one of the offered values.")})
    evidence = _note(step.params, "evidence", required=True, label=_("Evidence"))
    step.obj.refusals += 1
    return Move(HazardEventKind.REFUSED, evidence, {"ground": ground}, tell=tuple(street_office()))


# What an edit may change; the deadline is not among them (it moves only by an approved extension).
EDITABLE = ("description", "location")
NOTICE_EDITABLE = ("responsible_person", "measures", "time_limit", "emergency_plan")


def _edit(step: Step) -> Move:
    hazard, params = step.obj, step.params
    changed = []
    for name in EDITABLE:
        if name in params:
            setattr(hazard, name, parsers.text(params[name], field=name, label=name, required=name == "description",
                                               max_length=200 if name == "location" else parsers.MAX_TEXT))
            changed.append(name)
    if "rectification_days" in params:  # the default for a later notice; a running deadline stays
        hazard.rectification_days = _days(params["rectification_days"], "rectification_days")
        changed.append("rectification_days")
    notice = hazard.notice
    if notice is not None:
        fields = [name for name in (*NOTICE_EDITABLE, "funds") if name in params]
        for name in fields:
            value = (parsers.money(params[name], field=name) if name == "funds"
                     else parsers.text(params[name], field=name, label=name, required=True,
                                       max_length=60 if name == "responsible_person" else parsers.MAX_TEXT))
            setattr(notice, name, value)
        if fields:
            notice.save(update_fields=fields)
            changed += fields
    if not changed:
        raise ValidationError({"description": _("Nothing to change.")})
    return Move(HazardEventKind.EDIT, _note(params), {"changed": changed})


def _reopen(step: Step) -> Move:
    hazard = step.obj
    reason = _note(step.params, "reason", required=True, label=_("Reason"))
    days = _days(step.params.get("working_days"))
    due = load_calendar().add(step.now, days, LimitKind.WORKING_DAYS)
    hazard.closed_at = hazard.closed_on_time = hazard.completed_at = None
    hazard.reopen_count += 1
    _start_deadline(hazard, step.now, due)
    return Move(HazardEventKind.REOPEN, reason, {"working_days": days, "due_at": due.isoformat()},
                tell=tuple(zone_leaders(hazard.zone_id)))


HANDLERS = {
    A.NOTIFY: _notify, A.SERVE: _serve, A.SUBMIT: _submit, A.START_RECHECK: _start_recheck, A.PASS_RECHECK: _pass,
    A.FAIL_RECHECK: _fail, A.CLOSE_ON_SPOT: _close_on_spot, A.REQUEST_EXTENSION: _request_extension,
    A.DECIDE_EXTENSION: _decide_extension, A.REFER: _refer, A.REFERRAL_FEEDBACK: _referral_feedback, A.PLAN: _plan,
    A.APPLY_RESUME: _apply_resume, A.DECIDE_RESUME: _decide_resume, A.REFUSE: _refuse, A.EDIT: _edit, A.REOPEN: _reopen,
}
SAVE_FIELDS = ["stage", "due_at", "warn_at", "paused_remaining", "escalation", "notice", "mode", "first_due_at", "red_at",
               "extensions", "missed_deadlines", "recheck_failures", "recheck_due_at", "referral_due_at", "production_halted", "refusals",
               "completed_at", "closed_at", "closed_on_time", "reopen_count", "description", "location"]
