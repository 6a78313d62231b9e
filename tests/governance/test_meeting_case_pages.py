"""Issue 15: once a case goes to the joint meeting, its page says so (and which meeting); once the
minutes are published it shows the decision; the cooperating departments of a published decision
may open the case (and only then)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.meetings import services as meetings
from incidents.models import Incident
from tests.governance.conftest import in_days

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def _page(client, user, case) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(reverse("incidents:detail", args=[case.pk]), headers=EN)
    return response.status_code, response.content.decode()


def test_a_disputed_case_says_the_meeting_will_take_it_then_shows_the_decision(world, disputed, client):
    street, leader = world.users.street, world.users.zone_leader
    case = disputed()
    status, html = _page(client, leader, case)
    assert 'data-testid="meeting-waiting"' in html and "joint meeting" in html

    meeting = meetings.prepare_weekly_meeting()[0]
    status, html = _page(client, leader, case)
    assert 'data-testid="meeting-agenda"' in html and str(meeting.title) in html

    meetings.start_session(meeting.pk, actor=street)
    item = meeting.items.active().get(incident=case)
    meetings.record_decision(item.pk, actor=street, lead_department=world.urban, cooperating=[world.safety],
                             deadline=in_days(6).replace(second=0, microsecond=0), note="With the property company")
    meetings.publish_minutes(meeting.pk, actor=street)
    status, html = _page(client, leader, case)
    assert 'data-testid="meeting-decision"' in html
    assert "Lead department: 城管中队. Cooperating: 安监办." in html and "With the property company" in html


def test_cooperating_departments_of_a_published_decision_open_the_case(world, disputed, client):
    street = world.users.street
    case = disputed()
    assert not Incident.objects.visible_to(world.users.officer).filter(pk=case.pk).exists()  # police, zone A
    meeting = meetings.prepare_weekly_meeting()[0]
    meetings.start_session(meeting.pk, actor=street)
    item = meeting.items.active().get(incident=case)
    meetings.record_decision(item.pk, actor=street, lead_department=world.urban, cooperating=[world.police],
                             deadline=in_days(6).replace(second=0, microsecond=0))
    # Recorded but not yet published: the partner does not see it yet.
    assert _page(client, world.users.officer, case)[0] == 404
    meetings.publish_minutes(meeting.pk, actor=street)
    status, html = _page(client, world.users.officer, case)
    assert status == 200 and 'data-testid="meeting-decision"' in html
    # A department named nowhere still gets the same 404 as for a missing case.
    assert _page(client, world.users.safety, case)[0] == 404
