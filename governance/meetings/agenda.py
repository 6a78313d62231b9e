"""What goes on a joint meeting's agenda, and what the meeting must follow up.

The subjects (governance.meetings.subjects) say which open objects call for a meeting and why;
this module adds what earlier agendas handed on without deciding, and orders the lot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from governance.meetings import subjects
from governance.meetings.choices import OUTCOME_BADGE, ItemReason, MeetingStatus, Outcome
from governance.meetings.models import AgendaItem, Decision, Meeting
from incidents.choices import Status

# The order of reasons on a prepared agenda.
REASON_ORDER = [
    ItemReason.INTERVIEW, ItemReason.DISPUTED, ItemReason.RETURNED, ItemReason.RED_CARD, ItemReason.FOLLOW_UP, ItemReason.MANUAL,
]


@dataclass
class Candidate:
    object_id: int
    reason: str
    carried_from_id: int | None = None
    carried_from_held_at: datetime | None = None
    kind: str = "case"

    @property
    def key(self) -> subjects.Key:
        return self.kind, self.object_id

    @property
    def incident_id(self) -> int | None:
        return self.object_id if self.kind == "case" else None


def week_of(moment: datetime | date | None = None) -> date:
    """Monday of the (local, Asia/Shanghai) week containing `moment`."""
    day = moment if isinstance(moment, date) and not isinstance(moment, datetime) else timezone.localdate(moment or timezone.now())
    return day - timedelta(days=day.weekday())


def _in_session_now(now: datetime) -> Q:
    """Meetings being held: in session in this week or a later one (an older session whose minutes
    were never published counts as never held)."""
    return Q(meeting__status=MeetingStatus.IN_SESSION, meeting__week_start__gte=week_of(now))


def _in_session_elsewhere(now: datetime, exclude_meeting_id: int | None) -> set[subjects.Key]:
    """What is on the agenda of a meeting being held: that session's business, which joins no
    other agenda until its minutes are published (then, if undecided, it is carried over)."""
    items = AgendaItem.objects.active().filter(_in_session_now(now))
    if exclude_meeting_id is not None:
        items = items.exclude(meeting_id=exclude_meeting_id)
    return {subjects.key_of(row) for row in items.values(*subjects.id_fields())}


def _undecided_earlier_items(week_start: date, exclude_meeting_id: int | None, now: datetime) -> list[dict]:
    """Items of earlier agendas that were never decided, whose subject is still open.

    Earlier means: a meeting whose minutes are published, or one of an earlier week that was
    never held. A meeting of the same week that is still being prepared does not hand its items
    on (it will decide them itself), nor does a meeting in session (until it publishes).
    """
    items = (
        AgendaItem.objects.active()
        .filter(Q(decision__isnull=True) | Q(decision__applied_at__isnull=True))
        .filter(Q(meeting__status=MeetingStatus.PUBLISHED) | (Q(meeting__week_start__lt=week_start) & ~_in_session_now(now)))
        .filter(reduce(or_, (subject.still_open() for subject in subjects.SUBJECTS.values())))
    )
    if exclude_meeting_id is not None:
        items = items.exclude(meeting_id=exclude_meeting_id)
    return list(items.values(*subjects.id_fields(), "reason", "meeting_id", "meeting__held_at"))


def _last_decided_meetings(keys: Iterable[subjects.Key]) -> dict[subjects.Key, datetime]:
    """(kind, id) → when the latest meeting that decided it was held."""
    wanted: dict[str, list[int]] = {}
    for kind, pk in keys:
        wanted.setdefault(kind, []).append(pk)
    if not wanted:
        return {}
    condition = reduce(or_, (Q(**{f"item__{subjects.SUBJECTS[kind].id_field}__in": ids}) for kind, ids in wanted.items()))
    fields = [f"item__{name}" for name in subjects.id_fields()]
    last: dict[subjects.Key, datetime] = {}
    for row in Decision.objects.applied().filter(condition).values(*fields, "item__meeting__held_at"):
        key = subjects.key_of({name.removeprefix("item__"): row[name] for name in fields})
        held_at = row["item__meeting__held_at"]
        if key not in last or held_at > last[key]:
            last[key] = held_at
    return last


def agenda_candidates(*, week_start: date, now: datetime | None = None, exclude_meeting_id: int | None = None) -> list[Candidate]:
    """What the agenda of the meeting in `week_start`'s week should take up, in agenda order."""
    now = now or timezone.now()
    found: dict[subjects.Key, Candidate] = {}
    for subject in subjects.SUBJECTS.values():
        for reason, source in subject.sources:
            for pk in source(now).values_list("pk", flat=True):
                found.setdefault((subject.kind, pk), Candidate(pk, reason, kind=subject.kind))
    earlier = _undecided_earlier_items(week_start, exclude_meeting_id, now)
    decided = _last_decided_meetings({subjects.key_of(row) for row in earlier})
    for row in earlier:
        key = subjects.key_of(row)
        if key in decided and decided[key] > row["meeting__held_at"]:
            continue  # a later meeting decided it
        candidate = found.setdefault(key, Candidate(key[1], row["reason"], kind=key[0]))
        if candidate.carried_from_held_at is None or row["meeting__held_at"] > candidate.carried_from_held_at:
            candidate.carried_from_id = row["meeting_id"]
            candidate.carried_from_held_at = row["meeting__held_at"]
    for key in _in_session_elsewhere(now, exclude_meeting_id):
        found.pop(key, None)
    order: dict[subjects.Key, object] = {}
    for kind, subject in subjects.SUBJECTS.items():
        ids = [pk for k, pk in found if k == kind]
        order.update({(kind, pk): value for pk, value in subject.sort_keys(ids).items()} if ids else {})
    return sorted(found.values(), key=lambda c: (REASON_ORDER.index(c.reason), order.get(c.key), c.kind, c.object_id))


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
        Decision.objects.applied().filter(applied_at__lt=as_of, item__incident__isnull=False).exclude(item__meeting=meeting)
        .filter(condition)
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
