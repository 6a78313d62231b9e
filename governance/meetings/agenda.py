"""What goes on a joint meeting's agenda, and what the meeting must follow up.

The case app does not know about meetings (ARCHITECTURE.md, arrows): the agenda asks the cases.
A case is a candidate while its state calls for a meeting — disputed ownership, returned twice
or more since the last meeting decision, a red card still overdue — and while an earlier agenda
had it without deciding it. Each source is one query; the history lines of all candidates come
from one query over their timelines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.choices import ASSIGNABLE_STATUSES, OUTCOME_BADGE, ItemReason, MeetingStatus, Outcome
from governance.meetings.models import AgendaItem, Decision, Meeting
from incidents.choices import OPEN_STATUSES, Escalation, EventKind, Status
from incidents.models import Incident, IncidentEvent

# The order of reasons on a prepared agenda.
REASON_ORDER = [ItemReason.DISPUTED, ItemReason.RETURNED, ItemReason.RED_CARD, ItemReason.FOLLOW_UP, ItemReason.MANUAL]
HISTORY_KINDS = [
    EventKind.RETURN, EventKind.DISPUTE, EventKind.AUTO_DISPUTE, EventKind.YELLOW_CARD, EventKind.RED_CARD,
    EventKind.MEETING_DECISION,
]
HISTORY_MAX_PARTS = 8


@dataclass
class Candidate:
    incident_id: int
    reason: str
    carried_from_id: int | None = None
    carried_from_held_at: datetime | None = None


def week_of(moment: datetime | date | None = None) -> date:
    """Monday of the (local, Asia/Shanghai) week containing `moment`."""
    day = moment if isinstance(moment, date) and not isinstance(moment, datetime) else timezone.localdate(moment or timezone.now())
    return day - timedelta(days=day.weekday())


def _assignable() -> Q:
    return Q(status__in=ASSIGNABLE_STATUSES) | Q(status=Status.SUSPENDED, resume_status__in=ASSIGNABLE_STATUSES)


def _last_event(kind: str) -> Subquery:
    return Subquery(
        IncidentEvent.objects.filter(incident=OuterRef("pk"), kind=kind).order_by("-created_at", "-pk").values("created_at")[:1]
    )


def disputed_cases(now: datetime) -> QuerySet:
    """Disputed ownership, including disputed cases that were suspended (parked) meanwhile."""
    return Incident.objects.filter(Q(status=Status.DISPUTED) | Q(status=Status.SUSPENDED, resume_status=Status.DISPUTED))


def returned_cases(now: datetime) -> QuerySet:
    """Returned twice or more, still open, and returned again since the last meeting decided it."""
    return (
        Incident.objects.filter(_assignable(), return_count__gte=2)
        .exclude(status=Status.DISPUTED)
        .exclude(status=Status.SUSPENDED, resume_status=Status.DISPUTED)
        .annotate(last_return=_last_event(EventKind.RETURN), last_decided=_last_event(EventKind.MEETING_DECISION))
        .filter(Q(last_decided__isnull=True) | Q(last_return__gt=F("last_decided")))
    )


def red_card_cases(now: datetime) -> QuerySet:
    """A red card and still overdue, in a state where a department can be assigned."""
    return Incident.objects.filter(_assignable(), escalation=Escalation.RED, due_at__lte=now)


# (reason, query) in priority order: a case matching several is listed under the first.
# Extension point: once the inspections app exists, major hazards that are overdue or whose
# enterprise refuses to rectify join here with their own ItemReason (a hazard is not a case, so
# AgendaItem will then need a hazard reference beside `incident`).
CANDIDATE_SOURCES: list[tuple[str, Callable[[datetime], QuerySet]]] = [
    (ItemReason.DISPUTED, disputed_cases),
    (ItemReason.RETURNED, returned_cases),
    (ItemReason.RED_CARD, red_card_cases),
]


def _undecided_earlier_items(week_start: date, exclude_meeting_id: int | None) -> list[dict]:
    """Items of earlier agendas that were never decided, whose case is still open.

    Earlier means: a meeting whose minutes are published, or one of an earlier week that was
    never held. A meeting of the same week that is still being prepared does not hand its items
    on (it will decide them itself).
    """
    items = (
        AgendaItem.objects.active()
        .filter(Q(decision__isnull=True) | Q(decision__applied_at__isnull=True))
        .filter(Q(meeting__status=MeetingStatus.PUBLISHED) | Q(meeting__week_start__lt=week_start))
        .filter(incident__status__in=OPEN_STATUSES)
    )
    if exclude_meeting_id is not None:
        items = items.exclude(meeting_id=exclude_meeting_id)
    return list(items.values("incident_id", "reason", "meeting_id", "meeting__held_at"))


def _last_decided_meetings(incident_ids: Iterable[int]) -> dict[int, datetime]:
    """incident id → when the latest meeting that decided it was held."""
    last: dict[int, datetime] = {}
    rows = Decision.objects.applied().filter(item__incident_id__in=list(incident_ids)).values_list(
        "item__incident_id", "item__meeting__held_at"
    )
    for incident_id, held_at in rows:
        if incident_id not in last or held_at > last[incident_id]:
            last[incident_id] = held_at
    return last


def agenda_candidates(*, week_start: date, now: datetime | None = None, exclude_meeting_id: int | None = None) -> list[Candidate]:
    """The cases the agenda of the meeting in `week_start`'s week should take up, in agenda order."""
    now = now or timezone.now()
    found: dict[int, Candidate] = {}
    for reason, source in CANDIDATE_SOURCES:
        for incident_id in source(now).values_list("pk", flat=True):
            found.setdefault(incident_id, Candidate(incident_id, reason))
    earlier = _undecided_earlier_items(week_start, exclude_meeting_id)
    decided = _last_decided_meetings({row["incident_id"] for row in earlier})
    for row in earlier:
        incident_id = row["incident_id"]
        if incident_id in decided and decided[incident_id] > row["meeting__held_at"]:
            continue  # a later meeting decided it
        candidate = found.setdefault(incident_id, Candidate(incident_id, row["reason"]))
        if candidate.carried_from_held_at is None or row["meeting__held_at"] > candidate.carried_from_held_at:
            candidate.carried_from_id = row["meeting_id"]
            candidate.carried_from_held_at = row["meeting__held_at"]
    reported = dict(Incident.objects.filter(pk__in=list(found)).values_list("pk", "reported_at"))
    return sorted(found.values(), key=lambda c: (REASON_ORDER.index(c.reason), reported.get(c.incident_id), c.incident_id))


# --- One line of history per case --------------------------------------------------------------

@dataclass
class CaseHistory:
    parts: list[str] = field(default_factory=list)
    department_ids: set[int] = field(default_factory=set)

    @property
    def line(self) -> str:
        if not self.parts:
            return _("No returns or escalations.")
        parts = self.parts
        if len(parts) > HISTORY_MAX_PARTS:
            parts = ["…", *parts[-HISTORY_MAX_PARTS:]]
        return " · ".join(parts)


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d")


def _history_part(kind: str, data: dict, at: datetime) -> str:
    day = _day(at)
    if kind == EventKind.RETURN:
        return _("returned by %(department)s %(day)s") % {"department": data.get("department_name") or "?", "day": day}
    if kind == EventKind.DISPUTE:
        return _("disputed %(day)s") % {"day": day}
    if kind == EventKind.AUTO_DISPUTE:
        return _("disputed automatically %(day)s") % {"day": day}
    if kind == EventKind.YELLOW_CARD:
        return _("yellow card %(day)s") % {"day": day}
    if kind == EventKind.RED_CARD:
        return _("red card %(day)s") % {"day": day}
    return _("meeting no. %(number)s assigned %(department)s %(day)s") % {
        "number": data.get("meeting_number", "?"), "department": data.get("department_name") or "?", "day": day,
    }


def case_histories(incident_ids: Iterable[int]) -> dict[int, CaseHistory]:
    """incident id → its returns, disputes, cards and meeting decisions, oldest first (one query)."""
    histories: dict[int, CaseHistory] = defaultdict(CaseHistory)
    rows = (
        IncidentEvent.objects.filter(incident_id__in=list(incident_ids), kind__in=HISTORY_KINDS)
        .order_by("created_at", "pk")
        .values_list("incident_id", "kind", "data", "created_at")
    )
    for incident_id, kind, data, created_at in rows:
        data = data or {}
        history = histories[incident_id]
        history.parts.append(_history_part(kind, data, created_at))
        if kind in (EventKind.RETURN, EventKind.DISPUTE, EventKind.MEETING_DECISION) and data.get("department"):
            history.department_ids.add(int(data["department"]))
    return histories


# --- Follow-up: what earlier meetings decided that is still open or was missed -----------------

@dataclass
class FollowUp:
    decision: Decision
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)

    @property
    def outcome_badge(self) -> str:
        return OUTCOME_BADGE.get(self.outcome, "")


def decision_outcome(decision: Decision, *, as_of: datetime, superseded_at: datetime | None = None) -> str:
    """What became of `decision` as it stood at `as_of` (needs item.incident loaded)."""
    if decision.applied_at is None:
        return Outcome.PENDING
    if superseded_at is not None and superseded_at <= as_of:
        return Outcome.SUPERSEDED
    incident = decision.item.incident
    if incident.closed_at is not None and incident.closed_at <= as_of:
        return Outcome.DONE_ON_TIME if incident.closed_at <= decision.deadline else Outcome.DONE_LATE
    if incident.status in (Status.VOID, Status.REJECTED):
        return Outcome.ENDED
    return Outcome.MISSED if decision.deadline <= as_of else Outcome.OPEN


def next_decision_at() -> Subquery:
    """When the same case was next decided by a meeting (annotation on Decision)."""
    return Subquery(
        Decision.objects.filter(item__incident_id=OuterRef("item__incident_id"), applied_at__gt=OuterRef("applied_at"))
        .order_by("applied_at").values("applied_at")[:1]
    )


def follow_up_as_of(meeting: Meeting, now: datetime | None = None) -> datetime:
    """A published meeting shows the follow-up as it stood when its session opened."""
    if meeting.is_published:
        return meeting.started_at or meeting.published_at or meeting.held_at
    return now or timezone.now()


def previous_meeting(meeting: Meeting, as_of: datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(status=MeetingStatus.PUBLISHED, published_at__lt=as_of)
        .exclude(pk=meeting.pk).order_by("-published_at", "-pk").first()
    )


def follow_up(meeting: Meeting, now: datetime | None = None) -> list[FollowUp]:
    """Decisions of earlier meetings to hold departments to: every one whose case is still open
    (on track or missed), and those of the previous meeting that were closed late. Three queries."""
    as_of = follow_up_as_of(meeting, now)
    previous = previous_meeting(meeting, as_of)
    still_open = Q(item__incident__closed_at__isnull=True) & ~Q(item__incident__status__in=[Status.VOID, Status.REJECTED])
    condition = still_open | Q(item__incident__closed_at__gt=as_of)
    if previous is not None:
        condition |= Q(item__meeting=previous, item__incident__closed_at__gt=F("deadline"))
    decisions = (
        Decision.objects.applied().filter(applied_at__lt=as_of).exclude(item__meeting=meeting).filter(condition)
        .annotate(superseded_at=next_decision_at())
        .select_related("item__meeting", "item__incident__category", "item__incident__community", "lead_department")
        .prefetch_related("cooperating")
        .order_by("item__meeting__held_at", "item__meeting_id", "item__position", "item_id")
    )
    rows = []
    for decision in decisions:
        outcome = decision_outcome(decision, as_of=as_of, superseded_at=decision.superseded_at)
        late_last_time = outcome == Outcome.DONE_LATE and previous is not None and decision.item.meeting_id == previous.pk
        if outcome in (Outcome.OPEN, Outcome.MISSED) or late_last_time:
            rows.append(FollowUp(decision, outcome))
    return rows
