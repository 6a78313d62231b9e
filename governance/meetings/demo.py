"""Demo joint meetings: the last few weekly meetings with published minutes, and this week's agenda.

Runs after the case history of the demo. Past meetings take up cases that called for a meeting when
it took place (disputed, returned twice, red card overdue) and have not moved since, decide most of
them through the same services as the pages (so the cases are dispatched, with the meeting's
deadline and a "decided at meeting N" line on their timeline) and leave one undecided, which the
next meeting carries over. Without any cases it creates the meetings alone. Idempotent: a week
that has its meeting is left as it is.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import ItemReason, MeetingKind
from governance.meetings.models import AgendaItem, Meeting
from governance.meetings.subjects.case import case_histories
from grids.choices import Role
from grids.models import Department, User
from incidents.choices import Escalation, Status
from incidents.models import Incident, IncidentEvent
from incidents.services.decisions import ASSIGNABLE_STATUSES

PAST_WEEKS = 4
ITEMS_PER_MEETING = 3
PLACE = "街道办事处三楼会议室"
NOTES = [
    "牵头单位三日内到现场核实，配合单位提供执法依据。",
    "由牵头单位协调产权单位限期整改，整改结果报街道综治办。",
    "配合单位派员参与联合处置，处置完毕后由网格员核查。",
]


def _held_at(week_start) -> datetime:
    return timezone.make_aware(datetime.combine(week_start + timedelta(days=2), time(9, 0)))


def _deadline(held_at: datetime, weeks_ago: int) -> datetime:
    # The latest meeting's deadlines are still ahead; older ones have passed (follow-up shows them).
    days = 14 if weeks_ago == 1 else 7
    return (held_at + timedelta(days=days)).replace(hour=17, minute=30)


def _candidates_before(moment: datetime, taken: set[int], limit: int) -> list[tuple[Incident, str]]:
    """Cases that, as they stood at `moment`, called for the meeting: nothing has happened to them
    since (their last timeline event is older), and they were disputed, returned twice or more,
    or red-carded and overdue. Deciding them at `moment` keeps every timeline in order."""
    last_event = Subquery(IncidentEvent.objects.filter(incident=OuterRef("pk")).order_by("-created_at").values("created_at")[:1])
    quiet = (
        Incident.objects.filter(status__in=ASSIGNABLE_STATUSES).exclude(pk__in=taken)
        .annotate(last_event_at=last_event).filter(last_event_at__lt=moment - timedelta(days=1))
        .select_related("category").order_by("last_event_at", "code")
    )
    found: list[tuple[Incident, str]] = []
    for reason, condition in (
        (ItemReason.DISPUTED, Q(status=Status.DISPUTED)),
        (ItemReason.RETURNED, Q(return_count__gte=2)),
        (ItemReason.RED_CARD, Q(escalation=Escalation.RED, due_at__lte=moment)),
    ):
        seen = {c.pk for c, _reason in found}
        found += [(c, reason) for c in quiet.filter(condition).exclude(pk__in=seen)[: limit - len(found)]]
    return found[:limit]


def _lead_for(case: Incident, departments: list[Department], index: int) -> tuple[Department, list[Department]]:
    lead = case.category.default_department if case.category.default_department_id else departments[index % len(departments)]
    partners = [d for d in departments if d.pk != lead.pk][index % max(len(departments) - 1, 1):][:1]
    return lead, partners


def _past_meeting(week_start, weeks_ago: int, *, street: User, departments: list[Department], attendees: list[User],
                  carried: list[AgendaItem], taken: set[int], created: Counter) -> list[AgendaItem]:
    """One published past meeting; returns its undecided items (carried to the next). With cases in
    the demo but none that called for a meeting that week, no meeting is held (returns [])."""
    held_at = _held_at(week_start)
    picked = [(item.incident, item.reason) for item in carried if item.incident.status in ASSIGNABLE_STATUSES]
    picked += _candidates_before(held_at, taken | {c.pk for c, _r in picked}, ITEMS_PER_MEETING - len(picked))
    if not picked and Incident.objects.exists():
        return []
    meeting, _ = meetings.prepare_meeting(
        kind=MeetingKind.WEEKLY, week_start=week_start, actor=street, now=held_at - timedelta(days=2, hours=1), held_at=held_at,
        place=PLACE, chair=street, attendees=attendees, fill=False,
    )
    cases = [case for case, _reason in picked]
    taken.update(c.pk for c in cases)
    carried_from = {item.incident_id: item.meeting_id for item in carried}
    histories = case_histories(c.pk for c in cases)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, incident=case, position=i, reason=reason, carried_from_id=carried_from.get(case.pk),
                   history=histories[case.pk].line[:500], added_by=street)
        for i, (case, reason) in enumerate(picked, start=1)
    )
    involved = set().union(*(histories[c.pk].department_ids for c in cases)) if cases else set()
    meetings.start_session(meeting.pk, actor=street, now=held_at)
    undecided = []
    for i, item in enumerate(items):
        if i == len(items) - 1 and len(items) == ITEMS_PER_MEETING:
            undecided.append(item)  # the meeting wants the zone's site report first: next week
            continue
        lead, partners = _lead_for(item.incident, departments, i + weeks_ago)
        involved.update({lead.pk, *(p.pk for p in partners)})
        meetings.record_decision(item.pk, actor=street, lead_department=lead, cooperating=partners,
                                 deadline=_deadline(held_at, weeks_ago), note=NOTES[(i + weeks_ago) % len(NOTES)], now=held_at)
        created["decisions"] += 1
    meetings.update_meeting(meeting.pk, actor=street,
                            attending_departments=Department.objects.filter(pk__in=involved) if involved else departments[:3])
    meetings.publish_minutes(meeting.pk, actor=street, now=held_at + timedelta(hours=2, minutes=30))
    created["meetings"] += 1
    created["agenda items"] += len(items)
    return undecided


@transaction.atomic
def seed_meetings(*, stdout: TextIO | None = None, now: datetime | None = None) -> dict[str, int]:
    """The last PAST_WEEKS weekly meetings (published) and this week's (prepared)."""
    now = now or timezone.now()
    created: Counter[str] = Counter()
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()
    if street is None:
        return {}
    departments = list(Department.objects.filter(is_active=True).order_by("sort", "pk"))
    attendees = list(User.objects.filter(role=Role.DEPARTMENT, is_active=True, zone__isnull=True).order_by("username")[:6])
    this_week = week_of(now)
    carried: list[AgendaItem] = []
    taken: set[int] = set(AgendaItem.objects.values_list("incident_id", flat=True))
    for weeks_ago in range(PAST_WEEKS, 0, -1):
        week_start = this_week - timedelta(weeks=weeks_ago)
        if Meeting.objects.filter(kind=MeetingKind.WEEKLY, week_start=week_start).exists():
            carried = []
            continue
        carried = _past_meeting(week_start, weeks_ago, street=street, departments=departments, attendees=attendees,
                                carried=carried, taken=taken, created=created)
    meeting, new = meetings.prepare_weekly_meeting(now=now)
    if new:
        meetings.update_meeting(meeting.pk, actor=street, chair=street, place=PLACE, attendees=attendees)
        created["meetings"] += 1
        created["agenda items"] += meeting.items.count()
    if stdout is not None:
        stdout.write(f"Meetings: {created['meetings']} new, {created['decisions']} decisions; this week's agenda: {meeting.title}\n")
    return dict(created)
