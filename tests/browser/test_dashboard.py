"""The street office's dashboard in real Chromium: `street` opens it from the menu, picks October,
sees the charts drawn (canvas) and the cells on the map with no console error, reads a figure's
definition on hover, and clicks the overdue figure to land on the matching case list. The same
page on a tablet (820 px) keeps to the screen's width."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.governance import dashboard_data as dd
from tests.incidents import factories as cf

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/dashboard-{width}.png"


@pytest.fixture
def dashboard_world(live_world, settings):
    settings.MAP_TILES = "none"
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.NOTIFICATION_CHANNELS = []
    cats = cf.category_tree(live_world)
    dd.build(live_world, cats)
    dd.random_cases(live_world, cats, 300, seed=3, start=dd.oct_(1), days=30)
    return live_world


def _context(browser, live_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _charts_drawn(page) -> None:
    for chart in ("chart-trend", "chart-domains", "chart-categories"):
        page.wait_for_selector(f"#{chart} canvas")
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200, chart
    page.wait_for_selector("#dashboard-map[data-ready='1']")


def test_street_opens_the_dashboard_sees_charts_and_drills_into_overdue(dashboard_world, live_server, browser):
    context, page, errors = _context(browser, live_server, 1280, 900)
    _log_in(page, live_server, dashboard_world.users.street)
    page.click("[data-testid=nav-dashboard]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.fill("#id_start", "2026-10-01")
    page.fill("#id_end", "2026-10-31")
    page.click("[data-testid=period-form] button[type=submit]")
    page.wait_for_url(re.compile(r"start=2026-10-01"))
    assert page.locator("#id_period").input_value() == "custom"

    _charts_drawn(page)
    assert page.locator("path.dash-cell").count() == 4  # the world's four cells, coloured by cases
    assert page.locator("#dashboard-map .leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert page.locator("[data-testid=figures] .fig").count() == 11
    assert page.locator("#map-legend .swatch").count() == 5

    # A figure's definition shows on hover.
    tip = page.locator("#tip-handling_rate")
    assert not tip.is_visible()
    page.hover("[data-figure=handling_rate] .fig-main")
    assert tip.is_visible() and "÷" in tip.text_content()
    page.screenshot(path=SCREENSHOT.format(width=1280), full_page=True)
    assert errors == []

    # The overdue figure opens the case list of exactly its cases.
    overdue = page.locator("[data-testid=figure-open_overdue]")
    shown = int(overdue.locator(".fig-value").text_content())
    assert shown >= 2
    overdue.click()
    page.wait_for_url(re.compile(r"/incidents/\?"))
    assert page.url.endswith("/incidents/?open=true&overdue=true")
    page.wait_for_selector("[data-testid=result-count]")
    assert re.search(rf"(?<!\d){shown}(?!\d)", page.locator("[data-testid=result-count]").text_content())
    rows = page.locator("tr[data-case]").count()
    assert rows == min(shown, 50)
    assert errors == []
    context.close()


def test_the_dashboard_fits_a_tablet(dashboard_world, live_server, browser):
    context, page, errors = _context(browser, live_server, 820, 1180)
    _log_in(page, live_server, dashboard_world.users.street)
    page.goto(f"{live_server.url}/dashboard/?start=2026-10-01&end=2026-10-31")
    _charts_drawn(page)
    # The dashboard's own content keeps to the screen (wide tables scroll inside their frame).
    # (The site-wide top bar is the base layout's; it is not measured here.)
    assert page.evaluate("document.querySelector('#main').scrollWidth") <= 820
    for chart in ("chart-trend", "chart-categories", "dashboard-map"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 820, chart
    # On a touch screen the "i" button opens the definition.
    page.click("[data-figure=rework_rate] [data-tip-toggle]")
    assert page.locator("#tip-rework_rate").is_visible()
    page.screenshot(path=SCREENSHOT.format(width=820), full_page=True)

    # A zone's dashboard from the switcher keeps the period and ranks communities and workers.
    page.select_option("[data-testid=zone-switch]", label=dashboard_world.zone_a.name)
    page.wait_for_url(re.compile(rf"/dashboard/zones/{dashboard_world.zone_a.pk}/\?start=2026-10-01"))
    _charts_drawn(page)
    assert page.locator("[data-testid=ranking-workers] tbody tr").count() >= 1
    assert page.locator("path.dash-cell").count() == 3  # zone A's cells only
    assert errors == []
    context.close()
