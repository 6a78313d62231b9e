"""Each role's to-do home in real Chromium on a phone (390×844, zh-CN): the home lists what waits,
one to-do link is followed, and the list it lands on shows exactly as many rows as the home said.

With HOME_SCREENSHOTS=<folder> set, each role's home is also saved there as <role>-phone.png
(390 px wide) and <role>-desktop.png (1280 px wide): `make`-free regeneration of
docs/screenshots/home/ (HOME_SCREENSHOTS=docs/screenshots/home pytest tests/browser/test_home.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.governance import home_data
from tests.incidents import factories as cf
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("HOME_SCREENSHOTS", "")

# persona → the to-do line the person follows (one per role).
FOLLOW = {
    "zone_leader": "zone_to_register",
    "urban": "dept_due_today",
    "worker": "worker_reports",
    "community": "community_open",
    "street": "street_disputed",
    "safety": "hazards_to_confirm",
}


@pytest.fixture
def home_world(live_world, settings, tmp_path, enterprises, make_inspection, make_hazard):  # noqa: F811
    settings.MAP_TILES = "none"
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.NOTIFICATION_CHANNELS = []
    cf.category_tree(live_world)
    home_data.build(live_world)
    home_data.hazards_and_drafts(live_world, enterprises, make_inspection, make_hazard)
    if not SHOTS:
        yield live_world
        return
    # The street office's screenshot shows the warm headline, as beat keeps it in production.
    from django.core.cache import cache

    from governance.dashboard.cache import warm_dashboards

    settings.DASHBOARD_CACHE_SECONDS = 60
    warm_dashboards(force=True)
    yield live_world
    cache.clear()


def _page(browser, live_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _shoot(browser, live_server, user, name: str) -> None:
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for label, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        context, page = _page(browser, live_server, width, height)
        _log_in(page, live_server, user)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=label == "phone")
        context.close()


@pytest.mark.parametrize("persona", sorted(FOLLOW))
def test_the_home_on_a_phone_leads_to_exactly_the_rows_it_counts(home_world, live_server, browser, persona):
    user = home_world.persona(persona)
    context, page = _page(browser, live_server, 390, 844)
    _log_in(page, live_server, user)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    todo = page.locator("[data-testid=todo]")
    assert todo.is_visible()
    # Phone first: the list fits the screen's width and its first line is on the first screen.
    box = todo.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] < 844
    link = page.locator(f"[data-todo={FOLLOW[persona]}]")
    shown = int(link.get_attribute("data-count"))
    assert shown > 0 and link.locator(".todo-count").text_content().strip() == str(shown)
    link.click()
    page.wait_for_load_state()
    assert page.url != f"{live_server.url}/"
    counted = page.locator("[data-testid=result-count]").text_content()
    assert int(re.search(r"\d+", counted).group()) == shown
    rows = page.locator("[data-case], tbody tr[data-hazard]")
    assert rows.count() == shown
    context.close()
    if SHOTS:
        _shoot(browser, live_server, user, persona.replace("urban", "department"))
