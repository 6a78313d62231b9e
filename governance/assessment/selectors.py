"""Reads of the assessment for pages, the API and exports; every one starts from `visible_to(user)`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from governance.assessment.choices import APPEAL_STATUS_BADGE, OPEN_APPEAL_STATUSES, PeriodStatus, SubjectType
from governance.assessment.models import Appeal, Period, Scheme, ScoreSheet
from governance.assessment.sources_contractors import line_rows as contractor_line_rows
from grids.access import get_visible_or_404
from grids.choices import Role
from incidents.models import Incident
from inspections.models import Hazard
from inspections.models.enterprises import is_safety_office

# The ranking reads no lines (they carry the case ids): the columns it shows only.
RANKING_FIELDS = ("pk", "period_id", "subject_type", "subject_id", "subject_name", "zone_id", "community_id", "version",
                  "total", "grade", "grade_label", "coefficient", "rank", "flags", "population", "is_current")


def own_subject_type(user) -> str | None:
    return {
        Role.GRID_WORKER: SubjectType.GRID_WORKER, Role.COMMUNITY: SubjectType.COMMUNITY,
        Role.ZONE_LEADER: SubjectType.ZONE, Role.DEPARTMENT: SubjectType.DEPARTMENT,
        Role.CONTRACTOR: SubjectType.CONTRACTOR,
    }.get(getattr(user, "role", None))


def own_subject_id(user) -> int | None:
    return {
        Role.GRID_WORKER: user.pk, Role.COMMUNITY: user.community_id, Role.ZONE_LEADER: user.zone_id,
        Role.DEPARTMENT: user.department_id,
    }.get(user.role)


def subject_types_for(user) -> list[tuple[str, str]]:
    """The rankings a user may open: the street office all; others those with sheets they can see."""
    if user.sees_everything:
        return list(SubjectType.choices)
    allowed = {
        Role.GRID_WORKER: {SubjectType.GRID_WORKER},
        Role.COMMUNITY: {SubjectType.COMMUNITY, SubjectType.GRID_WORKER},
        Role.ZONE_LEADER: {SubjectType.ZONE, SubjectType.COMMUNITY, SubjectType.GRID_WORKER},
        Role.DEPARTMENT: {SubjectType.DEPARTMENT} | ({SubjectType.CONTRACTOR} if is_safety_office(user) else set()),
        Role.CONTRACTOR: {SubjectType.CONTRACTOR},
    }.get(user.role, set())
    return [(value, label) for value, label in SubjectType.choices if value in allowed]


def periods(user) -> QuerySet:
    return Period.objects.visible_to(user).order_by("-start", "kind")


def default_period(user) -> Period | None:
    return periods(user).filter(status=PeriodStatus.PUBLISHED).first() or periods(user).first()


def ranking(user, period: Period, subject_type: str) -> QuerySet:
    return (
        ScoreSheet.objects.visible_to(user).current().filter(period=period, subject_type=subject_type)
        .only(*RANKING_FIELDS).order_by("rank", "subject_name", "pk")
    )


def own_sheets(user) -> QuerySet:
    subject_type = own_subject_type(user)
    if subject_type is None:
        return ScoreSheet.objects.none()
    mine = ScoreSheet.objects.visible_to(user).current().filter(subject_type=subject_type)
    if subject_type != SubjectType.CONTRACTOR:  # contractor staff see only their firm's sheets anyway
        mine = mine.filter(subject_id=own_subject_id(user))
    return (
        mine
        .select_related("period").only(*RANKING_FIELDS, "period__kind", "period__start", "period__end", "period__status")
        .order_by("-period__start", "period__kind")
    )


def sheet(user, pk) -> ScoreSheet:
    return get_visible_or_404(ScoreSheet.objects.select_related("period", "scheme"), user, pk=pk)


def versions(sheet: ScoreSheet) -> QuerySet:
    """Every version of the sheet's subject in its period (the same visibility as the sheet)."""
    return ScoreSheet.objects.filter(period_id=sheet.period_id, subject_type=sheet.subject_type,
                                     subject_id=sheet.subject_id).only("pk", "version", "is_current", "total",
                                                                       "grade_label", "reason", "computed_at").order_by("version")


def line_or_404(sheet: ScoreSheet, key: str) -> dict:
    line = sheet.line(key)
    if line is None:
        raise Http404
    return line


def line_rows(user, line: dict) -> QuerySet:
    """The exact rows behind a line (numerator and denominator), as far as the user may see them."""
    if line.get("source") == "contractors":
        return contractor_line_rows(user, line)
    ids = sorted(set(line["num_ids"]) | set(line["den_ids"]))
    if line.get("source") == "hazards":
        return Hazard.objects.visible_to(user).filter(pk__in=ids).select_related("enterprise").order_by("pk")
    return (
        Incident.objects.visible_to(user).filter(pk__in=ids)
        .select_related("category", "assessment_exclusion").order_by("pk")
    )


def appeals(user) -> QuerySet:
    return (
        Appeal.objects.visible_to(user).select_related("sheet", "sheet__period", "submitted_by", "incident")
        .order_by("-submitted_at")
    )


def appeal(user, pk) -> Appeal:
    return get_visible_or_404(
        Appeal.objects.select_related("sheet", "sheet__period", "sheet__scheme", "submitted_by", "incident", "result_sheet"),
        user, pk=pk)


def pending_appeals_condition(user) -> Q:
    """The appeals waiting for this user's review: zone leaders the zone review, the street office theirs."""
    if user.sees_everything:
        return Q(status__in=OPEN_APPEAL_STATUSES)
    if user.role == Role.ZONE_LEADER:
        return Q(status="zone_review", sheet__zone_id=user.zone_id)
    return Q(pk__in=[])


def dismissal_review(user) -> QuerySet:
    return (
        ScoreSheet.objects.visible_to(user).current().filter(flags__contains=["dismissal_review"])
        .select_related("period").only(*RANKING_FIELDS, "period__kind", "period__start", "period__end", "period__status")
        .order_by("-period__start", "subject_name")
    )


def schemes(user) -> QuerySet:
    return Scheme.objects.visible_to(user).annotate(n_indicators=Count("indicators")).order_by(
        "subject_type", "worker_kind", "-version")


def badge(status: str) -> str:
    return APPEAL_STATUS_BADGE.get(status, "")
