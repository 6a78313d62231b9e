"""Visits on the shared engine: planned → started → done (or cancelled), the report reviewed.

Starting takes the phone's position and measures it against the enterprise's point; finishing
measures the duration. Far or short is flagged, never refused (SAFETY.md §9.3: accountability
by measurement). Photos, the enterprise's signature, the report and the survey come with the
visit; findings are in `services.findings`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine, parsers
from casework.engine import Move, Step
from casework.errors import Refused
from casework.photos import attach_photos, clean_photos, files_discarded_on_error, save_cleaned
from contractors.choices import VISIT_TRANSITIONS, FlagReview, ReportReview, VisitAction, VisitEventKind, VisitStatus
from contractors.models import FirmStaff, Visit, VisitEvent, VisitPhoto
from contractors.services.access import may_manage
from grids.choices import Role
from inspections.services.inspections import distance_m

MAX_REPORT_BYTES = 20 * 1024 * 1024
REPORT_MAGIC = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


def record(visit: Visit, kind: str, *, actor=None, from_status="", to_status="", note="", data=None, at) -> VisitEvent:
    return VisitEvent.objects.create(visit=visit, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
                                     note=note, data=data or {}, created_at=at)


def _position(params) -> tuple[float | None, float | None]:
    lat = parsers.decimal_number(params.get("latitude"), field="latitude", low=-90, high=90)
    lng = parsers.decimal_number(params.get("longitude"), field="longitude", low=-180, high=180)
    return (lat, lng) if lat is not None and lng is not None else (None, None)


def _locate(visit: Visit, lat, lng) -> None:
    if lat is None:
        if visit.latitude is None:
            visit.no_position = True
        return
    visit.latitude, visit.longitude, visit.no_position = lat, lng, False
    e = visit.enterprise
    if e.latitude is None or e.longitude is None:
        visit.distance_m, visit.far = None, False
        return
    visit.distance_m = distance_m(lat, lng, e.latitude, e.longitude)
    visit.far = visit.distance_m > visit.contract.geofence_m


def _staff_of(actor, visit: Visit) -> FirmStaff | None:
    return FirmStaff.objects.filter(user_id=actor.pk, firm_id=visit.firm_id, is_active=True).first()


def _start(step: Step) -> Move:
    visit = step.obj
    visit.staff = _staff_of(step.actor, visit)
    visit.started_at = step.now
    _locate(visit, *_position(step.params))
    return Move(VisitEventKind.START, "", {"distance_m": visit.distance_m, "far": visit.far, "no_position": visit.no_position})


def _finish(step: Step) -> Move:
    visit, params = step.obj, step.params
    lat, lng = _position(params)
    if lat is not None:
        _locate(visit, lat, lng)
    visit.ended_at = step.now
    visit.short = visit.minutes is not None and visit.minutes < visit.contract.min_visit_minutes
    visit.guidance = parsers.text(params.get("guidance"), field="guidance", label=_("Guidance given"))
    visit.signed_by = parsers.text(params.get("signed_by"), field="signed_by", label=_("Signed by"), max_length=60)
    score = params.get("survey_score")
    if score not in (None, ""):
        visit.survey_score = parsers.whole_number(score, field="survey_score", low=1, high=5,
                                                  not_a_number=_("A score from 1 to 5."), out_of_range=_("A score from 1 to 5."))
    visit.survey_comment = parsers.text(params.get("survey_comment"), field="survey_comment", label=_("Comment"),
                                        max_length=300)
    signature = params.get("_signature")
    if signature is not None:
        save_cleaned(visit.signature, signature)
    return Move(VisitEventKind.FINISH, "", {"minutes": visit.minutes, "short": visit.short, "far": visit.far})


def _cancel(step: Step) -> Move:
    return Move(VisitEventKind.CANCEL, parsers.text(step.params.get("reason"), field="reason", label=_("Reason"), required=True))


def _review(step: Step) -> Move:
    visit = step.obj
    if not visit.report:
        raise Refused(_("No report has been uploaded yet."), code="no_report")
    result = step.params.get("result")
    if result not in (ReportReview.PASSED, ReportReview.FAILED):
        raise ValidationError({"result": _("Choose passed or failed.")})
    visit.report_review, visit.reviewed_by = result, step.actor
    return Move(VisitEventKind.REVIEW, parsers.text(step.params.get("note"), field="note", label=_("Note")), {"result": result})


def _flag_review(result: str, kind: str):
    """Accept a flagged visit anyway, or reject it, with a reason: the flags stay, the timeline
    says who decided and why; an accepted one counts as done on the scorecard."""

    def handler(step: Step) -> Move:
        visit = step.obj  # the guard let through only a flagged visit not yet reviewed
        reason = parsers.text(step.params.get("reason"), field="reason", label=_("Reason"), required=True, max_length=300)
        visit.flag_review, visit.flag_reason = result, reason
        return Move(kind, reason, {"result": result, "far": visit.far, "short": visit.short, "no_position": visit.no_position})

    return handler


def _guard(actor, visit: Visit, action: str) -> str | None:
    if action in (VisitAction.START, VisitAction.FINISH) and _staff_of(actor, visit) is None:
        return _("Only the firm's staff record its visits.")
    if action == VisitAction.FINISH and visit.staff_id and visit.staff.user_id != actor.pk:
        return _("Only the person who started the visit finishes it.")
    if action in (VisitAction.REVIEW,) and not may_manage(actor):
        return _("Only the street office or the safety office reviews reports.")
    if action in (VisitAction.ACCEPT_FLAGGED, VisitAction.REJECT_FLAGGED):
        if not may_manage(actor):
            return _("Only the street office or the safety office reviews flagged visits.")
        if not visit.flagged or visit.flag_review:
            return _("Only a flagged visit not yet reviewed can be accepted or rejected.")
    if action == VisitAction.CANCEL and actor.role == Role.DEPARTMENT and not may_manage(actor):
        return _("Only the street office or the safety office may do this.")
    if action == VisitAction.CANCEL and actor.role == Role.CONTRACTOR and visit.planned_on <= timezone.localdate():
        # a missed visit stays missed: the on-time score leaves cancelled visits out
        return _("A visit whose day has come can only be cancelled by the street office or the safety office.")
    return None


def _attach(visit, photos, *, action, actor) -> None:
    attach_photos(VisitPhoto, photos, uploaded_by=actor, visit=visit)


VISIT_WORKFLOW = engine.Workflow(
    model=Visit,
    transitions=VISIT_TRANSITIONS,
    handlers={VisitAction.START: _start, VisitAction.FINISH: _finish, VisitAction.CANCEL: _cancel, VisitAction.REVIEW: _review,
              VisitAction.ACCEPT_FLAGGED: _flag_review(FlagReview.ACCEPTED, VisitEventKind.FLAG_ACCEPTED),
              VisitAction.REJECT_FLAGGED: _flag_review(FlagReview.REJECTED, VisitEventKind.FLAG_REJECTED)},
    role_of=lambda actor: Role.ADMIN if actor.is_superuser else actor.role,
    action_label=lambda action: VisitAction(action).label,
    status_label=lambda status: VisitStatus(status).label,
    guard=_guard,
    record=record,
    attach_photos=_attach,
    select_related=("contract", "enterprise", "staff"),
    save_fields=["status", "staff", "started_at", "ended_at", "latitude", "longitude", "distance_m", "far", "short",
                 "no_position", "guidance", "signed_by", "signature", "survey_score", "survey_comment", "report_review",
                 "reviewed_by", "flag_review", "flag_reason"],
    not_now=gettext_lazy("“%(action)s” is not possible while the visit is %(status)s."),
    wrong_role=gettext_lazy("Your role may not “%(action)s” this visit."),
)
VISIT_WORKFLOW.check()


def available_visit_actions(actor, visit: Visit) -> list[str]:
    return engine.available_actions(VISIT_WORKFLOW, actor, visit)


def apply_visit_action(pk, *, actor, action: str, params: dict | None = None, photos=None, signature=None,
                       now: datetime | None = None) -> Visit:
    """Take `action` on a visit: Http404 (not visible), Refused (409), ValidationError (400)."""
    params = {k: v for k, v in (params or {}).items() if not str(k).startswith("_")}
    if signature is not None:
        try:
            [params["_signature"]] = clean_photos([signature])
        except ValidationError as error:
            raise ValidationError({"signature": error.messages}) from None
    return engine.apply(VISIT_WORKFLOW, pk, actor=actor, action=action, params=params, photos=photos, now=now)


def checked_document(upload, *, field: str = "report"):
    """A document upload (a visit report, a pension proof): PDF, JPEG or PNG by its first bytes, at most 20 MB."""
    if upload in (None, ""):
        raise ValidationError({field: _("Attach the file.")})
    if (getattr(upload, "size", 0) or 0) > MAX_REPORT_BYTES:
        raise ValidationError({field: _("At most 20 MB.")})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in REPORT_MAGIC):
        raise ValidationError({field: _("A PDF, JPEG or PNG file.")})
    return upload


def report_content_type(fieldfile) -> str:
    with fieldfile.open("rb") as handle:
        head = handle.read(8)
    return next((kind for magic, kind in REPORT_MAGIC.items() if head.startswith(magic)), "application/octet-stream")


def upload_report(pk, *, actor, report, now: datetime | None = None) -> Visit:
    """The visit report (a PDF or a photo of it), by the firm's staff after the visit; a new upload
    replaces one not yet reviewed."""
    now = now or timezone.now()
    report = checked_document(report)
    with files_discarded_on_error(), transaction.atomic():
        visit = engine.lock(VISIT_WORKFLOW, pk, actor)
        if _staff_of(actor, visit) is None:
            raise Refused(_("Only the firm's staff upload its reports."), code="not_staff")
        if visit.status != VisitStatus.DONE:
            raise Refused(_("The report follows a finished visit."), code="not_done")
        if visit.report_review:
            raise Refused(_("The report has been reviewed already."), code="reviewed")
        visit.report.save(getattr(report, "name", "report.pdf") or "report.pdf", report, save=False)
        visit.report_uploaded_at = now
        visit.save(update_fields=["report", "report_uploaded_at"])
        record(visit, VisitEventKind.REPORT, actor=actor, at=now)
    return visit
