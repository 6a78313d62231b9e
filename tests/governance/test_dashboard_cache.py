"""Keeping the default dashboards warm: beat recomputes this month's numbers for the sub-district
and each zone when cases changed, the pages then read them without counting, and the numbers
are always those of a from-scratch count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from governance import tasks
from governance.dashboard import cache as dashboard_cache
from governance.dashboard.numbers import dashboard_numbers
from governance.dashboard.selectors import Scope, period_from
from incidents.choices import Status
from tests.governance import dashboard_data as dd
from tests.incidents import factories as cf

pytestmark = pytest.mark.django_db

# The default period on this day is October 1-31, the month the hand-built data lives in.
NOW = cf.local(2026, 10, 31, 12, 0)


@pytest.fixture(autouse=True)
def _warm_settings(settings):
    settings.LANGUAGE_CODE = "en"
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.DASHBOARD_WARM_SECONDS = 60
    settings.MAP_TILES = "none"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def _entry(scope: Scope) -> dict | None:
    return cache.get(dashboard_cache.cache_key(scope, dd.OCTOBER))


def test_warming_fills_the_default_view_of_the_subdistrict_and_every_zone(world, cats):
    dd.build(world, cats)
    done = dashboard_cache.warm_dashboards(NOW)
    assert done == {"subdistrict": True, f"zone-{world.zone_a.pk}": True, f"zone-{world.zone_b.pk}": True}
    # Each entry is exactly a from-scratch count of its scope at that moment.
    street, leader = world.users.street, world.users.zone_leader
    assert _entry(Scope())["totals"] == dashboard_numbers(street, Scope(), dd.OCTOBER, NOW)["totals"]
    zone = _entry(Scope(world.zone_a))
    assert zone["totals"] == dashboard_numbers(leader, Scope(world.zone_a), dd.OCTOBER, NOW)["totals"]
    assert zone["workers"] == dashboard_numbers(leader, Scope(world.zone_a), dd.OCTOBER, NOW)["workers"]
    assert _entry(Scope())["totals"]["reported"] == dd.EXPECTED_SUBDISTRICT["reported"][0]  # the hand-built month


def test_pages_read_warmed_numbers_without_counting(world, cats, page_for, api_for, django_assert_num_queries):
    dd.build(world, cats)
    dashboard_cache.warm_dashboards(NOW)
    query = "?start=2026-10-01&end=2026-10-31"
    # Only the request's own reads remain: session, user and the zones for the switcher (page),
    # nothing but the cache for the API (forced authentication).
    page_client, api_client = page_for(world.users.street), api_for(world.users.street)
    # The hazards section's counts are warmed too (their own entry): only its units' names are read.
    with django_assert_num_queries(3 + 1):
        page = page_client.get(reverse("dashboard:subdistrict") + query)
    assert page.status_code == 200
    with django_assert_num_queries(0):
        api = api_client.get(reverse("api-dashboard") + query)
    reported = next(f for f in api.json()["figures"] if f["key"] == "reported")
    assert reported["value"] == dd.EXPECTED_SUBDISTRICT["reported"][0]


def test_a_second_run_without_changes_counts_nothing(world, cats, django_assert_num_queries):
    dd.build(world, cats)
    dashboard_cache.warm_dashboards(NOW)
    with django_assert_num_queries(3):  # the two change stamps (cases, hazards) and the zones
        done = dashboard_cache.warm_dashboards(NOW + dt.timedelta(minutes=1))
    assert set(done.values()) == {False}


def test_a_changed_case_is_counted_at_the_next_run(world, cats):
    dd.build(world, cats)
    dashboard_cache.warm_dashboards(NOW)
    before = _entry(Scope())["totals"]
    cf.case_in(Status.REPORTED, world, cats, now=NOW)  # a new case in zone A: its report event moves the stamp
    done = dashboard_cache.warm_dashboards(NOW + dt.timedelta(minutes=1))
    assert set(done.values()) == {True}
    after = _entry(Scope())["totals"]
    assert after["reported"] == before["reported"] + 1
    assert after["open"] == before["open"] + 1
    assert _entry(Scope(world.zone_a))["totals"]["reported"] == after["reported"] - _entry(Scope(world.zone_b))["totals"]["reported"]


def test_an_old_entry_is_recomputed_even_without_changes(world, cats):
    dd.build(world, cats)
    dashboard_cache.warm_dashboards(NOW)
    later = NOW + dashboard_cache.WARM_MAX_AGE + dt.timedelta(seconds=1)
    assert set(dashboard_cache.warm_dashboards(later).values()) == {True}
    assert _entry(Scope())["computed_at"] == later


def test_an_entry_the_page_computed_is_kept_by_the_warmer(world, cats):
    dd.build(world, cats)
    numbers = dashboard_cache.cached_numbers(world.users.street, Scope(), period_from({}))  # this month, as the page
    hazards = dashboard_cache.cached_hazard_counts(world.users.street, Scope(), period_from({}))
    assert numbers["stamp"] == dashboard_cache.data_stamp() and hazards["stamp"] == dashboard_cache.hazard_stamp()
    done = dashboard_cache.warm_dashboards(numbers["computed_at"] + dt.timedelta(minutes=1))
    assert done["subdistrict"] is False and done[f"zone-{world.zone_a.pk}"] is True


def test_overlapping_runs_skip_instead_of_piling_up(world, cats):
    dd.build(world, cats)
    assert cache.add(dashboard_cache.WARM_LOCK, "another worker", 60)
    assert dashboard_cache.warm_dashboards(NOW) == {}
    assert _entry(Scope()) is None
    cache.delete(dashboard_cache.WARM_LOCK)
    assert dashboard_cache.warm_dashboards(NOW)["subdistrict"] is True
    assert cache.get(dashboard_cache.WARM_LOCK) is None  # released after the run


def test_nothing_is_warmed_when_the_cache_is_off(world, cats, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    dd.build(world, cats)
    assert dashboard_cache.warm_dashboards(NOW) == {}
    assert _entry(Scope()) is None


def test_the_beat_task_warms_through_the_selector(world, cats):
    dd.build(world, cats)
    # The task warms the current month (not October): three scopes, all computed the first time.
    assert tasks.warm_dashboards.apply().get() == 3
    assert tasks.warm_dashboards.apply().get() == 0


def test_the_cache_entry_ignores_who_asked(world, cats):
    """The zone leader's and the street office's view of one zone are one entry (both see all of it)."""
    dd.build(world, cats)
    dashboard_cache.warm_dashboards(NOW)
    leader_view = dashboard_cache.cached_numbers(world.users.zone_leader, Scope(world.zone_a), dd.OCTOBER)
    assert leader_view["computed_at"] == NOW
