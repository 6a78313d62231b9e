"""The foundation scenario in real Chromium, on a phone: a grid worker logs in (Chinese), opens the
map from the hamburger menu, sees their own cells highlighted, and switches to English."""

from __future__ import annotations

import pytest

from grids.models import GridCell
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/foundation-map.png"


def test_worker_logs_in_on_a_phone_sees_own_cells_and_switches_to_english(live_world, live_server, phone):
    worker = live_world.users.worker
    # Two cells make "highlighted" mean more than one path.
    worker.grid_cells.add(live_world.cell_a1y)
    mine = set(worker.grid_cells.values_list("pk", flat=True))
    visible = set(GridCell.objects.visible_to(worker).values_list("pk", flat=True))
    assert len(mine) == 2

    page = phone
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The Chinese home page.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#mainnav a[href='/']").text_content().strip() == "首页"
    assert live_world.cell_a1x.name in page.content()

    # On a phone the menu is folded behind the hamburger.
    map_link = page.locator("#mainnav a[href='/grids/map/']")
    assert not map_link.is_visible()
    page.click("[data-testid=nav-toggle]")
    assert map_link.is_visible()
    map_link.click()
    page.wait_for_url(f"{live_server.url}/grids/map/")

    # Boundaries are drawn although no tile can load (the phone fixture aborts tile requests).
    page.wait_for_selector("[data-map][data-ready='1']")
    page.wait_for_selector("path.cell-mine")
    assert page.locator("path.cell-mine").count() == len(mine) > 0
    # Leaflet's zoom buttons speak the page's language too.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "缩小"
    assert page.locator("path.cell-other").count() == len(visible - mine)
    map_box = page.locator("[data-map]").bounding_box()
    assert map_box["width"] <= 390 and map_box["height"] > 300
    for i in range(page.locator("path.cell-mine").count()):
        box = page.locator("path.cell-mine").nth(i).bounding_box()
        # fitBounds put every own cell inside the visible map.
        assert box and box["width"] > 10 and box["height"] > 10
        assert map_box["x"] <= box["x"] and box["x"] + box["width"] <= map_box["x"] + map_box["width"] + 1
        assert map_box["y"] <= box["y"] and box["y"] + box["height"] <= map_box["y"] + map_box["height"] + 1
    colours = {page.locator("path.cell-mine").nth(i).get_attribute("stroke") for i in range(len(mine))}
    assert colours == {"#c0392b"}
    page.screenshot(path=SCREENSHOT, full_page=True)

    # A tap on an own cell opens its popup with a link to the cell page.
    page.locator("path.cell-mine").first.click()
    page.wait_for_selector(".leaflet-popup .cell-popup a")

    # Switch to English with the language select: the page reloads in English.
    page.select_option("[data-testid=language]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/grids/map/")
    assert page.locator("#mainnav a[href='/']").text_content().strip() == "Home"
    assert page.locator("#mainnav a[href='/grids/map/']").text_content().strip() == "Map"
    assert page.locator("path.cell-mine").count() == len(mine)
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
