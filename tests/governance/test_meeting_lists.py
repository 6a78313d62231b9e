"""The meetings' list pages on the shared list idiom (grids.listing.FilteredListView): the API's
FilterSet on the page, and page numbers out of range giving the nearest page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from governance.meetings.choices import MeetingStatus
from governance.models import Meeting
from tests.governance.test_meetings_api import build

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<tr[^>]* data-meeting="(\d+)"')


def test_the_meeting_list_filters_like_the_api(world, make_case, page_for):
    build(world, make_case)
    client = page_for(world.users.street)
    published = set(Meeting.objects.filter(status=MeetingStatus.PUBLISHED).values_list("pk", flat=True))
    body = client.get(reverse("meetings:list"), {"status": MeetingStatus.PUBLISHED}).content.decode()
    assert {int(pk) for pk in ROW.findall(body)} == published
    api = client.get("/api/v1/meetings/", {"status": MeetingStatus.PUBLISHED}).json()
    assert {row["id"] for row in api["results"]} == published
    assert 'name="status"' in body  # the filter form is on the page
    assert client.get(reverse("meetings:list"), {"status": "nonsense"}).status_code == 200


def test_a_page_number_out_of_range_gives_the_last_page(world, make_case, page_for):
    build(world, make_case)
    client = page_for(world.users.street)
    response = client.get(reverse("meetings:list"), {"page": 99})
    assert response.status_code == 200 and len(ROW.findall(response.content.decode())) == Meeting.objects.count()
    assert client.get(reverse("meetings:decisions"), {"page": "x"}).status_code == 200


def test_the_ledger_takes_the_apis_meeting_filter(world, make_case, page_for):
    a, *_ = build(world, make_case)
    client = page_for(world.users.street)
    body = client.get(reverse("meetings:decisions"), {"item__meeting": a.pk}).content.decode()
    shown = {int(pk) for pk in re.findall(r'<tr[^>]* data-decision="(\d+)"', body)}
    assert shown and shown == set(a.items.filter(decision__isnull=False).values_list("decision__pk", flat=True))
