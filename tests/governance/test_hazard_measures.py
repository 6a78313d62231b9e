"""Every hazard figure equals its drill-down list (issue 12: "every rate equals its drill-down
list on a hand-built data set"), on the dashboards' hazards section and on the statistics tables;
and the hand-built set gives the numbers worked out by hand from the definitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from casework.calendar import load_calendar
from governance.dashboard import hazards as hz
from governance.dashboard.hazard_stats import hazard_statistics, stats_period
from governance.dashboard.selectors import Scope
from tests.governance import hazard_data as hd
from tests.inspections.conftest import checklist, enterprises  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def data(world, enterprises, checklist):  # noqa: F811
    return hd.build(world, enterprises, checklist.items["G1"])


def api_codes(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    body = response.json()
    assert body["count"] == len(body["results"]), url
    return {row["code"] for row in body["results"]}


def links(section: dict) -> list[tuple[str, dict, int]]:
    """(what, drill, count shown) for every number of a hazards section."""
    out = []
    for fig in section["figures"]:
        if "denominator" in fig:
            out += [(f"{fig['key']} {part}", fig[part]["drill"], fig[part]["value"]) for part in ("numerator", "denominator")]
        elif fig["key"] == hz.AVERAGE_DAYS:
            out.append((fig["key"], fig["drill"], fig["count"]))
        else:
            out.append((fig["key"], fig["drill"], fig["value"]))
    for row in section["units"]["rows"]:
        for c in row["cells"]:
            if "denominator" in c:
                out += [(f"{row['name']} {c['key']} {p}", c[p]["drill"], c[p]["value"]) for p in ("numerator", "denominator")]
            else:
                out.append((f"{row['name']} {c['key']}", c["drill"], c["value"]))
    return out


CODES = {  # worked out by hand from docs/dashboard.md's definitions, period 2026-10
    "due": {"closed_on_time", "overdue_major", "supervised_closed", "on_the_spot", "failed_first", "passed_first",
            "recheck_before", "repeat", "other_enterprise", "too_old"},
    "closed": {"closed_on_time", "supervised_closed", "on_the_spot", "failed_first", "passed_first", "recheck_before"},
    "major_due": {"overdue_major", "supervised_closed"},
    "major_closed": {"supervised_closed"},
    "deadline_due": {"closed_on_time", "overdue_major", "passed_first"},
    "deadline_kept": {"closed_on_time"},
    "supervised_due": {"overdue_major", "supervised_closed"},
    "supervised_closed": {"supervised_closed"},
    "rechecked": {"failed_first", "passed_first"},
    "rechecked_passed": {"passed_first"},
    "found": {"overdue_major", "on_the_spot", "passed_first", "repeat", "other_enterprise", "too_old"},
    "found_repeat": {"repeat"},
    "closed_noticed": {"closed_on_time", "supervised_closed", "failed_first", "passed_first", "recheck_before"},
    "open": {"overdue_major", "confirmed_after", "repeat", "other_enterprise", "too_old"},
    "open_overdue": {"overdue_major"},
    "open_overdue_major": {"overdue_major"},
}
ZONE_B = {"on_the_spot", "passed_first", "other_enterprise"}


def test_each_measure_lists_the_hazards_worked_out_by_hand(world, data, api_for):
    client = api_for(world.users.street)
    for key, expected in CODES.items():
        drill = hz.drill(hz.MEASURES[key].params(hd.PERIOD), Scope())
        assert api_codes(client, drill["api"]) == {f"T-{name}" for name in expected}, key


@pytest.mark.parametrize("who,zone", [("street", None), ("zone_leader", "zone_a"), ("street", "zone_b")])
def test_every_hazard_figure_equals_its_drill_down_list(world, data, api_for, client, who, zone):
    user = world.persona(who)
    scope = Scope(getattr(world, zone)) if zone else Scope()
    section = hz.hazard_section(user, scope, hd.PERIOD)
    api = api_for(user)
    checked = 0
    for what, drill, shown in links(section):
        assert len(api_codes(api, drill["api"])) == shown, what
        checked += 1
    assert checked > 20
    client.force_login(user)
    for fig in section["figures"][:3]:  # the page itself lists the same hazards
        response = client.get(fig["denominator"]["drill"]["page"])
        assert response.status_code == 200
        assert response.context["total"] == fig["denominator"]["value"]


def test_the_headline_numbers(world, data):
    section = hz.hazard_section(world.users.street, Scope(), hd.PERIOD)
    figures = {fig["key"]: fig for fig in section["figures"]}
    assert figures["rectification_rate"]["value"] == pytest.approx(6 / 10)
    assert figures["on_time_rate"]["value"] == pytest.approx(1 / 3)
    assert figures["major_rate"]["value"] == pytest.approx(1 / 2)
    assert figures["supervised_rate"]["value"] == pytest.approx(1 / 2)
    assert figures["first_pass_rate"]["value"] == pytest.approx(1 / 2)
    assert figures["repeat_rate"]["value"] == pytest.approx(1 / 6)
    assert (figures["open_overdue"]["value"], figures["open"]["value"]) == (1, 5)
    zone_a = hz.hazard_section(world.users.zone_leader, Scope(world.zone_a), hd.PERIOD)
    closed_a = next(f for f in zone_a["figures"] if f["key"] == "rectification_rate")
    assert (closed_a["numerator"]["value"], closed_a["denominator"]["value"]) == (4, 7)  # zone B's three are not there


def test_average_working_days_counts_the_calendar(world, data):
    calendar = load_calendar()

    def working_days(issued, closed):
        day, count = issued.astimezone(hd.TZ).date(), 0
        while day < closed.astimezone(hd.TZ).date():
            day += dt.timedelta(days=1)
            count += calendar.is_working_day(day)
        return count

    rows = [getattr(data, name) for name in CODES["closed_noticed"]]
    expected = sum(working_days(h.notice.issued_at, h.closed_at) for h in rows) / len(rows)
    section = hz.hazard_section(world.users.street, Scope(), hd.PERIOD)
    average = next(f for f in section["figures"] if f["key"] == hz.AVERAGE_DAYS)
    assert average["count"] == 5 and average["value"] == pytest.approx(expected)


@pytest.mark.parametrize("who,zone", [("street", None), ("zone_leader", "zone_a")])
def test_every_statistics_number_equals_its_drill_down_list(world, data, api_for, who, zone):
    user = world.persona(who)
    scope = Scope(getattr(world, zone)) if zone else Scope()
    stats = hazard_statistics(user, scope, stats_period({"year": "2026", "quarter": "4"}))
    api = api_for(user)
    rows = [stats["total"], *stats["units"], *stats["sectors"]]
    for row in rows:
        for c in row["cells"]:
            parts = [c["numerator"], c["denominator"]] if "denominator" in c else [c]
            for part in parts:
                assert len(api_codes(api, part["drill"]["api"])) == part["value"], (row["name"], c["key"])
    found = {c["key"]: c["value"] for c in stats["total"]["cells"]}
    # Q4: confirmed from 1 October, not void: the general ones and the one major
    assert found["found_major"] == 1 and found["found_major_rectifying"] == 1
    assert found["found_general"] == (6 if zone is None else 3)  # zone B has three of them


def test_statistics_periods():
    q4 = stats_period({"year": "2026", "quarter": "4"})
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    year = stats_period({"year": "2025"})
    assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    from governance.dashboard.hazard_stats import due_date
    assert due_date(q4) == dt.date(2027, 1, 15) and due_date(year) == dt.date(2026, 1, 31)
    from django.core.exceptions import ValidationError
    for bad in ({"year": "x"}, {"year": "2026", "quarter": "5"}, {"year": "1900"}):
        with pytest.raises(ValidationError):
            stats_period(bad)
