"""The meeting services: decisions applied on publishing (all or nothing), published minutes
read-only, the chair's hand on the agenda, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import ItemReason, MeetingKind, MeetingStatus
from governance.models import AgendaItem, Decision
from grids.models import Notification
from incidents import services as cases
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident, IncidentEvent
from tests.governance.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    """This week's weekly meeting, prepared (the cases it should hold are made by each test first)."""

    def make():
        return meetings.prepare_weekly_meeting()[0]

    return make


def items_by_case(meeting) -> dict[int, AgendaItem]:
    return {item.incident_id: item for item in meeting.items.active()}


# --- publishing applies the decisions ------------------------------------------------------------

def test_a_decided_case_leaves_the_dispute_with_its_owner_deadline_and_a_timeline_event(world, disputed, meeting):
    street = world.users.street
    case = disputed()
    m = meeting()
    meetings.start_session(m.pk, actor=street)
    deadline = (in_days(6)).replace(second=0, microsecond=0)
    item = items_by_case(m)[case.pk]
    meetings.record_decision(
        item.pk, actor=street, lead_department=world.urban, cooperating=[world.safety, world.urban], deadline=deadline,
        note="Clear the rubbish with the property company",
    )
    assert Incident.objects.get(pk=case.pk).status == Status.DISPUTED  # nothing happens before publishing

    published = meetings.publish_minutes(m.pk, actor=street)

    case.refresh_from_db()
    assert published.status == MeetingStatus.PUBLISHED and published.published_by == street
    assert case.status == Status.DISPATCHED and case.department == world.urban
    assert case.due_at == deadline
    event = case.events.order_by("-created_at", "-pk").first()
    assert event.kind == EventKind.MEETING_DECISION and event.actor == street
    assert (event.from_status, event.to_status) == (Status.DISPUTED, Status.DISPATCHED)
    assert event.data["meeting"] == m.pk and event.data["meeting_number"] == m.number
    assert event.data["cooperating"] == [world.safety.pk]  # the lead is not its own partner
    assert f"Decided at {m.title}." in event.note and "property company" in event.note
    assert Decision.objects.get(item=item).applied_at == published.published_at
    # The lead department hears of it through the dispatch; the cooperating department separately.
    assert Notification.objects.filter(recipient=world.users.urban, kind=EventKind.MEETING_DECISION).exists()
    coop = Notification.objects.get(recipient=world.users.safety, key=f"meeting-decision:{item.decision.pk}:cooperating")
    assert "城管中队" in coop.body
    # urban now has it in its queue with the meeting's deadline.
    assert list(Incident.objects.visible_to(world.users.urban).filter(status=Status.DISPATCHED).values_list("pk", "due_at")) == [
        (case.pk, deadline)
    ]


def test_publishing_is_all_or_nothing(world, disputed, meeting):
    street = world.users.street
    first, second = disputed(), disputed(cell=world.cell_b1x)
    m = meeting()
    meetings.start_session(m.pk, actor=street)
    items = items_by_case(m)
    for case in (first, second):
        meetings.record_decision(
            items[case.pk].pk, actor=street, lead_department=world.urban, cooperating=[world.police], deadline=in_days(5)
        )
    # The second case is voided between the decision and the publication.
    cases.apply_action(second.pk, actor=street, action=Action.VOID, params={"reason": "Filed twice"})
    events_before = IncidentEvent.objects.count()
    notifications_before = Notification.objects.count()

    with pytest.raises(meetings.PublishFailed) as failed:
        meetings.publish_minutes(m.pk, actor=street)

    assert failed.value.item_id == items[second.pk].pk and failed.value.number == 2
    assert second.code in failed.value.message and "Nothing was published" in failed.value.message
    first.refresh_from_db()
    assert (first.status, first.department_id, first.due_at) == (Status.DISPUTED, None, None)
    assert IncidentEvent.objects.count() == events_before
    assert Notification.objects.count() == notifications_before
    m.refresh_from_db()
    assert m.status == MeetingStatus.IN_SESSION and m.published_at is None
    assert not Decision.objects.filter(applied_at__isnull=False).exists()
    # Take the void case off the agenda and publish again: now it works.
    meetings.withdraw_item(items[second.pk].pk, actor=street, reason="Voided: filed twice")
    meetings.publish_minutes(m.pk, actor=street)
    first.refresh_from_db()
    assert first.status == Status.DISPATCHED


def test_a_deadline_that_passed_before_publishing_fails_the_publication(world, disputed, meeting):
    street = world.users.street
    case = disputed()
    m = meeting()
    meetings.start_session(m.pk, actor=street)
    meetings.record_decision(items_by_case(m)[case.pk].pk, actor=street, lead_department=world.urban, deadline=in_days(1))
    with pytest.raises(meetings.PublishFailed, match="deadline must be in the future"):
        meetings.publish_minutes(m.pk, actor=street, now=in_days(2))
    assert Incident.objects.get(pk=case.pk).status == Status.DISPUTED


@pytest.mark.parametrize(
    ("status", "moves"),
    [
        (Status.ACCEPTED, [EventKind.DISPUTE, EventKind.MEETING_DECISION]),
        (Status.REGISTERED, [EventKind.MEETING_DECISION]),
        (Status.REPORTED, [EventKind.REGISTER, EventKind.MEETING_DECISION]),
    ],
)
def test_a_meeting_can_assign_a_case_wherever_a_department_is_due(world, make_case, meeting, status, moves):
    street = world.users.street
    case = make_case(status)
    m = meeting()
    item = meetings.add_item(m.pk, actor=street, incident=case.code, reason_note="Zone asks the meeting to decide")
    meetings.start_session(m.pk, actor=street)
    meetings.record_decision(item.pk, actor=street, lead_department=world.police, deadline=in_days(3))
    before = case.events.count()
    meetings.publish_minutes(m.pk, actor=street)
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.department == world.police
    assert list(case.events.order_by("created_at", "pk").values_list("kind", flat=True))[before:] == moves


def test_a_suspended_disputed_case_is_resumed_and_assigned(world, disputed, meeting):
    street = world.users.street
    case = disputed()
    cases.apply_action(case.pk, actor=street, action=Action.SUSPEND, params={"reason": "parked"})
    m = meeting()
    meetings.start_session(m.pk, actor=street)
    meetings.record_decision(items_by_case(m)[case.pk].pk, actor=street, lead_department=world.urban, deadline=in_days(3))
    meetings.publish_minutes(m.pk, actor=street)
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    latest = list(case.events.order_by("-created_at", "-pk").values_list("kind", flat=True)[:2])
    assert latest == [EventKind.MEETING_DECISION, EventKind.RESUME]


def test_a_case_no_department_can_take_is_refused_a_decision(world, make_case, meeting):
    street = world.users.street
    case = make_case(Status.HANDLED)
    m = meeting()
    item = meetings.add_item(m.pk, actor=street, incident=case.code, reason_note="Residents complain it is not fixed")
    meetings.start_session(m.pk, actor=street)
    with pytest.raises(meetings.MeetingError) as refused:
        meetings.record_decision(item.pk, actor=street, lead_department=world.urban, deadline=in_days(3))
    assert refused.value.code == "not_assignable"


# --- published minutes are read-only ---------------------------------------------------------------

def test_published_minutes_refuse_every_change(world, disputed, make_case, meeting):
    street = world.users.street
    case = disputed()
    other = make_case(Status.REGISTERED)
    m = meeting()
    meetings.start_session(m.pk, actor=street)
    item = items_by_case(m)[case.pk]
    meetings.record_decision(item.pk, actor=street, lead_department=world.urban, deadline=in_days(3))
    meetings.publish_minutes(m.pk, actor=street)

    attempts = [
        lambda: meetings.add_item(m.pk, actor=street, incident=other.code, reason_note="late addition"),
        lambda: meetings.withdraw_item(item.pk, actor=street, reason="changed our mind"),
        lambda: meetings.record_decision(item.pk, actor=street, lead_department=world.police, deadline=in_days(4)),
        lambda: meetings.clear_decision(item.pk, actor=street),
        lambda: meetings.reorder_items(m.pk, actor=street, order=[item.pk]),
        lambda: meetings.move_item(item.pk, actor=street, offset=1),
        lambda: meetings.update_meeting(m.pk, actor=street, place="elsewhere"),
        lambda: meetings.refresh_agenda(m.pk, actor=street),
        lambda: meetings.start_session(m.pk, actor=street),
        lambda: meetings.publish_minutes(m.pk, actor=street),
    ]
    for attempt in attempts:
        with pytest.raises(meetings.MeetingError) as refused:
            attempt()
        assert refused.value.code == "published"
    item.refresh_from_db()
    assert item.decision.lead_department == world.urban and not item.is_withdrawn


# --- the chair's hand on the agenda -----------------------------------------------------------------

def test_the_chair_adds_removes_and_reorders_items_with_reasons(world, disputed, make_case, meeting):
    street = world.users.street
    case = disputed()
    extra = make_case(Status.REGISTERED, cell=world.cell_a2x)
    m = meeting()
    with pytest.raises(ValidationError) as missing:
        meetings.add_item(m.pk, actor=street, incident=extra.code, reason_note="  ")
    assert "reason_note" in missing.value.message_dict
    with pytest.raises(ValidationError):
        meetings.add_item(m.pk, actor=street, incident="NO-SUCH-CASE", reason_note="x")
    added = meetings.add_item(m.pk, actor=street, incident=extra.code.lower(), reason_note="Petition from residents")
    assert (added.reason, added.reason_note, added.position) == (ItemReason.MANUAL, "Petition from residents", 2)
    with pytest.raises(meetings.MeetingError) as twice:
        meetings.add_item(m.pk, actor=street, incident=extra.pk, reason_note="again")
    assert twice.value.code == "duplicate"

    first = items_by_case(m)[case.pk]
    assert meetings.move_item(added.pk, actor=street, offset=-1) == [added.pk, first.pk]
    assert [i.incident_id for i in m.items.active()] == [extra.pk, case.pk]
    with pytest.raises(ValidationError):
        meetings.reorder_items(m.pk, actor=street, order=[added.pk])
    meetings.reorder_items(m.pk, actor=street, order=[first.pk, added.pk])
    assert [i.incident_id for i in m.items.active()] == [case.pk, extra.pk]

    with pytest.raises(ValidationError):
        meetings.withdraw_item(added.pk, actor=street, reason="")
    meetings.withdraw_item(added.pk, actor=street, reason="Resolved by the zone")
    added.refresh_from_db()
    assert added.is_withdrawn and added.withdrawn_reason == "Resolved by the zone" and added.withdrawn_by == street
    assert list(m.items.active()) == [first]
    # Put back by hand: the same row comes back onto the agenda, last.
    back = meetings.add_item(m.pk, actor=street, incident=extra.code, reason_note="It flared up again")
    assert back.pk == added.pk and not back.is_withdrawn and back.position == 3


def test_decisions_need_an_open_session_valid_input_and_can_be_taken_back(world, disputed, meeting):
    street = world.users.street
    case = disputed()
    m = meeting()
    item = items_by_case(m)[case.pk]
    with pytest.raises(meetings.MeetingError) as closed:
        meetings.record_decision(item.pk, actor=street, lead_department=world.urban, deadline=in_days(2))
    assert closed.value.code == "not_in_session"
    meetings.start_session(m.pk, actor=street)
    with pytest.raises(ValidationError) as past:
        meetings.record_decision(item.pk, actor=street, lead_department=world.urban, deadline=timezone.now() - dt.timedelta(hours=1))
    assert "deadline" in past.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        meetings.record_decision(item.pk, actor=street, lead_department=987654, deadline=in_days(2))
    assert "lead_department" in unknown.value.message_dict
    decision = meetings.record_decision(item.pk, actor=street, lead_department=world.urban, deadline=in_days(2))
    changed = meetings.record_decision(item.pk, actor=street, lead_department=world.police, deadline=in_days(3), note="Police lead")
    assert changed.pk == decision.pk and changed.lead_department == world.police
    meetings.clear_decision(item.pk, actor=street)
    assert not Decision.objects.exists()


def test_only_the_street_office_runs_meetings(world, disputed, meeting):
    case = disputed()
    m = meeting()
    item = items_by_case(m)[case.pk]
    m.attending_departments.add(world.urban)
    urban = world.users.urban
    for attempt in (
        lambda: meetings.start_session(m.pk, actor=urban),
        lambda: meetings.record_decision(item.pk, actor=urban, lead_department=world.urban, deadline=in_days(2)),
        lambda: meetings.add_item(m.pk, actor=urban, incident=case.code, reason_note="x"),
        lambda: meetings.prepare_meeting(kind=MeetingKind.JOINT, week_start=week_of(), actor=urban),
    ):
        with pytest.raises(meetings.MeetingError) as refused:
            attempt()
        assert refused.value.code == "forbidden"
    assert meetings.MeetingError  # zone leaders are refused the same way, before they could see anything
    with pytest.raises(meetings.MeetingError):
        meetings.start_session(m.pk, actor=world.users.zone_leader)


def test_an_unknown_meeting_or_item_is_404(world):
    street = world.users.street
    with pytest.raises(Http404):
        meetings.start_session(987654, actor=street)
    with pytest.raises(Http404):
        meetings.withdraw_item(987654, actor=street, reason="x")


def test_a_joint_meeting_is_one_per_week_and_numbered_separately(world, disputed):
    street = world.users.street
    disputed()
    weekly, _ = meetings.prepare_weekly_meeting()
    joint, created = meetings.prepare_meeting(kind=MeetingKind.JOINT, week_start=week_of(), actor=street, place="Zone 1 office", fill=False)
    again, created_again = meetings.prepare_meeting(kind=MeetingKind.JOINT, week_start=week_of() + dt.timedelta(days=3), actor=street)
    assert created and not created_again and again == joint
    assert (weekly.number, joint.number) == (1, 1)
    assert joint.items.count() == 0 and joint.place == "Zone 1 office"
    assert str(joint.title) == f"Departmental joint meeting no. 1 of {joint.year}"
    # The weekly meeting of the same week keeps its items: a same-week agenda hands nothing on.
    assert weekly.items.count() == 1
