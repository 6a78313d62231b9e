"""The dashboard's figures against answers worked out by hand, and against a from-scratch recount."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone, translation

from governance.dashboard.numbers import (
    CELL_KEYS,
    DEPARTMENT_KEYS,
    UNIT_KEYS,
    WORKER_KEYS,
    dashboard_numbers,
)
from governance.dashboard.report import dashboard_report
from governance.dashboard.selectors import HEADLINE, MEASURES, Period, Scope, rate
from tests.governance import dashboard_data as dd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    # The assertions read English labels; the site's default language is Chinese.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def month(world, cats):
    return dd.build(world, cats)


def _pairs(totals: dict, keys) -> dict:
    return {key: (totals[key], totals.get(f"{key}_prev", 0)) for key in keys}


def test_every_count_matches_the_hand_worked_answer(world, month):
    totals = dashboard_numbers(world.users.street, Scope(), dd.OCTOBER)["totals"]
    assert _pairs(totals, dd.EXPECTED_SUBDISTRICT) == dd.EXPECTED_SUBDISTRICT
    assert {key: totals[key] for key in dd.EXPECTED_NOW} == dd.EXPECTED_NOW


def test_each_rate_matches_the_hand_worked_answer(world, month):
    figures = {f["key"]: f for f in dashboard_report(world.users.street, Scope(), dd.OCTOBER)["figures"]}
    # handling rate: A B C D L closed of A B C D E H L (F voided); before: J M of J K M (N voided)
    assert Fraction(figures["handling_rate"]["value"]).limit_denominator(100) == Fraction(5, 7)
    assert Fraction(figures["handling_rate"]["previous"]).limit_denominator(100) == Fraction(2, 3)
    assert figures["handling_rate"]["display"] == "71.4%"
    assert figures["handling_rate"]["change_display"] == "+4.8 pp" and figures["handling_rate"]["tone"] == "good"
    # on-time closure: all handled on time but B (two days late), over A B C D J L (I never dispatched)
    assert Fraction(figures["on_time_rate"]["value"]).limit_denominator(100) == Fraction(5, 6)
    assert (figures["on_time_rate"]["numerator"]["value"], figures["on_time_rate"]["denominator"]["value"]) == (5, 6)
    assert figures["on_time_rate"]["previous"] == 1.0
    assert Fraction(figures["rework_rate"]["value"]).limit_denominator(100) == Fraction(1, 6)  # C
    assert figures["rework_rate"]["tone"] == "bad"  # up from 0: worse
    assert Fraction(figures["extension_rate"]["value"]).limit_denominator(100) == Fraction(1, 6)  # D
    assert figures["reported"]["value"] == 10 and figures["reported"]["change_display"] == "+6"
    assert figures["open_overdue"]["value"] == 2 and figures["open_overdue"]["when"] == "now"
    assert figures["open_overdue"]["extra"]["value"] == 3  # open now: E H K
    assert figures["disputed"]["value"] == 1 and figures["disputed"]["extra"]["value"] == 1
    assert (figures["yellow"]["value"], figures["yellow"]["previous"]) == (1, 1)
    assert (figures["red"]["value"], figures["red"]["previous"]) == (1, 1)
    assert [f["key"] for f in dashboard_report(world.users.street, Scope(), dd.OCTOBER)["figures"]] == HEADLINE
    assert all(f["help"] for f in figures.values())


def test_a_rate_with_nothing_to_count_is_a_dash_not_zero(world, month):
    empty = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    figures = {f["key"]: f for f in dashboard_report(world.users.street, Scope(), empty)["figures"]}
    assert figures["handling_rate"]["value"] is None and figures["handling_rate"]["display"] == "–"
    assert figures["handling_rate"]["change"] is None
    assert rate(0, 0) is None and rate(0, 4) == 0


def test_a_zone_leader_counts_only_their_zone(world, month):
    zone_a = dashboard_numbers(world.users.zone_leader, Scope(world.zone_a), dd.OCTOBER)["totals"]
    assert _pairs(zone_a, dd.EXPECTED_ZONE_A) == dd.EXPECTED_ZONE_A
    zone_b = dashboard_numbers(world.users.zone_leader_b, Scope(world.zone_b), dd.OCTOBER)
    assert _pairs(zone_b["totals"], dd.EXPECTED_ZONE_B) == dd.EXPECTED_ZONE_B
    assert zone_b["totals"]["open_overdue"] == 0 and zone_b["totals"]["yellow"] == 0
    assert [row["id"] for row in zone_b["units"]] == [world.community_b1.pk]
    assert {row["id"] for row in zone_b["cells"]} == {world.cell_b1x.pk}
    assert [row["code"] for row in zone_b["overdue"]] == []


def test_rankings_weeks_categories_and_overdue_list(world, cats, month):
    numbers = dashboard_numbers(world.users.street, Scope(), dd.OCTOBER)
    zones = {row["id"]: row for row in numbers["units"]}
    assert (zones[world.zone_a.pk]["reported"], zones[world.zone_b.pk]["reported"]) == (9, 1)
    assert (zones[world.zone_a.pk]["registered_closed"], zones[world.zone_a.pk]["registered_live"]) == (4, 6)
    departments = {row["id"]: row for row in numbers["departments"]}
    assert (departments[world.safety.pk]["handled"], departments[world.safety.pk]["handled_on_time"]) == (6, 5)
    assert departments[world.urban.pk]["handled"] == 0
    weeks = {row["start"]: row for row in numbers["weeks"]}
    assert len(numbers["weeks"]) == 12 and numbers["weeks"][-1]["end"] == "2026-10-31"
    assert (weeks["2026-10-19"]["reported"], weeks["2026-10-19"]["closed"]) == (10, 7)  # every October case: 19–25 Oct
    assert (weeks["2026-10-19"]["handled"], weeks["2026-10-19"]["handled_on_time"]) == (6, 5)
    assert weeks["2026-10-12"]["reported"] == weeks["2026-10-26"]["closed"] == 0
    assert weeks["2026-09-14"]["reported"] == 4
    categories = {row["id"]: row["reported"] for row in numbers["categories"]}
    assert categories[cats.gas.pk] == 8 and categories[cats.fire_exit.pk] == 1 and categories[cats.rubbish.pk] == 1
    assert categories[cats.safety.pk] == 9 and categories[cats.urban.pk] == 1  # domains add up their subcategories
    assert [row["code"] for row in numbers["overdue"]] == [month.K.code, month.E.code]  # most overdue first
    report = dashboard_report(world.users.zone_leader, Scope(world.zone_a), dd.OCTOBER)
    workers = {row["id"]: row for row in report["workers"]["rows"]}
    mine = {c["key"]: c["value"] for c in workers[world.users.worker.pk]["cells"]}
    assert mine == {"reported": 9, "valid_report_rate": 7 / 9, "reported_invalid": 2}  # G rejected, F void
    assert [row["name"] for row in report["units"]["rows"]][0] == world.community_a1.name  # all its cases are in a1x


@pytest.mark.parametrize("period", [
    dd.OCTOBER, Period(dt.date(2026, 9, 7), dt.date(2026, 9, 13)), Period(dt.date(2026, 8, 1), dt.date(2026, 11, 30)),
])
def test_the_numbers_equal_a_recount_from_scratch(world, cats, period):
    dd.random_cases(world, cats, 400)
    now = timezone.now()
    cases = list(dd.all_cases())
    numbers = dashboard_numbers(world.users.street, Scope(), period, now=now)
    total = dd.recount(cases, period, now)[None]
    previous = dd.recount(cases, period.previous(), now)[None]
    for key in MEASURES:
        if key in numbers["totals"]:
            assert numbers["totals"][key] == total.get(key, 0), key
        if f"{key}_prev" in numbers["totals"]:
            assert numbers["totals"][f"{key}_prev"] == previous.get(key, 0), key
    for rows, keys, group in (
        (numbers["units"], UNIT_KEYS, lambda case: case.zone_id),
        (numbers["cells"], CELL_KEYS, lambda case: case.grid_cell_id),
        (numbers["departments"], DEPARTMENT_KEYS, lambda case: case.department_id),
        (numbers["categories"], ["reported"], lambda case: case.category_id),
    ):
        expected = dd.recount(cases, period, now, group)
        for row in rows:
            if row["id"] in (cats.safety.pk, cats.urban.pk):
                continue  # domains: the sum of their children, checked above
            assert {key: row[key] for key in keys} == {key: expected.get(row["id"], {}).get(key, 0) for key in keys}, row["name"]
    for week in numbers["weeks"]:
        span = Period(dt.date.fromisoformat(week["start"]), dt.date.fromisoformat(week["end"]))
        counted = dd.recount(cases, span, now).get(None, {})
        assert (week["reported"], week["registered"], week["closed"], week["handled"], week["handled_on_time"]) == (
            counted.get("reported", 0), counted.get("registered", 0), counted.get("closed", 0), counted.get("handled", 0),
            counted.get("handled_on_time", 0)), week["start"]
    zone = dashboard_numbers(world.users.zone_leader, Scope(world.zone_a), period, now=now)
    in_zone = [case for case in cases if case.zone_id == world.zone_a.pk]
    expected = dd.recount(in_zone, period, now).get(None, {})
    assert {key: zone["totals"][key] for key in MEASURES if key in zone["totals"]} == {
        key: expected.get(key, 0) for key in MEASURES if key in zone["totals"]}
    by_reporter = dd.recount(in_zone, period, now, lambda case: case.reporter_id)
    for row in zone["workers"]:
        assert {key: row[key] for key in WORKER_KEYS} == {key: by_reporter.get(row["id"], {}).get(key, 0) for key in WORKER_KEYS}
    overdue = sorted((c for c in in_zone if "open_overdue" in dd.case_measures(c, period, now)), key=lambda c: (c.due_at, c.pk))
    assert [row["id"] for row in zone["overdue"]] == [c.pk for c in overdue][:10]
