"""Every write on the joint meetings, as named verbs (ARCHITECTURE.md, services).

Each verb takes the acting user keyword-only, runs in one transaction, locks the meeting row, and
refuses what the meeting's state does not allow with a MeetingError (HTTP 409, or 403 for a user
who does not run meetings) or a ValidationError (400). Published minutes are read-only: every
verb below refuses to change them.

Publishing applies every decision through its subject (governance.meetings.subjects: for a case,
`incidents.services.decisions.assign_by_decision`, which moves it through `apply_action`) inside
the same transaction: if one decision cannot be applied, nothing at all changes and the error
names the item.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Forbidden, Refused
from casework.http import refusal_message
from governance.meetings import subjects
from governance.meetings.agenda import agenda_candidates, week_of
from governance.meetings.choices import (
    DEFAULT_PLACE,
    WEEKLY_MEETING_TIME,
    WEEKLY_MEETING_WEEKDAY,
    ItemReason,
    MeetingKind,
    MeetingStatus,
)
from governance.meetings.models import AgendaItem, Decision, Meeting
from grids.models import Department, User
from grids.notifications import notify
from grids.people import street_office
from grids.selectors import active_department

MAX_NOTE = 2000
MAX_REASON = 300


class MeetingError(Refused):
    """The meeting's state does not allow this: HTTP 409 (casework.http maps it, like every refusal)."""

    def __init__(self, message: str, *, code: str = "conflict", **extra):
        super().__init__(message, code=code, **extra)


class MeetingForbidden(Forbidden, MeetingError):
    """Only the street office runs the joint meetings: HTTP 403."""


class PublishFailed(MeetingError):
    """One decision could not be applied; the whole publication was rolled back."""

    def __init__(self, item: AgendaItem, number: int, reason: str):
        code = subjects.subject_of(item).code(subjects.object_of(item))
        message = _("Item %(number)s (case %(code)s) could not be applied: %(reason)s Nothing was published.") % {
            "number": number, "code": code, "reason": reason,
        }
        super().__init__(message, code="decision_failed", item=item.pk, number=number, reason=reason)
        self.item_id = item.pk
        self.number = number
        self.reason = reason


# --- guards ------------------------------------------------------------------------------------

def _require_street(actor) -> None:
    if not getattr(actor, "sees_everything", False):
        raise MeetingForbidden(_("Only the street office runs the joint meetings."))


def _lock(meeting_id, actor) -> Meeting:
    """The meeting, locked for this transaction; 404 if missing or not visible."""
    try:
        return Meeting.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _editable(meeting: Meeting) -> None:
    if meeting.is_published:
        raise MeetingError(_("The minutes are published and can no longer be changed."), code="published")


def _lock_item(item_id, actor) -> tuple[Meeting, AgendaItem]:
    try:
        meeting_id = AgendaItem.objects.visible_to(actor).values_list("meeting_id", flat=True).get(pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    meeting = _lock(meeting_id, actor)
    item = AgendaItem.objects.select_related(*(subject.field for subject in subjects.SUBJECTS.values())).get(pk=item_id)
    return meeting, item


def _text(value, *, name: str, required: bool, limit: int, label: str) -> str:
    return parsers.text(value, field=name, label=label, required=required, max_length=limit)


# --- the week and the meeting's number ---------------------------------------------------------

def default_held_at(week_start: date, now: datetime) -> datetime:
    """Wednesday 09:00 of the week; the next full hour if that has passed (a late run)."""
    held = timezone.make_aware(datetime.combine(week_start + timedelta(days=WEEKLY_MEETING_WEEKDAY), WEEKLY_MEETING_TIME))
    if held <= now:
        held = timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return held


def _next_number(kind: str, year: int) -> int:
    return (Meeting.objects.filter(kind=kind, year=year).aggregate(n=Max("number"))["n"] or 0) + 1


# --- preparing the agenda ----------------------------------------------------------------------

def _fill_agenda(meeting: Meeting, *, actor, now: datetime, set_departments: bool) -> int:
    """Put every candidate that is not on this agenda yet onto it (withdrawn ones stay off)."""
    candidates = agenda_candidates(week_start=meeting.week_start, now=now, exclude_meeting_id=meeting.pk)
    already = {subjects.key_of(row) for row in AgendaItem.objects.filter(meeting=meeting).values(*subjects.id_fields())}
    candidates = [c for c in candidates if c.key not in already]
    if not candidates:
        return 0
    histories = subjects.histories(c.key for c in candidates)
    start = (AgendaItem.objects.filter(meeting=meeting).aggregate(p=Max("position"))["p"] or 0) + 1
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, position=start + i, reason=c.reason, carried_from_id=c.carried_from_id,
            history=histories[c.key].line[:500], added_by=actor, **{subjects.SUBJECTS[c.kind].id_field: c.object_id},
        )
        for i, c in enumerate(candidates)
    )
    if set_departments:
        involved = set().union(*(histories[c.key].department_ids for c in candidates))
        meeting.attending_departments.add(*Department.objects.filter(pk__in=involved, is_active=True))
    return len(candidates)


def prepare_meeting(
    *,
    kind: str,
    week_start: date,
    actor=None,
    now: datetime | None = None,
    held_at: datetime | None = None,
    place: str = "",
    chair=None,
    attending_departments: Iterable[Department] = (),
    attendees: Iterable[User] = (),
    guests: str = "",
    fill: bool = True,
) -> tuple[Meeting, bool]:
    """The meeting of `kind` in `week_start`'s week, created with its agenda if it does not exist.

    Idempotent and safe to run concurrently: the database allows one meeting per kind and week,
    and a run that loses the race to insert it takes the winner's meeting instead.
    Returns (meeting, created).
    """
    if actor is not None:
        _require_street(actor)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    now = now or timezone.now()
    week_start = week_of(week_start)
    existing = Meeting.objects.filter(kind=kind, week_start=week_start).first()
    if existing is not None:
        return existing, False
    held_at = held_at or default_held_at(week_start, now)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                year = timezone.localtime(held_at).year
                meeting, created = Meeting.objects.get_or_create(
                    kind=kind, week_start=week_start,
                    defaults={
                        "year": year, "number": _next_number(kind, year), "held_at": held_at,
                        "place": _text(place, name="place", required=False, limit=200, label=_("Place")) or str(DEFAULT_PLACE),
                        "chair": chair, "guests": _text(guests, name="guests", required=False, limit=500, label=_("Other attendees")),
                        "created_by": actor,
                    },
                )
                if not created:
                    return meeting, False
                meeting.attending_departments.set(list(attending_departments))
                meeting.attendees.set(list(attendees))
                unset = not meeting.attending_departments.exists()
                count = _fill_agenda(meeting, actor=actor, now=now, set_departments=unset) if fill else 0
                _tell_prepared(meeting, count, actor)
                return meeting, True
        except IntegrityError:
            # A concurrent run inserted this week's meeting (or took the number) first.
            meeting = Meeting.objects.filter(kind=kind, week_start=week_start).first()
            if meeting is not None:
                return meeting, False
    raise MeetingError(_("Could not number the meeting; try again."))


def prepare_weekly_meeting(*, now: datetime | None = None) -> tuple[Meeting, bool]:
    """What Celery beat runs every Monday morning: this week's weekly work meeting and its agenda."""
    now = now or timezone.now()
    return prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(now), now=now)


@transaction.atomic
def keep_weekly_agenda_current(*, now: datetime | None = None) -> int:
    """What beat runs every MEETING_AGENDA_REFRESH_MINUTES between the Monday preparations: what
    became a candidate since the coming weekly meeting's agenda was prepared joins it. Returns how
    many items it added.

    The coming meeting is the earliest weekly meeting of this week or later whose agenda is still
    being prepared. Once this week's meeting is in session or published, that is next week's if
    the chair prepared it early; otherwise nothing is added and the new candidates wait for next
    Monday's preparation, which finds them (a candidate is a state of its subject, not a message,
    so nothing is lost by waiting). A run does not create next week's meeting: that would number
    and announce it days early with a guessed date.

    Idempotent: a subject already on the agenda (including one the chair removed, which stays
    removed) is never added again, and the meeting row is locked against a concurrent refresh.
    """
    now = now or timezone.now()
    meeting = (
        Meeting.objects.filter(kind=MeetingKind.WEEKLY, status=MeetingStatus.PREPARED, week_start__gte=week_of(now))
        .order_by("week_start", "pk").select_for_update(of=("self",)).first()
    )
    if meeting is None:
        return 0
    return _fill_agenda(meeting, actor=None, now=now, set_departments=False)


def _tell_prepared(meeting: Meeting, count: int, actor) -> None:
    recipients = set(street_office())
    if actor is not None:
        recipients.discard(actor.pk)
    notify(
        recipients, kind="meeting_prepared",
        title=_("Agenda prepared: %(meeting)s") % {"meeting": meeting.title},
        body=_("%(count)s cases on the agenda.") % {"count": count},
        url=reverse("meetings:detail", args=[meeting.pk]), key=f"meeting-prepared:{meeting.pk}",
    )


@transaction.atomic
def refresh_agenda(meeting_id, *, actor, now: datetime | None = None) -> int:
    """Add the cases that became candidates since the agenda was prepared; returns how many."""
    _require_street(actor)
    meeting = _lock(meeting_id, actor)
    _editable(meeting)
    return _fill_agenda(meeting, actor=actor, now=now or timezone.now(), set_departments=False)


@transaction.atomic
def update_meeting(meeting_id, *, actor, **fields) -> Meeting:
    """Change date, place, chair, attendance, guests or the other matters of the minutes."""
    _require_street(actor)
    meeting = _lock(meeting_id, actor)
    _editable(meeting)
    simple = {"held_at", "place", "chair", "guests", "summary"}
    unknown = set(fields) - simple - {"attending_departments", "attendees"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if "place" in fields:
        fields["place"] = _text(fields["place"], name="place", required=True, limit=200, label=_("Place"))
    if "guests" in fields:
        fields["guests"] = _text(fields["guests"], name="guests", required=False, limit=500, label=_("Other attendees"))
    if "summary" in fields:
        fields["summary"] = _text(fields["summary"], name="summary", required=False, limit=5000, label=_("Other matters"))
    changed = [name for name in simple if name in fields]
    for name in changed:
        setattr(meeting, name, fields[name])
    if changed:
        meeting.save(update_fields=changed)
    if "attending_departments" in fields:
        meeting.attending_departments.set(list(fields["attending_departments"]))
    if "attendees" in fields:
        meeting.attendees.set(list(fields["attendees"]))
    return meeting


# --- the chair's hand on the agenda ------------------------------------------------------------

@transaction.atomic
def add_item(meeting_id, *, actor, incident, reason_note: str, reason: str = ItemReason.MANUAL) -> AgendaItem:
    """Put a case on the agenda by hand, with the reason why (a removed case comes back)."""
    _require_street(actor)
    meeting = _lock(meeting_id, actor)
    _editable(meeting)
    if reason not in (ItemReason.MANUAL, ItemReason.FOLLOW_UP):
        raise ValidationError({"reason": _("Choose why the case is added.")})
    note = _text(reason_note, name="reason_note", required=True, limit=MAX_REASON, label=_("Reason"))
    subject = subjects.SUBJECTS["case"]
    case = subject.find(actor, incident)
    refused = subject.refuse_manual(case)
    if refused:
        raise ValidationError({subject.field: refused})
    history = subject.histories([case.pk])[case.pk].line[:500]
    position = (meeting.items.aggregate(p=Max("position"))["p"] or 0) + 1
    item = AgendaItem.objects.filter(meeting=meeting, **{subject.field: case}).first()
    if item is not None and not item.is_withdrawn:
        raise MeetingError(_("Case %(code)s is already on this agenda.") % {"code": subject.code(case)}, code="duplicate")
    if item is None:
        item = AgendaItem(meeting=meeting, **{subject.field: case})
    item.position, item.reason, item.reason_note, item.history, item.added_by = position, reason, note, history, actor
    item.withdrawn_at, item.withdrawn_by, item.withdrawn_reason = None, None, ""
    item.save()
    return item


@transaction.atomic
def withdraw_item(item_id, *, actor, reason: str, now: datetime | None = None) -> AgendaItem:
    """Take a case off the agenda, saying why; a decision recorded for it is dropped."""
    _require_street(actor)
    meeting, item = _lock_item(item_id, actor)
    _editable(meeting)
    reason = _text(reason, name="reason", required=True, limit=MAX_REASON, label=_("Reason"))
    if item.is_withdrawn:
        raise MeetingError(_("This case is no longer on the agenda."), code="withdrawn")
    Decision.objects.filter(item=item).delete()
    item.withdrawn_at, item.withdrawn_by, item.withdrawn_reason = now or timezone.now(), actor, reason
    item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return item


@transaction.atomic
def reorder_items(meeting_id, *, actor, order: list) -> list[int]:
    """Set the order of the agenda: `order` lists every item still on it, first to last."""
    _require_street(actor)
    meeting = _lock(meeting_id, actor)
    _editable(meeting)
    active = list(meeting.items.active().values_list("pk", flat=True))
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError({"order": _("A list of agenda item ids.")}) from None
    if sorted(wanted) != sorted(active):
        raise ValidationError({"order": _("List every item on the agenda exactly once.")})
    items = {item.pk: item for item in meeting.items.active()}
    for position, pk in enumerate(wanted, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    return wanted


def move_item(item_id, *, actor, offset: int) -> list[int]:
    """Move an item up (offset -1) or down (+1) the agenda."""
    _require_street(actor)
    try:
        meeting_id = AgendaItem.objects.visible_to(actor).values_list("meeting_id", flat=True).get(pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    with transaction.atomic():
        meeting = _lock(meeting_id, actor)
        _editable(meeting)
        order = list(meeting.items.active().values_list("pk", flat=True))
        if int(item_id) not in order:
            raise MeetingError(_("This case is no longer on the agenda."), code="withdrawn")
        index = order.index(int(item_id))
        target = max(0, min(len(order) - 1, index + int(offset)))
        order.insert(target, order.pop(index))
        return reorder_items(meeting_id, actor=actor, order=order)


# --- running the meeting -----------------------------------------------------------------------

@transaction.atomic
def start_session(meeting_id, *, actor, now: datetime | None = None) -> Meeting:
    """Open the meeting: decisions can now be recorded; the history lines are brought up to date."""
    _require_street(actor)
    meeting = _lock(meeting_id, actor)
    _editable(meeting)
    if meeting.status != MeetingStatus.PREPARED:
        raise MeetingError(_("The meeting is already in session."), code="in_session")
    items = list(meeting.items.active())
    histories = subjects.histories(subjects.key_of(item) for item in items)
    for item in items:
        item.history = histories[subjects.key_of(item)].line[:500]
    AgendaItem.objects.bulk_update(items, ["history"])
    meeting.status, meeting.started_at = MeetingStatus.IN_SESSION, now or timezone.now()
    meeting.save(update_fields=["status", "started_at"])
    return meeting


@transaction.atomic
def record_decision(
    item_id, *, actor, lead_department, cooperating: Iterable = (), deadline: datetime | None, note: str = "",
    action: str | None = None, now: datetime | None = None,
) -> Decision:
    """Record (or change) the meeting's decision on an item; applied when the minutes are published."""
    _require_street(actor)
    now = now or timezone.now()
    meeting, item = _lock_item(item_id, actor)
    _editable(meeting)
    if meeting.status != MeetingStatus.IN_SESSION:
        raise MeetingError(_("Open the session before recording decisions."), code="not_in_session")
    if item.is_withdrawn:
        raise MeetingError(_("This case is no longer on the agenda."), code="withdrawn")
    subject = subjects.subject_of(item)
    refused = subject.refuse_decision(subjects.object_of(item))
    if refused:
        raise MeetingError(refused, code="not_assignable")
    action = action or subject.actions[0]
    if action not in subject.actions:
        raise ValidationError({"action": _("Choose one of the offered values.")})
    lead = active_department(lead_department, field="lead_department")
    partners = {active_department(d, field="cooperating").pk: d for d in cooperating if d not in (None, "")}
    partners.pop(lead.pk, None)
    if deadline in (None, ""):
        raise ValidationError({"deadline": _("Enter a date and time, e.g. 2026-12-01T17:30.")})
    deadline = parsers.future_datetime(deadline, field="deadline", now=now)
    note = _text(note, name="note", required=False, limit=MAX_NOTE, label=_("Note"))
    decision, _created = Decision.objects.update_or_create(
        item=item, defaults={"lead_department": lead, "deadline": deadline, "note": note, "decided_by": actor, "action": action}
    )
    decision.cooperating.set(list(partners))
    return decision


@transaction.atomic
def clear_decision(item_id, *, actor) -> None:
    """Take back a decision recorded during the session (the item stays undecided)."""
    _require_street(actor)
    meeting, item = _lock_item(item_id, actor)
    _editable(meeting)
    Decision.objects.filter(item=item).delete()


# --- publishing the minutes --------------------------------------------------------------------

def _reason(error: Exception) -> str:
    if isinstance(error, Http404):
        return _("The case is not visible to you.")
    return refusal_message(error)


def publish_minutes(meeting_id, *, actor, now: datetime | None = None) -> Meeting:
    """Apply every decision to its case and make the minutes read-only — all or nothing."""
    _require_street(actor)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _lock(meeting_id, actor)
        _editable(meeting)
        if meeting.status != MeetingStatus.IN_SESSION:
            raise MeetingError(_("Open the session before publishing the minutes."), code="not_in_session")
        joins = [subject.field for subject in subjects.SUBJECTS.values()]
        items = meeting.items.active().select_related(*joins, "decision__lead_department").order_by("position", "pk")
        for number, item in enumerate(items, start=1):
            decision = getattr(item, "decision", None)
            if decision is None:
                continue  # not decided: it goes on the next agenda
            try:
                subjects.subject_of(item).apply_decision(decision, meeting, actor=actor, now=now)
            except (Refused, ValidationError, Http404) as error:
                # Leaving the atomic block with this error rolls back every decision applied so far.
                raise PublishFailed(item, number, _reason(error)) from error
            decision.applied_at = now
            decision.save(update_fields=["applied_at"])
        meeting.status, meeting.published_at, meeting.published_by = MeetingStatus.PUBLISHED, now, actor
        meeting.save(update_fields=["status", "published_at", "published_by"])
        attendees = set(meeting.attendees.values_list("pk", flat=True)) - {actor.pk}
        notify(
            attendees, kind="meeting_published", title=_("Minutes published: %(meeting)s") % {"meeting": meeting.title},
            url=reverse("meetings:detail", args=[meeting.pk]), key=f"meeting-published:{meeting.pk}",
        )
    return meeting
