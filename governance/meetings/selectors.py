"""Read models of the joint meetings for pages, the API, print and the decision ledger.

Every read starts from the model's `visible_to(user)` and declares its joins, so list pages and
endpoints run a fixed number of queries however many meetings, items and decisions there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from governance.meetings import subjects
from governance.meetings.agenda import decision_outcome, next_decision_at, week_of
from governance.meetings.choices import OUTCOME_BADGE, MeetingKind, MeetingStatus, Outcome
from governance.meetings.models import AgendaItem, Decision, Meeting
from grids.models import SubDistrict

ITEM_JOINS = (*subjects.item_joins(), "carried_from", "withdrawn_by", "decision__lead_department")


def meeting_list(user) -> QuerySet:
    return (
        Meeting.objects.visible_to(user)
        .select_related("chair")
        .annotate(
            item_count=Count("items", filter=Q(items__withdrawn_at__isnull=True), distinct=True),
            decided_count=Count("items__decision", filter=Q(items__withdrawn_at__isnull=True), distinct=True),
        )
        .order_by("-held_at", "-pk")
    )


def meeting_detail(user) -> QuerySet:
    return (
        Meeting.objects.visible_to(user)
        .select_related("chair", "created_by", "published_by")
        .prefetch_related("attending_departments", "attendees")
    )


def this_weeks_meeting(user, *, kind: str = MeetingKind.WEEKLY, now: datetime | None = None) -> Meeting | None:
    return Meeting.objects.visible_to(user).filter(kind=kind, week_start=week_of(now or timezone.now())).first()


def agenda_items(meeting: Meeting, *, include_withdrawn: bool = True) -> list[AgendaItem]:
    """The meeting's items in order, each with `number` (its place among the items still on the
    agenda; None for a removed one) and its decision (or None) loaded."""
    items = meeting.items.select_related(*ITEM_JOINS).prefetch_related("decision__cooperating").order_by("position", "pk")
    if not include_withdrawn:
        items = items.active()
    result = list(items)
    number = 0
    for item in result:
        item.number = None if item.is_withdrawn else (number := number + 1)
        item.current_decision = getattr(item, "decision", None)
    return result


def item_list(user) -> QuerySet:
    return (
        AgendaItem.objects.visible_to(user)
        .select_related(*ITEM_JOINS)
        .order_by("meeting_id", "position", "pk")
    )


def decision_list(user) -> QuerySet:
    """Decisions the user may see, newest meeting first, with what the outcome needs loaded."""
    return (
        # Case decisions: a hazard decision is followed through its joint interview (inspections).
        Decision.objects.visible_to(user).filter(item__incident__isnull=False)
        .select_related(
            "item__meeting", "item__incident__category__parent", "item__incident__community", "item__incident__department",
            "lead_department",
        )
        .prefetch_related(Prefetch("cooperating"))
        .annotate(superseded_at=next_decision_at())
        .order_by("-item__meeting__held_at", "-item__meeting_id", "item__position", "item_id")
    )


def with_outcomes(decisions, now: datetime | None = None) -> Iterator[Decision]:
    """Each decision with `outcome` set (as of now), from what decision_list loaded."""
    now = now or timezone.now()
    for decision in decisions:
        decision.outcome = decision_outcome(decision, as_of=now, superseded_at=getattr(decision, "superseded_at", None))
        decision.outcome_label = Outcome(decision.outcome).label
        decision.outcome_badge = OUTCOME_BADGE.get(decision.outcome, "")
        yield decision


CHINESE_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (up to 99; beyond that, digits)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CHINESE_NUMERALS[tens]) + "十" if tens else ""
    return text + (CHINESE_NUMERALS[ones] if ones else "")


def item_heading_number(n: int) -> str:
    """How an item is numbered in an official document: 一、二、… in Chinese, 1. 2. … otherwise."""
    if (get_language() or "").startswith("zh"):
        return f"{chinese_number(n)}、"
    return f"{n}."


def distribution(meeting: Meeting, items: list[AgendaItem]) -> list[str]:
    """Who receives the minutes: the attending departments and every department a decision names."""
    departments = {d.pk: d for d in meeting.attending_departments.all()}
    for item in items:
        decision = item.current_decision
        if decision is not None:
            departments.setdefault(decision.lead_department_id, decision.lead_department)
            departments.update({d.pk: d for d in decision.cooperating.all()})
    return [d.name for d in sorted(departments.values(), key=lambda d: (d.sort, d.name))]


def subdistrict_name() -> str:
    """The issuing office's name for the letterhead of printed agendas and minutes."""
    return SubDistrict.objects.order_by("pk").values_list("name", flat=True).first() or ""


def is_draft(meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.PUBLISHED
