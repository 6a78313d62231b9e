"""What the joint meetings put on the homes (the registry: grids.todo): the disputed cases, with
the meeting that will take them, and this week's agenda for the street office."""

from __future__ import annotations

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.meetings.agenda import week_of
from governance.meetings.choices import MeetingKind, MeetingStatus
from governance.meetings.models import AgendaItem, Meeting
from grids.choices import Role
from grids.todo import BAD, TodoSource
from incidents.choices import Status
from incidents.models import Incident


def next_meeting(now) -> Meeting | None:
    """The system reads, unscoped: the next weekly meeting not yet held (this week's or a later
    one), the one whose agenda the disputed cases join. Only its title and time are shown, to
    people who may not open the meeting itself (a zone leader)."""
    return (
        Meeting.objects.filter(kind=MeetingKind.WEEKLY, week_start__gte=week_of(now), held_at__gte=now)
        .exclude(status=MeetingStatus.PUBLISHED).order_by("held_at").first()
    )


def next_meeting_note(user, now) -> str:
    meeting = next_meeting(now)
    if meeting is None:
        return gettext("Decided at the next joint meeting (its agenda is prepared on Monday).")
    when = formats.date_format(timezone.localtime(meeting.held_at), "SHORT_DATETIME_FORMAT")
    return gettext("Decided at %(meeting)s, %(when)s.") % {"meeting": meeting.title, "when": when}


def _this_week(user, now) -> Q:
    return Q(withdrawn_at__isnull=True, meeting__kind=MeetingKind.WEEKLY, meeting__week_start=week_of(now))


def _disputed(user, now) -> Q:
    return Q(status=Status.DISPUTED)


def _disputed_params(user, now) -> dict:
    return {"status": [Status.DISPUTED]}


SOURCES = [
    TodoSource(
        "zone_disputed", _("Disputed cases of the zone"), frozenset({Role.ZONE_LEADER}), Incident,
        condition=_disputed, url_name="incidents:queue", params=_disputed_params, tone=BAD, note=next_meeting_note,
        order=14,
    ),
    TodoSource(
        "street_disputed", _("Disputed cases waiting for the meeting"), frozenset({Role.STREET, Role.ADMIN}), Incident,
        condition=_disputed, url_name="incidents:queue", params=_disputed_params, tone=BAD, note=next_meeting_note,
        order=10,
    ),
    # The meeting page lists the agenda items still on it: exactly these.
    TodoSource(
        "street_agenda", _("This week's agenda"), frozenset({Role.STREET, Role.ADMIN}), AgendaItem,
        condition=_this_week, url_name="meetings:this-week", order=12,
    ),
]
