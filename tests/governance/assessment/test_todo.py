"""The assessment's home to-do items count exactly the appeals their linked list shows."""

from __future__ import annotations

import pytest

from governance.assessment import appeals, services
from governance.assessment.models import ScoreSheet
from governance.home.selectors import todo_items

pytestmark = pytest.mark.django_db
TESTED = {"zone_appeals", "street_appeals"}


def _item(user, key):
    return next((item for item in todo_items(user) if item.key == key), None)


def test_pending_appeals_reach_the_reviewers_homes(world, october, page_for):
    cases, period = october
    services.publish_period(period.pk, actor=world.users.street)
    sheet = ScoreSheet.objects.current().get(period=period, subject_type="grid_worker", subject_id=world.users.worker.pk)
    appeal = appeals.submit_appeal(sheet.pk, actor=world.users.worker, line_key="valid_report_rate", reason="x", evidence="y")
    zone = _item(world.users.zone_leader, "zone_appeals")
    assert zone.count == 1
    assert page_for(world.users.zone_leader).get(zone.url).context["total"] == 1
    assert _item(world.users.zone_leader_b, "zone_appeals") is None  # hidden while nothing waits
    appeals.act(appeal.pk, actor=world.users.zone_leader, action="forward", params={"opinion": "ok"})
    street = _item(world.users.street, "street_appeals")
    assert street.count == 1 and page_for(world.users.street).get(street.url).context["total"] == 1
