"""The dashboard page, API and export: who may open which, the period, query counts that do not
grow with the number of cases, the cache, and the workbook."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from governance.dashboard.cache import cached_numbers
from governance.dashboard.numbers import dashboard_numbers
from governance.dashboard.selectors import Period, Scope, period_from
from tests.governance import dashboard_data as dd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    # The assertions read English labels; the site's default language is Chinese.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

OCTOBER_QUERY = "?start=2026-10-01&end=2026-10-31"
OUTSIDERS = ["community", "worker", "worker_b", "safety", "safety_a", "urban", "officer", "contractor"]


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.MAP_TILES = "none"
    cache.clear()
    yield
    cache.clear()


def _urls(world, zone) -> dict[str, str]:
    if zone is None:
        return {"page": reverse("dashboard:subdistrict"), "api": reverse("api-dashboard"), "export": reverse("dashboard:export")}
    return {
        "page": reverse("dashboard:zone", args=[zone.pk]), "api": reverse("api-dashboard-zone", args=[zone.pk]),
        "export": reverse("dashboard:zone-export", args=[zone.pk]),
    }


# --- who sees what ------------------------------------------------------------------------------------


def test_the_street_office_and_admin_see_everything(world, page_for, api_for):
    for name in ("street", "admin"):
        user = world.persona(name)
        for zone in (None, world.zone_a, world.zone_b):
            urls = _urls(world, zone)
            assert page_for(user).get(urls["page"]).status_code == 200, (name, zone)
            assert api_for(user).get(urls["api"]).status_code == 200, (name, zone)
            assert page_for(user).get(urls["export"]).status_code == 200, (name, zone)


def test_a_zone_leader_sees_only_their_zone(world, page_for, api_for):
    leader = world.users.zone_leader
    own, other = _urls(world, world.zone_a), _urls(world, world.zone_b)
    response = page_for(leader).get(reverse("dashboard:subdistrict") + OCTOBER_QUERY)
    assert response.status_code == 302 and response["Location"] == own["page"] + OCTOBER_QUERY
    assert page_for(leader).get(own["page"]).status_code == 200
    assert api_for(leader).get(own["api"]).json()["scope"]["zone"] == world.zone_a.pk
    assert page_for(leader).get(other["page"]).status_code == 404
    assert page_for(leader).get(other["export"]).status_code == 404
    assert api_for(leader).get(other["api"]).status_code == 404
    assert api_for(leader).get(reverse("api-dashboard")).status_code == 404
    # /dashboard/export.xlsx gives a zone leader their zone's workbook
    assert f"zone-{world.zone_a.pk}" in page_for(leader).get(reverse("dashboard:export"))["Content-Disposition"]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_everyone_else_gets_404(world, page_for, api_for, name):
    user = world.persona(name)
    for zone in (None, world.zone_a, world.zone_b):
        for kind, url in _urls(world, zone).items():
            client = api_for(user) if kind == "api" else page_for(user)
            assert client.get(url).status_code == 404, (name, url)


def test_missing_zone_and_anonymous(world, client, page_for, api_for):
    assert page_for(world.users.street).get(reverse("dashboard:zone", args=[987654])).status_code == 404
    assert api_for(world.users.street).get(reverse("api-dashboard-zone", args=[987654])).status_code == 404
    assert client.get(reverse("dashboard:subdistrict")).status_code == 302  # to the login page
    assert client.get(reverse("api-dashboard")).status_code in (401, 403)


def test_nav_links_the_dashboard_for_leaders_only(world, page_for):
    home = reverse("home")
    assert b'data-testid="nav-dashboard"' in page_for(world.users.street).get(home).content
    assert b'data-testid="nav-dashboard"' in page_for(world.users.zone_leader).get(home).content
    assert b'data-testid="nav-dashboard"' not in page_for(world.users.worker).get(home).content
    assert b'data-testid="nav-dashboard"' not in page_for(world.users.safety).get(home).content


# --- the page, the API, the period ---------------------------------------------------------------------


def test_the_page_shows_each_figure_with_its_definition_and_drill_down(world, cats, page_for):
    month = dd.build(world, cats)
    response = page_for(world.users.street).get(reverse("dashboard:subdistrict") + OCTOBER_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    report = response.context["report"]
    figures = {f["key"]: f for f in report["figures"]}
    for key, fig in figures.items():
        assert f'data-testid="figure-{key}"' in html
        assert f'href="{fig["drill"]["page"].replace("&", "&amp;")}"' in html
        assert str(fig["help"]) in html  # the definition, shown on hover
    assert '<strong class="fig-value" data-value="10">10</strong>' in html  # reported
    assert "71.4%" in html and "+4.8 pp" in html  # handling rate and its change
    for chart in ("chart-trend", "chart-domains", "chart-categories", "dashboard-map"):
        assert f'id="{chart}"' in html
    assert 'id="dashboard-data"' in html and "echarts-6.1.0/echarts.min.js" in html
    assert month.K.code in html and month.E.code in html  # the most overdue list
    assert world.zone_a.name in html and world.safety.name in html  # the rankings


def test_the_api_returns_the_same_report(world, cats, api_for):
    dd.build(world, cats)
    body = api_for(world.users.street).get(reverse("api-dashboard") + OCTOBER_QUERY).json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["reported"]["value"] == 10 and figures["closed"]["value"] == 7
    assert figures["on_time_rate"]["numerator"]["value"] == 5 and figures["on_time_rate"]["denominator"]["value"] == 6
    assert figures["open_overdue"]["drill"]["api"].startswith("/api/v1/incidents/?")
    assert body["period"] == {"start": "2026-10-01", "end": "2026-10-31", "preset": "custom", "days": 31,
                              "previous_start": "2026-08-31", "previous_end": "2026-09-30"}
    assert {d["key"] for d in body["definitions"]} >= {"handling_rate", "on_time_rate", "rework_rate", "extension_rate"}
    assert body["workers"] is None and body["units"]["kind"] == "zones"


def test_a_bad_period_is_a_400_with_a_reason(world, page_for, api_for):
    street = world.users.street
    for query in ("?period=fortnight", "?start=2026-13-01", "?start=2026-10-31&end=2026-10-01", "?start=2020-01-01&end=2026-01-01"):
        api = api_for(street).get(reverse("api-dashboard") + query)
        assert api.status_code == 400 and api.json(), query
        page = page_for(street).get(reverse("dashboard:subdistrict") + query)
        assert page.status_code == 400 and b'role="alert"' in page.content, query
        assert page_for(street).get(reverse("dashboard:export") + query).status_code == 400


def test_period_presets_and_custom_dates():
    today = dt.date(2026, 11, 26)  # a Thursday
    assert period_from({}, today) == Period(dt.date(2026, 11, 1), today, "this_month")
    assert period_from({"period": "this_week"}, today) == Period(dt.date(2026, 11, 23), today, "this_week")
    assert period_from({"period": "last_week"}, today) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22), "last_week")
    assert period_from({"period": "last_month"}, today) == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "last_month")
    assert period_from({"period": "this_quarter"}, today).start == dt.date(2026, 10, 1)
    assert period_from({"period": "this_year"}, today).start == dt.date(2026, 1, 1)
    assert period_from({"period": "last_30_days"}, today).days == 30
    assert period_from({"start": "2026-10-05"}, today) == Period(dt.date(2026, 10, 5), today, "custom")
    # dates typed beside a preset (no JavaScript) win when they differ from it
    assert period_from({"period": "this_month", "start": "2026-10-05", "end": "2026-10-09"}, today).days == 5
    assert period_from({"period": "this_month", "start": "2026-11-01", "end": "2026-11-26"}, today).preset == "this_month"
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert october.previous() == Period(dt.date(2026, 8, 31), dt.date(2026, 9, 30), "previous")
    with pytest.raises(ValidationError):
        period_from({"start": "yesterday"}, today)


# --- speed: a fixed number of queries, and the cache ---------------------------------------------------------


def test_query_counts_do_not_grow_with_the_number_of_cases(world, cats, page_for, api_for, django_assert_num_queries):
    street, leader = world.users.street, world.users.zone_leader
    page, api = page_for(street), api_for(street)
    for size in (20, 200):
        dd.random_cases(world, cats, size, seed=size, start=dt.datetime(2026, 9, 1, tzinfo=dd.SHANGHAI), days=60)
        # The period's figures from the rollups (one query per breakdown), the figures of now from the open cases.
        with django_assert_num_queries(11):
            dashboard_numbers(street, Scope(), dd.OCTOBER)
        with django_assert_num_queries(13):  # + the zone's grid workers and their reports
            dashboard_numbers(leader, Scope(world.zone_a), dd.OCTOBER)
        with django_assert_num_queries(11 + 3 + 7):  # + session, user, the zones for the switcher; the hazards section (7 reads)
            assert page.get(reverse("dashboard:subdistrict") + OCTOBER_QUERY).status_code == 200
        with django_assert_num_queries(11):
            assert api.get(reverse("api-dashboard") + OCTOBER_QUERY).status_code == 200


def test_the_cache_serves_repeated_requests_without_queries(world, cats, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 60
    dd.build(world, cats)
    first = cached_numbers(world.users.street, Scope(), dd.OCTOBER)
    with django_assert_num_queries(0):
        again = cached_numbers(world.users.street, Scope(), dd.OCTOBER)
    assert again["totals"] == first["totals"]
    # a zone leader's zone and the street office's view of the same zone share one entry
    zone = cached_numbers(world.users.zone_leader, Scope(world.zone_a), dd.OCTOBER)
    with django_assert_num_queries(0):
        assert cached_numbers(world.users.street, Scope(world.zone_a), dd.OCTOBER)["totals"] == zone["totals"]


# --- the Excel export ------------------------------------------------------------------------------------------


def test_the_export_holds_the_figures_of_the_period(world, cats, page_for):
    dd.build(world, cats)
    response = page_for(world.users.street).get(reverse("dashboard:export") + OCTOBER_QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-subdistrict-2026-10-01-2026-10-31.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Figures", "Weekly", "Categories", "Zones", "Departments", "Most overdue", "Definitions"]
    rows = {row[0]: row for row in book["Figures"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Reported"][1:4] == (10, 4, 6)
    assert rows["Handling rate"][3] == 4.8  # percentage points
    assert rows["Closed"][1:3] == (7, 1)
    assert abs(rows["Handling rate"][1] - 5 / 7) < 1e-9 and rows["Handling rate"][4:6] == (5, 7)
    assert abs(rows["On-time closure rate"][1] - 5 / 6) < 1e-9
    assert book["Figures"]["B12"].number_format == "0.0%"  # the handling rate's cell (row 7 + 3 figures before it + header)
    assert rows["Open overdue (now)"][1] == 2
    zones = list(book["Zones"].iter_rows(values_only=True))
    assert zones[0][:3] == ("Rank", "Name", "Reported") and {z[1] for z in zones[1:]} == {world.zone_a.name, world.zone_b.name}


def test_the_export_writes_names_as_text_never_as_formulas(world, cats, page_for):
    world.zone_b.name = '=HYPERLINK("http://evil.example","x")'
    world.zone_b.save()
    response = page_for(world.users.street).get(reverse("dashboard:export"))
    zones = load_workbook(io.BytesIO(response.content))["Zones"]
    names = [row[1].value for row in zones.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert all(row[1].data_type == "s" for row in zones.iter_rows(min_row=2))
