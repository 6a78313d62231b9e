"""Writes of the assessment: periods and their provisional scores, publication (the frozen
snapshot), cases not counted for assessment, scheme revisions and comments. Appeals: appeals.py.

Only the street office (and administrators) computes, publishes, excludes and edits schemes; a
zone leader comments on the sheets of their zone. Every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.calendar import load_calendar
from casework.choices import LimitKind
from casework.errors import Forbidden, Refused
from governance.assessment import compute
from governance.assessment.choices import (
    APPEAL_WINDOW_WORKING_DAYS,
    FAIL_GRADES,
    PeriodKind,
    PeriodStatus,
    Scoring,
    SubjectType,
)
from governance.assessment.models import COMMENTERS, Exclusion, Indicator, Period, Scheme, ScoreSheet, SheetComment
from grids.access import get_visible_or_404
from incidents.choices import EventKind
from incidents.models import Incident
from incidents.services.timeline import record as record_case_event

DISMISSAL_REVIEW = "dismissal_review"


def require_street(actor) -> None:
    if not getattr(actor, "sees_everything", False):
        raise Forbidden(_("Only the street office runs the assessment."))


# --- periods ----------------------------------------------------------------------------------------


def bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `kind` that contains `day`."""
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == PeriodKind.HALF:
        start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    elif kind == PeriodKind.YEAR:
        start = dt.date(day.year, 1, 1)
    else:
        raise ValidationError({"kind": _("Unknown period kind.")})
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}[kind]
    month = start.month - 1 + months
    after = dt.date(start.year + month // 12, month % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def period_for(kind: str, day: dt.date) -> Period:
    start, end = bounds(kind, day)
    period, _created = Period.objects.get_or_create(kind=kind, start=start, defaults={"end": end})
    return period


@transaction.atomic
def compute_provisional(period_id: int, *, now: dt.datetime | None = None) -> int:
    """Recompute an unpublished period's sheets (the nightly beat task; safe to run twice). A
    published period is refused: its snapshot is frozen. Returns how many sheets were written."""
    now = now or timezone.now()
    period = Period.objects.select_for_update().get(pk=period_id)
    if period.is_published:
        raise Refused(_("This period is published; its scores are frozen."))
    ScoreSheet.objects.filter(period=period).delete()
    written = 0
    for subject_type in SubjectType.values:
        sheets = compute.compute(period, subject_type, now=now)
        ScoreSheet.objects.bulk_create(sheets, batch_size=500)
        written += len(sheets)
    period.computed_at = now
    period.save(update_fields=["computed_at"])
    return written


def compute_current_periods(*, today: dt.date | None = None) -> int:
    """Beat, nightly: the provisional scores of the periods that contain today (each kind)."""
    today = today or timezone.localdate()
    written = 0
    for kind in PeriodKind.values:
        period = period_for(kind, today)
        if not period.is_published:
            written += compute_provisional(period.pk)
    return written


def _flag_dismissals(period: Period) -> None:
    """优选劣汰: a grid worker graded 不合格 in a year, or in this period and the one before of the
    same kind, goes on the dismissal review list."""
    failing = ScoreSheet.objects.current().filter(period=period, subject_type=SubjectType.GRID_WORKER, grade__in=FAIL_GRADES)
    if period.kind != PeriodKind.YEAR:
        previous = Period.objects.filter(kind=period.kind, end__lt=period.start, status=PeriodStatus.PUBLISHED).order_by("-start").first()
        if previous is None:
            return
        before = ScoreSheet.objects.current().filter(period=previous, subject_type=SubjectType.GRID_WORKER,
                                                     grade__in=FAIL_GRADES).values("subject_id")
        failing = failing.filter(subject_id__in=before)
    for sheet in failing:
        sheet.flags = sorted({*sheet.flags, DISMISSAL_REVIEW})
        sheet.save(update_fields=["flags"])


@transaction.atomic
def publish_period(period_id: int, *, actor, now: dt.datetime | None = None) -> Period:
    """Freeze the period: recompute once more, then the sheets never change (appeals add versions).
    Appeals are open for APPEAL_WINDOW_WORKING_DAYS working days from now."""
    require_street(actor)
    now = now or timezone.now()
    period = Period.objects.select_for_update().get(pk=period_id)
    if period.is_published:
        raise Refused(_("This period is already published."))
    if period.end >= timezone.localdate(now):
        raise Refused(_("A period can be published only after it has ended."))
    compute_provisional(period.pk, now=now)
    period.refresh_from_db()
    period.status = PeriodStatus.PUBLISHED
    period.published_at, period.published_by = now, actor
    period.appeal_until = load_calendar().add(now, APPEAL_WINDOW_WORKING_DAYS, LimitKind.WORKING_DAYS)
    period.save(update_fields=["status", "published_at", "published_by", "appeal_until"])
    _flag_dismissals(period)
    return period


# --- cases not counted for assessment ----------------------------------------------------------------


@transaction.atomic
def exclude_case(incident_id, *, actor, reason: str, note: str, now: dt.datetime | None = None) -> Exclusion:
    """Mark a case "not counted for assessment" (不计入考核): the reason and the approver are kept,
    and the case's timeline says so. Later computations leave it out; published sheets keep it
    until an appeal excludes it from them."""
    require_street(actor)
    now = now or timezone.now()
    incident = get_visible_or_404(Incident.objects.select_for_update(), actor, pk=incident_id)
    note = (note or "").strip()
    from governance.assessment.choices import ExclusionReason

    if reason not in ExclusionReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if not note or len(note) > 500:
        raise ValidationError({"note": _("Explain why the case is not counted (at most 500 characters).")})
    if Exclusion.objects.filter(incident=incident).exists():
        raise Refused(_("This case is already not counted for assessment."))
    exclusion = Exclusion.objects.create(incident=incident, reason=reason, note=note, approved_by=actor, created_at=now)
    label = ExclusionReason(reason).label
    record_case_event(
        incident, EventKind.COMMENT, actor=actor, at=now,
        note=_("Not counted for assessment (%(reason)s): %(note)s") % {"reason": label, "note": note},
        data={"assessment": "excluded", "reason": reason, "approved_by": actor.pk},
    )
    return exclusion


# --- schemes ----------------------------------------------------------------------------------------

INDICATOR_FIELDS = ("weight", "per_item", "cap")


def _decimal(value, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({name: _("Enter a number.")}) from None
    if number < 0 or number > 1000:
        raise ValidationError({name: _("Enter a number between 0 and 1000.")})
    return number


@transaction.atomic
def revise_scheme(scheme_id, *, actor, indicators: dict | None = None, grades: list | None = None,
                  note: str = "") -> Scheme:
    """A new version of a scheme with changed weights/points/caps and grade thresholds. The old
    version stays, with the sheets computed by it (a published period keeps its scheme)."""
    require_street(actor)
    old = Scheme.objects.select_for_update().filter(pk=scheme_id, is_current=True).first()
    if old is None:
        raise Refused(_("Only the current version of a scheme can be revised."))
    indicators = indicators or {}
    rows = list(old.indicators.all())
    known = {ind.key for ind in rows}
    if set(indicators) - known:
        raise ValidationError({"indicators": _("Unknown indicator.")})
    changes: dict[str, dict] = {}
    for key, values in indicators.items():
        changes[key] = {}
        for name in INDICATOR_FIELDS:
            if name in values:
                changes[key][name] = _decimal(values[name], name)
    new_grades = old.grades
    if grades is not None:
        new_grades = _clean_grades(grades, old.grades)
    weighted = [ind for ind in rows if ind.scoring in (Scoring.RATE, Scoring.BANDS, Scoring.LINEAR, Scoring.DEDUCTION)]
    total = sum((changes.get(ind.key, {}).get("weight") or ind.weight for ind in weighted), Decimal(0))
    if total != 100:
        raise ValidationError({"indicators": _("The weights must add up to 100 (they add up to %(total)s).") % {"total": total}})
    old.is_current = False
    old.save(update_fields=["is_current"])
    new = Scheme.objects.create(
        subject_type=old.subject_type, worker_kind=old.worker_kind, name=old.name, version=old.version + 1,
        grades=new_grades, bonus_cap=old.bonus_cap, note=(note or "")[:300], created_by=actor,
    )
    for ind in rows:
        ind.pk, ind.scheme = None, new
        for name, value in changes.get(ind.key, {}).items():
            if value is not None or name == "cap":
                setattr(ind, name, value if value is not None else None)
        if ind.weight is None:
            ind.weight = Decimal(0)
        if ind.per_item is None:
            ind.per_item = Decimal(0)
    Indicator.objects.bulk_create(rows)
    return new


def _clean_grades(grades: list, old: list[dict]) -> list[dict]:
    if len(grades) != len(old):
        raise ValidationError({"grades": _("Give a minimum and a coefficient for every grade.")})
    out = []
    for given, before in zip(grades, old, strict=True):
        minimum = _decimal(given.get("min"), "grades")
        coefficient = _decimal(given.get("coefficient"), "grades")
        if minimum is None or coefficient is None or minimum > 100 or coefficient > 5:
            raise ValidationError({"grades": _("Each grade needs a minimum (0–100) and a coefficient (0–5).")})
        out.append({**before, "min": float(minimum), "coefficient": float(coefficient)})
    minimums = [g["min"] for g in out]
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums) or minimums[-1] != 0:
        raise ValidationError({"grades": _("Minimums must fall from the best grade to the last, which starts at 0.")})
    return out


# --- comments ---------------------------------------------------------------------------------------


@transaction.atomic
def comment_on_sheet(sheet_id, *, actor, text: str, now: dt.datetime | None = None) -> SheetComment:
    sheet = get_visible_or_404(ScoreSheet, actor, pk=sheet_id)
    if not (actor.sees_everything or actor.role in COMMENTERS):
        raise Forbidden(_("Only the zone and the street office comment on scores."))
    if not sheet.period.is_published:
        # provisional sheets are replaced every night; a comment would tie them down
        raise Refused(_("Scores can be commented on once their period is published."))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": _("Write a comment (at most 2000 characters).")})
    return SheetComment.objects.create(sheet=sheet, author=actor, text=text, created_at=now or timezone.now())
