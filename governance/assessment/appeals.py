"""Appeals (申诉) against one line of a published score sheet, on the shared engine.

submit (the subject, within APPEAL_WINDOW_WORKING_DAYS working days of publication, with the
reason and evidence) → zone review (the zone leader's opinion, ZONE_REVIEW_WORKING_DAYS) → street
office review (STREET_REVIEW_WORKING_DAYS) → uphold / adjust (new points for the line) / exclude
(the contested case is not counted: removed from the line's counts). Adjusting and excluding write
a new version of the sheet; the appealed version stays, no longer current. Appeals against a zone's
or a department's own sheet skip the zone review. Deadlines are data (`due_at`), swept by beat:
an overdue zone review passes to the street office; an overdue street review is reported once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine
from casework.calendar import load_calendar
from casework.choices import LimitKind
from casework.engine import Move, Step
from casework.errors import Forbidden, Refused
from casework.photos import attach_photos, clean_photo, files_discarded_on_error, note_written
from contractors.models.scoping import firm_ids_of
from governance.assessment import compute, scoring
from governance.assessment.choices import (
    APPEAL_TRANSITIONS,
    STREET_REVIEW_WORKING_DAYS,
    SYSTEM_ROLE,
    ZONE_REVIEW_WORKING_DAYS,
    AppealAction,
    AppealEventKind,
    AppealStatus,
    ExclusionReason,
    Scoring,
    SubjectType,
)
from governance.assessment.models import Appeal, AppealEvent, AppealFile, Exclusion, ScoreSheet
from grids.access import get_visible_or_404
from grids.choices import Role
from grids.models import User
from grids.notifications import notify
from grids.people import street_office, zone_leaders
from incidents.choices import EventKind
from incidents.models import Incident
from incidents.services.timeline import record as record_case_event


class SystemActor:
    """Beat's sweep acting on the table (the EXPIRE move): sees every appeal, is nobody."""

    is_authenticated = True
    is_superuser = False
    sees_everything = True
    role = SYSTEM_ROLE
    pk = None


SYSTEM = SystemActor()


def _user(actor) -> User | None:
    return actor if isinstance(actor, User) else None


def record(appeal: Appeal, kind: str, *, actor=None, from_status="", to_status="", note="", data=None, at) -> AppealEvent:
    return AppealEvent.objects.create(appeal=appeal, kind=kind, actor=_user(actor), from_status=from_status,
                                      to_status=to_status, note=note, data=data or {}, created_at=at)


def appeal_url(appeal: Appeal) -> str:
    return reverse("assessment:appeal", args=[appeal.pk])


def tell(recipients, appeal: Appeal, event: AppealEvent) -> None:
    ids = {int(r) for r in recipients if r}
    ids.discard(event.actor_id)
    notify(ids, kind=f"appeal_{event.kind}", title=_("Appeal: %(event)s") % {"event": AppealEventKind(event.kind).label},
           body=f"{appeal.sheet.subject_name} · {appeal.sheet.period}", url=appeal_url(appeal), key=f"appeal-event:{event.pk}")


def _appellants(appeal: Appeal) -> list[int]:
    return [appeal.submitted_by_id]


def _due(now: dt.datetime, days: int) -> dt.datetime:
    return load_calendar().add(now, days, LimitKind.WORKING_DAYS)


def _text(params: dict, name: str, *, required: bool = True, limit: int = 2000) -> str:
    value = str(params.get(name) or "").strip()
    if required and not value:
        raise ValidationError({name: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
    return value


# --- new versions -----------------------------------------------------------------------------------


def new_version(sheet: ScoreSheet, change, *, reason: str, now: dt.datetime) -> ScoreSheet:
    """A new current version of `sheet`'s subject: `change(lines)` applied to the lines of the
    version current now — a later one than `sheet` when an appeal against another line was decided
    first —, rescored; the old versions stay."""
    versions = ScoreSheet.objects.filter(period_id=sheet.period_id, subject_type=sheet.subject_type, subject_id=sheet.subject_id)
    # Deciders of the subject's appeals queue on its first version; the current one is read after
    # the lock, so that a version another decider has just written is the one changed.
    versions.select_for_update().order_by("version").values_list("pk", flat=True).first()
    current = versions.get(is_current=True)
    latest = versions.order_by("-version").values_list("version", flat=True).first()
    current.is_current = False
    current.save(update_fields=["is_current"])
    copy = ScoreSheet(
        period_id=current.period_id, scheme=current.scheme, subject_type=current.subject_type, subject_id=current.subject_id,
        subject_name=current.subject_name, zone_id=current.zone_id, community_id=current.community_id,
        population=current.population, version=latest + 1, is_current=True, lines=change([dict(line) for line in current.lines]),
        combined=dict(current.combined), flags=list(current.flags), computed_at=now, reason=reason[:300], rank=current.rank,
    )
    compute.finish(copy, current.scheme)
    copy.save()
    return copy


def points_range(line: dict) -> tuple[Decimal | None, Decimal | None]:
    """The points a line can carry, for an adjustment: 0–100 for a weighted line, 0 to its weight
    for a deduction, 0 to its cap for a bonus, at most 0 for a penalty (None: unbounded)."""
    if line["scoring"] == Scoring.DEDUCTION:
        return Decimal(0), Decimal(line["weight"])
    if line["scoring"] == Scoring.BONUS:
        return Decimal(0), None if line.get("cap") is None else Decimal(line["cap"])
    if line["scoring"] == Scoring.PENALTY:
        return None, Decimal(0)
    return Decimal(0), Decimal(100)


def _line_without(line: dict, case_id: int) -> dict:
    line = dict(line)
    if case_id in line["num_ids"]:
        line["num_ids"] = [pk for pk in line["num_ids"] if pk != case_id]
        line["numerator"] -= 1
    if case_id in line["den_ids"]:
        line["den_ids"] = [pk for pk in line["den_ids"] if pk != case_id]
        line["denominator"] -= 1
    rule = scoring.Rule.from_line(line)
    line["value"], line["points"] = scoring.score_line(rule, line["numerator"], line["denominator"])
    return line


# --- the table's handlers ---------------------------------------------------------------------------


def _forward(step: Step) -> Move:
    appeal = step.obj
    appeal.zone_opinion = _text(step.params, "opinion")
    appeal.due_at = _due(step.now, STREET_REVIEW_WORKING_DAYS)
    return Move(AppealEventKind.FORWARD, note=appeal.zone_opinion, tell=tuple(street_office()))


def _expire(step: Step) -> Move:
    step.obj.due_at = _due(step.now, STREET_REVIEW_WORKING_DAYS)
    return Move(AppealEventKind.EXPIRE, tell=tuple(street_office()))


def _decide(step: Step, kind: str) -> Move:
    appeal = step.obj
    appeal.decision_note = _text(step.params, "note")
    appeal.decided_by, appeal.decided_at, appeal.due_at = step.actor, step.now, None
    return Move(kind, note=appeal.decision_note, tell=tuple(_appellants(appeal)))


def _uphold(step: Step) -> Move:
    return _decide(step, AppealEventKind.UPHOLD)


def _adjust(step: Step) -> Move:
    appeal = step.obj
    move = _decide(step, AppealEventKind.ADJUST)
    try:
        value = Decimal(str(step.params.get("points", "")).strip())
    except ArithmeticError:
        raise ValidationError({"points": _("Enter the line's new points.")}) from None
    low, high = points_range(appeal.sheet.line(appeal.line_key))
    if not value.is_finite() or (low is not None and value < low) or (high is not None and value > high):
        raise ValidationError({"points": _("This line's points lie between %(low)s and %(high)s.") % {
            "low": "−∞" if low is None else low, "high": "+∞" if high is None else high}})
    points = float(value)

    def adjusted(lines):
        return [dict(line, points=points, adjusted=True) if line["key"] == appeal.line_key else line for line in lines]

    appeal.result_sheet = new_version(appeal.sheet, adjusted, reason=_("Adjusted on appeal %(n)s") % {"n": appeal.pk}, now=step.now)
    move.data = {"points": points, "version": appeal.result_sheet.version}
    return move


def _exclude(step: Step) -> Move:
    appeal = step.obj
    move = _decide(step, AppealEventKind.EXCLUDE)
    if appeal.incident_id is None:
        raise ValidationError({"incident": _("This appeal names no case to exclude.")})
    exclusion = Exclusion.objects.filter(incident_id=appeal.incident_id).first()
    if exclusion is None:
        Exclusion.objects.create(incident_id=appeal.incident_id, reason=ExclusionReason.APPEAL, note=appeal.decision_note[:500],
                                 approved_by=step.actor, created_at=step.now)
        record_case_event(
            Incident.objects.get(pk=appeal.incident_id), EventKind.COMMENT, actor=step.actor, at=step.now,
            note=_("Not counted for assessment (%(reason)s): %(note)s") % {
                "reason": ExclusionReason.APPEAL.label, "note": appeal.decision_note},
            data={"assessment": "excluded", "reason": ExclusionReason.APPEAL, "appeal": appeal.pk, "approved_by": step.actor.pk},
        )
    appeal.result_sheet = new_version(appeal.sheet, lambda lines: [_line_without(line, appeal.incident_id) for line in lines],
                                      reason=_("Case excluded on appeal %(n)s") % {"n": appeal.pk}, now=step.now)
    move.data = {"incident": appeal.incident_id, "version": appeal.result_sheet.version}
    return move


def _comment(step: Step) -> Move:
    return Move(AppealEventKind.COMMENT, note=_text(step.params, "note"))


def _guard(actor, appeal: Appeal, action: str) -> str | None:
    if action == AppealAction.FORWARD and getattr(actor, "role", None) == Role.ZONE_LEADER and appeal.sheet.zone_id != actor.zone_id:
        return _("Only the subject's own zone reviews this appeal.")
    return None


def _role(actor) -> str:
    if getattr(actor, "role", None) == SYSTEM_ROLE:
        return SYSTEM_ROLE
    return Role.ADMIN if actor.is_superuser else actor.role


APPEAL_WORKFLOW = engine.Workflow(
    model=Appeal,
    transitions=APPEAL_TRANSITIONS,
    handlers={
        AppealAction.FORWARD: _forward, AppealAction.EXPIRE: _expire, AppealAction.UPHOLD: _uphold,
        AppealAction.ADJUST: _adjust, AppealAction.EXCLUDE: _exclude, AppealAction.COMMENT: _comment,
    },
    role_of=_role,
    action_label=lambda action: str(AppealAction(action).label),
    status_label=lambda status: str(AppealStatus(status).label),
    record=record,
    save_fields=("status", "zone_opinion", "due_at", "decision_note", "decided_by", "decided_at", "result_sheet"),
    guard=_guard,
    notify=tell,
    select_related=("sheet", "sheet__scheme"),
    not_now=gettext_lazy("“%(action)s” is not possible while the appeal is at %(status)s."),
)
APPEAL_WORKFLOW.check()


def act(appeal_id, *, actor, action: str, params: dict | None = None, now: dt.datetime | None = None) -> Appeal:
    return engine.apply(APPEAL_WORKFLOW, appeal_id, actor=actor, action=action, params=params, now=now)


def available(actor, appeal: Appeal) -> list[str]:
    return engine.available_actions(APPEAL_WORKFLOW, actor, appeal)


# --- submitting -------------------------------------------------------------------------------------


def may_appeal(actor, sheet: ScoreSheet) -> bool:
    """The subject itself: the worker, the community's people, the zone leader (their zone's sheet
    and, for them, their workers'), the department's handlers."""
    role = getattr(actor, "role", None)
    if sheet.subject_type == SubjectType.GRID_WORKER:
        return sheet.subject_id == actor.pk or (role == Role.ZONE_LEADER and sheet.zone_id == actor.zone_id)
    if sheet.subject_type == SubjectType.COMMUNITY:
        return role == Role.COMMUNITY and actor.community_id == sheet.subject_id
    if sheet.subject_type == SubjectType.ZONE:
        return role == Role.ZONE_LEADER and actor.zone_id == sheet.subject_id
    if sheet.subject_type == SubjectType.CONTRACTOR:
        return role == Role.CONTRACTOR and firm_ids_of(actor).filter(firm_id=sheet.subject_id).exists()
    return role == Role.DEPARTMENT and actor.department_id == sheet.subject_id


MAX_EVIDENCE_FILES = 5
MAX_PDF_BYTES = 10 * 1024 * 1024


def clean_evidence(uploads) -> list[tuple[str, object, str]]:
    """The evidence files, checked before anything is written: (kind, content, original name).
    A photo goes through casework.photos (re-encoded as JPEG, EXIF dropped, size and pixel
    limits); a PDF must start with %PDF and stay within 10 MB. Anything else is refused."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ValidationError({"files": _("At most %(n)s files.") % {"n": MAX_EVIDENCE_FILES}})
    cleaned = []
    for upload in uploads:
        name = str(getattr(upload, "name", "") or "file")[:200]
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            if (upload.size or 0) > MAX_PDF_BYTES:
                raise ValidationError({"files": _("%(name)s is larger than 10 MB.") % {"name": name}})
            cleaned.append(("pdf", ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf"), name))
            continue
        try:
            cleaned.append(("photo", clean_photo(upload), name))
        except ValidationError as error:
            raise ValidationError({"files": [
                _("%(name)s is neither a PDF nor a JPEG, PNG or WebP photo.") % {"name": name}
                if error.code in ("bad_type", "bad_image") else message for message in error.messages]}) from None
    return cleaned


def _store_evidence(appeal: Appeal, cleaned, actor) -> None:
    for kind, content, name in cleaned:
        if kind == "photo":
            attach_photos(AppealFile, [content], uploaded_by=actor, appeal=appeal, original_name=name)
            continue
        row = AppealFile(appeal=appeal, uploaded_by=actor, original_name=name)
        row.document.save(content.name, content, save=False)
        note_written(row.document.name)
        row.save()


def submit_appeal(sheet_id, *, actor, line_key: str, reason: str, evidence: str, incident_id=None, files=(),
                  now: dt.datetime | None = None) -> Appeal:
    """An appeal against one line of a published sheet, with its evidence (text, and files)."""
    cleaned = clean_evidence(files)
    with files_discarded_on_error():
        return _submit_appeal(sheet_id, actor=actor, line_key=line_key, reason=reason, evidence=evidence,
                              incident_id=incident_id, cleaned=cleaned, now=now)


@transaction.atomic
def _submit_appeal(sheet_id, *, actor, line_key: str, reason: str, evidence: str, incident_id, cleaned,
                   now: dt.datetime | None) -> Appeal:
    now = now or timezone.now()
    sheet = get_visible_or_404(ScoreSheet.objects.select_related("period"), actor, pk=sheet_id)
    # two appeals against one line at once queue here, so that the second sees the first
    ScoreSheet.objects.select_for_update().filter(pk=sheet.pk).values_list("pk", flat=True).first()
    if not may_appeal(actor, sheet):
        raise Forbidden(_("Only the assessed subject appeals against its score."))
    period = sheet.period
    if not period.is_published:
        raise Refused(_("Provisional scores cannot be appealed; wait for the publication."))
    if not sheet.is_current:
        raise Refused(_("This score sheet has been revised since; appeal against the current version."))
    if now > period.appeal_until:
        raise Refused(_("The appeal window closed on %(when)s.") % {
            "when": timezone.localtime(period.appeal_until).strftime("%Y-%m-%d %H:%M")})
    line = sheet.line(line_key)
    if line is None:
        raise ValidationError({"line_key": _("Choose the score line you appeal against.")})
    incident = None
    if incident_id not in (None, "") and line.get("source") == "contractors":
        raise ValidationError({"incident": _("A contractor's line lists visits and findings, not cases: leave the case empty.")})
    if incident_id not in (None, ""):
        try:
            case_id = int(incident_id)
        except (TypeError, ValueError):
            raise ValidationError({"incident": _("Choose a case of this line.")}) from None
        if case_id not in line["num_ids"] and case_id not in line["den_ids"]:
            raise ValidationError({"incident": _("Choose a case of this line.")})
        incident = Incident.objects.get(pk=case_id)
    if Appeal.objects.open().filter(sheet=sheet, line_key=line_key).exists():
        raise Refused(_("An appeal against this line is already under review."))
    straight = sheet.subject_type in (SubjectType.ZONE, SubjectType.DEPARTMENT, SubjectType.CONTRACTOR) or actor.role == Role.ZONE_LEADER
    status = AppealStatus.STREET_REVIEW if straight else AppealStatus.ZONE_REVIEW
    days = STREET_REVIEW_WORKING_DAYS if straight else ZONE_REVIEW_WORKING_DAYS
    appeal = Appeal.objects.create(
        sheet=sheet, line_key=line_key, incident=incident, reason=_text({"reason": reason}, "reason"),
        evidence=_text({"evidence": evidence}, "evidence"), status=status, submitted_by=actor, submitted_at=now,
        due_at=_due(now, days),
    )
    _store_evidence(appeal, cleaned, actor)
    event = record(appeal, AppealEventKind.SUBMITTED, actor=actor, to_status=status, note=appeal.reason, at=now,
                   data={"line": line_key, "incident": incident.pk if incident else None, "files": len(cleaned)})
    reviewers = street_office() if straight else zone_leaders(sheet.zone_id)
    transaction.on_commit(lambda: tell(reviewers, appeal, event), robust=True)
    return appeal


def sweep_appeals(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat: overdue zone reviews pass to the street office; overdue street reviews are reported
    to the street office once. Safe to run twice or late."""
    now = now or timezone.now()
    expired = 0
    for pk in Appeal.objects.filter(status=AppealStatus.ZONE_REVIEW, due_at__lte=now).values_list("pk", flat=True):
        try:
            act(pk, actor=SYSTEM, action=AppealAction.EXPIRE, now=now)
            expired += 1
        except Refused:
            continue
    reported = 0
    for appeal in Appeal.objects.filter(status=AppealStatus.STREET_REVIEW, due_at__lte=now, overdue_told=False):
        with transaction.atomic():
            if Appeal.objects.filter(pk=appeal.pk, overdue_told=False).update(overdue_told=True):
                event = record(appeal, AppealEventKind.OVERDUE, at=now)
                tell(street_office(), appeal, event)
                reported += 1
    return {"expired": expired, "reported": reported}
