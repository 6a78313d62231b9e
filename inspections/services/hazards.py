"""Hazards on the shared machinery: recording (on its own or from a failed item in one tap) and
the state machine recorded → confirmed | void through `casework.engine`.

`HAZARD_WORKFLOW` is the table (inspections.choices.HAZARD_TRANSITIONS), its handlers and guard;
`apply_hazard_action` is the one door of pages and the API. Confirming classifies: the confirmer
sets `level`; a failed item linked to a major clause only *proposed* it. A major hazard needs a
major criterion or the “external factors” reason (SAFETY.md §8.3).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine, parsers
from casework.engine import Move, Step
from casework.errors import Forbidden
from casework.numbering import next_number
from casework.photos import attach_photos, clean_photos, files_discarded_on_error, process_photo
from grids.choices import Role
from grids.models import Department
from grids.notifications import notify
from inspections.choices import (
    HAZARD_TRANSITIONS,
    FactorKind,
    HazardAction,
    HazardEventKind,
    HazardLevel,
    HazardSource,
    HazardStatus,
    InspectionKind,
    MajorBasis,
)
from inspections.models import (
    Clause,
    Enterprise,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSequence,
    Inspection,
    InspectionAnswer,
    is_safety_office,
)
from inspections.services import evidence
from inspections.services import rectification as loop
from inspections.services.campaigns import is_expert_of
from inspections.services.criteria import cite_clause

PREFIX = "YH"
MAX_DAYS = 365


def hazard_code(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


def may_record(user) -> bool:
    """Everyone who sees enterprises may report or record a hazard; contractor staff do it through
    their visits (issue 13)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role != Role.CONTRACTOR


def _source_for(actor, inspection) -> str:
    if inspection is not None:
        return HazardSource.INSPECTION
    return HazardSource.GRID_REPORT if actor.role == Role.GRID_WORKER else HazardSource.OFFICE


def record(hazard: Hazard, kind: str, *, actor=None, from_status="", to_status="", note="", data=None, at) -> HazardEvent:
    return HazardEvent.objects.create(hazard=hazard, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
                                      note=note, data=data or {}, created_at=at)


def tell(recipients, hazard: Hazard, event: HazardEvent) -> None:
    ids = {int(r) for r in recipients if r}
    ids.discard(event.actor_id)
    notify(ids, kind=f"hazard_{event.kind}", title=f"{hazard.code}: {HazardEventKind(event.kind).label}",
           body=hazard.description[:80] + (f"\n{event.note}" if event.note else ""),
           url=reverse("inspections:hazard-detail", args=[hazard.pk]), key=f"hazard-event:{event.pk}")


def _clause(value, *, required: bool = False) -> Clause | None:
    return parsers.one_of(value, Clause.objects.all(), field="clause", required=required,
                          missing=_("Choose the criterion."), unknown=_("Unknown criterion."))


def _days(value, default: int) -> int:
    if value in (None, ""):
        return default
    return parsers.whole_number(value, field="rectification_days", low=1, high=MAX_DAYS,
                                not_a_number=_("Enter a whole number of days."),
                                out_of_range=_("Between 1 and %(max)s days.") % {"max": MAX_DAYS})


def _choice(value, choices, *, field: str, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the offered values.")})
    return value


@transaction.atomic
def _create(hazard: Hazard, photos: list, *, actor, now: datetime, copy_photos=()) -> Hazard:
    year = timezone.localtime(now).year
    hazard.code = hazard_code(year, next_number(HazardSequence, prefix=PREFIX, year=year))
    hazard.save()
    if hazard.clause_id:
        cite_clause(hazard.clause)
    if photos:
        attach_photos(HazardPhoto, photos, uploaded_by=actor, hazard=hazard)
    # The answer's photos, re-encoded first if still as received (the hazard's rows share the file,
    # so they must never point at an upload that its re-encoding will delete); one that could not
    # be re-encoded was removed and is not copied.
    copy_photos = [p for p in copy_photos if p.processed or process_photo(p) or p.processed]
    HazardPhoto.objects.bulk_create(
        HazardPhoto(hazard=hazard, image=p.image.name, width=p.width, height=p.height, uploaded_by=p.uploaded_by)
        for p in copy_photos)
    record(hazard, HazardEventKind.RECORD, actor=actor, to_status=hazard.status,
           data={"photos": len(photos) + len(copy_photos)} if photos or copy_photos else {}, at=now)
    return hazard


def record_hazard(*, actor, enterprise, description, clause=None, factor_kind=None, location="", department=None,
                  rectification_days=None, photos=None, source=None, now: datetime | None = None) -> Hazard:
    """A hazard without an inspection: a grid worker's report, a public report, the office's record."""
    if not may_record(actor):
        raise Forbidden(_("Your role may not record hazards."))
    return _record(actor=actor, enterprise=enterprise, description=description, clause=clause, factor_kind=factor_kind,
                   location=location, department=department, rectification_days=rectification_days, photos=photos,
                   source=_choice(source, HazardSource, field="source", default=_source_for(actor, None)), now=now)


def record_found_hazard(*, finder, enterprise, description, clause=None, major=False, factor_kind=None, location="",
                        photos=None, now: datetime | None = None) -> Hazard:
    """A hazard found on a third-party service visit: the visiting staff member is its reporter
    (the finder) and the same loop follows. The caller (contractors' visit service) has checked
    that the finder is on a visit to this enterprise; the enterprise must still be visible to them.
    `major` proposes a major hazard (the safety office confirms, §8.3)."""
    return _record(actor=finder, enterprise=enterprise, description=description, clause=clause, factor_kind=factor_kind,
                   location=location, department=None, rectification_days=None, photos=photos,
                   source=HazardSource.CONTRACTOR, now=now, propose_major=major)


def _record(*, actor, enterprise, description, clause, factor_kind, location, department, rectification_days, photos,
            source, now, propose_major=False) -> Hazard:
    now = now or timezone.now()
    enterprise = parsers.one_of(enterprise, Enterprise.objects.visible_to(actor), field="enterprise",
                                missing=_("Choose the enterprise."), unknown=_("Unknown enterprise."))
    clause = _clause(clause)
    major = propose_major or (clause is not None and clause.is_major)
    hazard = Hazard(
        enterprise=enterprise, grid_cell_id=enterprise.grid_cell_id, community_id=enterprise.community_id,
        zone_id=enterprise.zone_id, reporter=actor, recorded_at=now, clause=clause, source=source,
        description=parsers.text(description, field="description", label=_("Description"), required=True),
        location=parsers.text(location, field="location", label=_("Location"), max_length=200),
        factor_kind=_choice(factor_kind, FactorKind, field="factor_kind", default=FactorKind.THING),
        proposed_level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
        department=parsers.one_of(department, Department.objects.filter(is_active=True), field="department",
                                  required=False, missing="", unknown=_("Unknown department.")),
        rectification_days=_days(rectification_days, 7),
    )
    cleaned = clean_photos(photos)
    with files_discarded_on_error():
        return _create(hazard, cleaned, actor=actor, now=now)


def hazard_from_answer(answer, *, actor, description="", factor_kind=None, location="", department=None,
                       photos=None, now: datetime | None = None) -> Hazard:
    """One tap on a failed item: enterprise, inspection, item, criterion, proposed level, the
    answer's photos as “before” photos and the item's default days, pre-filled. A second tap
    returns the hazard already raised."""
    if not may_record(actor):
        raise Forbidden(_("Your role may not record hazards."))
    now = now or timezone.now()
    answer = parsers.one_of(
        answer, InspectionAnswer.objects.filter(inspection__in=Inspection.objects.visible_to(actor).values("pk"))
        .select_related("item__clause", "inspection__enterprise"),
        field="answer", missing=_("Choose the failed item."), unknown=_("Unknown answer."))
    existing = Hazard.objects.filter(answer=answer).first()
    if existing is not None:
        return existing
    if answer.passed is not False:
        raise ValidationError({"answer": _("Only a failed item raises a hazard.")})
    item, inspection = answer.item, answer.inspection
    enterprise = inspection.enterprise
    text = parsers.text(description, field="description", label=_("Description")) or (
        f"{item.code} {item.text}" + (f"：{answer.note}" if answer.note else ""))
    hazard = Hazard(
        enterprise=enterprise, grid_cell_id=enterprise.grid_cell_id, community_id=enterprise.community_id,
        zone_id=enterprise.zone_id, reporter=actor, recorded_at=now, inspection=inspection, answer=answer, item=item,
        clause=item.clause, source=HazardSource.INSPECTION if inspection.kind != InspectionKind.PATROL else HazardSource.GRID_REPORT,
        proposed_level=HazardLevel.MAJOR if item.clause is not None and item.clause.is_major else HazardLevel.GENERAL,
        description=text[:2000], location=parsers.text(location, field="location", label=_("Location"), max_length=200),
        factor_kind=_choice(factor_kind, FactorKind, field="factor_kind", default=FactorKind.THING),
        department=parsers.one_of(department, Department.objects.filter(is_active=True), field="department",
                                  required=False, missing="", unknown=_("Unknown department.")),
        rectification_days=item.rectification_days,
    )
    cleaned = clean_photos(photos)
    with files_discarded_on_error():
        return _create(hazard, cleaned, actor=actor, now=now, copy_photos=list(answer.photos.all()))


# --- the state machine --------------------------------------------------------------------------

def _guard(actor, hazard: Hazard, action: str) -> str | None:
    # SAFETY.md §8.3: the safety office or an expert confirms (a human decides). An expert decides
    # on the hazards found under a campaign they serve, whatever department their account is in.
    if (action in (HazardAction.CONFIRM, HazardAction.VOID) and actor.role == Role.DEPARTMENT
            and not is_safety_office(actor) and not is_expert_of(actor, hazard)):
        return _("Only the safety office, the campaign's expert or the street office may do this.")
    if action in loop.HANDLERS:
        return loop.loop_guard(actor, hazard, action)
    return None


def _note(params, name="note", *, required=False, label=None) -> str:
    return parsers.text(params.get(name), field=name, label=label or _("Note"), required=required)


def _confirm(step: Step) -> Move:
    hazard, params = step.obj, step.params
    if params.get("clause") not in (None, ""):
        hazard.clause = _clause(params.get("clause"))
    level = _choice(params.get("level"), HazardLevel, field="level", default=hazard.proposed_level)
    hazard.level, hazard.major_basis, hazard.major_reason = level, "", ""
    if level == HazardLevel.MAJOR:
        reason = parsers.text(params.get("major_reason"), field="major_reason", label=_("External factors"), max_length=500)
        if hazard.clause is not None and hazard.clause.is_major:
            hazard.major_basis = MajorBasis.CRITERION
        elif reason:
            hazard.major_basis, hazard.major_reason = MajorBasis.EXTERNAL, reason
        else:
            raise ValidationError({"major_reason": _(
                "A major hazard needs a major-hazard criterion or the external factors that make it major.")})
    if params.get("department") not in (None, ""):
        hazard.department = parsers.one_of(params.get("department"), Department.objects.filter(is_active=True),
                                           field="department", missing="", unknown=_("Unknown department."))
    if params.get("rectification_days") not in (None, ""):
        hazard.rectification_days = _days(params.get("rectification_days"), hazard.rectification_days)
    hazard.confirmed_at, hazard.confirmed_by = step.now, step.actor
    if hazard.clause_id:
        cite_clause(hazard.clause)
    data = {"level": level, "proposed_level": hazard.proposed_level}
    if hazard.major_basis:
        data["major_basis"] = hazard.major_basis
    return Move(HazardEventKind.CONFIRM, _note(params), data, tell=(hazard.reporter_id,))


def _void(step: Step) -> Move:
    loop.stop_clocks(step.obj, step.now)
    step.obj.referral_due_at = None  # a voided hazard takes no feedback (a closed one still may)
    return Move(HazardEventKind.VOID, _note(step.params, "reason", required=True, label=_("Reason")), tell=(step.obj.reporter_id,))


def _comment(step: Step) -> Move:
    return Move(HazardEventKind.COMMENT, _note(step.params, required=True, label=_("Comment")))


def _attach(hazard: Hazard, photos: list, *, action: str, actor) -> None:
    if action in evidence.EVIDENCE_PHASE:
        evidence.attach_evidence(hazard, photos, action=action, actor=actor)
    else:
        attach_photos(HazardPhoto, photos, uploaded_by=actor, hazard=hazard)


HAZARD_WORKFLOW = engine.Workflow(
    model=Hazard,
    transitions=HAZARD_TRANSITIONS,
    handlers={HazardAction.CONFIRM: _confirm, HazardAction.VOID: _void, HazardAction.COMMENT: _comment, **loop.HANDLERS},
    role_of=lambda actor: Role.ADMIN if actor.is_superuser else actor.role,
    action_label=lambda action: HazardAction(action).label,
    status_label=lambda status: HazardStatus(status).label,
    guard=_guard,
    record=record,
    notify=tell,
    attach_photos=_attach,
    save_fields=["status", "level", "major_basis", "major_reason", "clause", "department", "rectification_days",
                 "confirmed_at", "confirmed_by", "updated_at", *loop.SAVE_FIELDS],
    not_now=gettext_lazy("“%(action)s” is not possible while the hazard is %(status)s."),
    wrong_role=gettext_lazy("Your role may not “%(action)s” this hazard."),
)
HAZARD_WORKFLOW.check()


def available_hazard_actions(actor, hazard: Hazard) -> list[str]:
    return engine.available_actions(HAZARD_WORKFLOW, actor, hazard)


def apply_hazard_action(pk, *, actor, action: str, params: dict | None = None, photos=None,
                        now: datetime | None = None, _internal: dict | None = None) -> Hazard:
    """Take `action` on a hazard: Http404 (not visible), Refused (409), ValidationError (400).

    Keys starting with “_” are the services' own (a notice being served on several hazards, the
    photos' EXIF read before cleaning strips it); a caller's are dropped."""
    params = {k: v for k, v in (params or {}).items() if not str(k).startswith("_")}
    params.update(_internal or {})
    photos = list(photos or [])
    params["_photos"] = len(photos)
    if action in evidence.LOCATED:
        params["_evidence"] = [evidence.read_evidence(photo) for photo in photos]
    return engine.apply(HAZARD_WORKFLOW, pk, actor=actor, action=action, params=params, photos=photos, now=now)


def hazard_timeline(hazard: Hazard):
    return HazardEvent.objects.filter(hazard=hazard).select_related("actor").order_by("created_at", "pk")
