"""Date filters accept the days 2000–2100 (grids.filters.DayFilter): a day near date.max used to
overflow when "until that day" became "before the next day's start", a 500."""

from __future__ import annotations

import pytest

FAR = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("name", ["reported_before", "reported_after", "closed_before", "due_before"])
def test_case_list_refuses_far_days_with_400(world, api_for, page_for, name, day):
    answer = api_for(world.users.street).get(f"/api/v1/incidents/?{name}={day}")
    assert answer.status_code == 400
    assert name in answer.json()
    assert page_for(world.users.street).get(f"/incidents/?{name}={day}").status_code in (200, 400)


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("name", ["recorded_until", "confirmed_until", "closed_until", "first_due_until", "open_on"])
def test_hazard_list_api_and_ledger_refuse_far_days(world, api_for, page_for, name, day):
    answer = api_for(world.users.street).get(f"/api/v1/hazards/?{name}={day}")
    assert answer.status_code == 400
    assert name in answer.json()
    page = page_for(world.users.street)
    assert page.get(f"/inspections/hazards/?{name}={day}").status_code in (200, 400)
    assert page.get(f"/inspections/hazards/ledger.xlsx?{name}={day}").status_code in (200, 302, 400)


def test_days_inside_the_range_still_filter(world, api_for):
    assert api_for(world.users.street).get("/api/v1/incidents/?reported_before=2100-12-31").status_code == 200
    assert api_for(world.users.street).get("/api/v1/hazards/?recorded_until=2100-12-31").status_code == 200
