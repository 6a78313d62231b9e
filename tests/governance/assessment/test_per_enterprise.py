"""Hazards per 100 enterprises beside the raw count (SAFETY.md §8.4), frozen on the sheet line."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from governance.assessment import compute
from governance.assessment.models import Period
from inspections.services import apply_hazard_action, record_hazard
from tests.inspections.conftest import enterprises  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_hazards_per_100_enterprises(world, enterprises, page_for):  # noqa: F811
    # community a1 has two enterprises (a1x, a1y), community a2 one; one confirmed hazard at a1x
    hazard = record_hazard(actor=world.users.safety, enterprise=enterprises["a1x"].pk, description="灭火器过期", now=AT)
    apply_hazard_action(hazard.pk, actor=world.users.safety, action="confirm", params={"level": "general"},
                        now=AT + dt.timedelta(hours=1))
    period = Period.objects.create(kind="month", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    sheets = {s.subject_id: s for s in compute.compute(period, "community")}
    line = sheets[world.community_a1.pk].line("hazards_found")
    assert (line["numerator"], line["per_100_enterprises"]) == (1, 50.0)  # 1 × 100 / 2
    assert sheets[world.community_a2.pk].line("hazards_found")["per_100_enterprises"] == 0.0  # none of its one enterprise
    assert sheets[world.community_a1.pk].line("handling_rate")["per_100_enterprises"] is None  # a case line: not per enterprise
    sheets[world.community_a1.pk].save()
    body = page_for(world.users.street).get(reverse("assessment:sheet", args=[sheets[world.community_a1.pk].pk])).content.decode()
    assert "Per 100 enterprises" in body or "每百家企业" in body
    assert ">50.0<" in body
