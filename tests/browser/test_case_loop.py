"""The closed loop in real Chromium on a phone (390×844, geolocation mocked inside the worker's cell):
the worker logs a case with a photo → the zone leader registers and dispatches it to safety
supervision → safety accepts and handles it with a photo → the worker verifies on site → the zone
leader closes it, and the case page's timeline shows every step. Assertions use data attributes,
not texts, so they hold in any language."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from incidents.choices import Stage, Status
from incidents.models import Category, Incident, StageLimit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

POINT = {"latitude": 36.002, "longitude": 120.002}  # inside the world's cell_a1x, the worker's cell
INTAKE_SHOT = "/tmp/case-intake.png"
CASE_SHOT = "/tmp/case-page.png"
ACTIONS_SHOT = "/tmp/case-actions.png"
QUEUE_SHOT = "/tmp/case-queue.png"
MINE_SHOT = "/tmp/case-mine.png"
LOOP = ["reported", "register", "dispatch", "accept", "handle", "verify_passed", "close"]


def make_photo(path, colour) -> str:
    Image.new("RGB", (640, 480), colour).save(path, format="PNG")
    return str(path)


def log_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def quick(page, action: str) -> None:
    """Press a one-button action and wait for the page to come back."""
    with page.expect_navigation():
        page.click(f"[data-testid=action-{action}] > button[type=submit]")


def open_action(page, action: str):
    form = page.locator(f"[data-testid=action-{action}]")
    form.locator("summary").first.click()
    return form


def status_of(page) -> str:
    return page.locator(".case-head [data-testid=status]").get_attribute("data-status")


@pytest.fixture
def categories(live_world):
    domain = Category.objects.create(code="safety", name="大安全", name_en="Safety", sort=1)
    gas = Category.objects.create(
        code="gas-smell", name="燃气异味", name_en="Gas smell", parent=domain, default_department=live_world.safety
    )
    for stage in Stage.values:
        StageLimit.objects.create(category=gas, stage=stage, amount=2, kind="natural_days")
    return gas


def test_case_loop_on_a_phone(live_world, live_server, phone, categories, tmp_path):
    world, page, gas = live_world, phone, categories
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(POINT)

    # --- the grid worker reports with a photo ------------------------------------------------------
    log_in(page, live_server, world.users.worker)
    page.goto(f"{live_server.url}/incidents/new/")
    page.wait_for_selector("#intake-map[data-ready='1']")
    assert page.locator("#intake-map .leaflet-control-zoom-in").get_attribute("title") == "放大"
    # The location is taken on load and the cell it falls in is shown.
    page.wait_for_selector(f"[data-cell-result][data-cell='{world.cell_a1x.pk}']")
    assert world.cell_a1x.name in page.locator("[data-cell-result]").text_content()
    assert page.locator("[data-manual-cell]").is_hidden()
    assert abs(float(page.input_value("input[name=latitude]")) - POINT["latitude"]) < 1e-5
    page.select_option("[data-domain-select]", label="大安全")
    page.select_option("select[name=category]", str(gas.pk))
    page.fill("textarea[name=description]", "3号楼楼道里燃气味很重")
    page.set_input_files("input[name=photos]", make_photo(tmp_path / "gas.png", (200, 60, 40)))
    page.wait_for_selector("[data-photo-previews] img")
    assert page.locator("[data-duplicates]").is_hidden()  # nothing of this category nearby yet
    page.screenshot(path=INTAKE_SHOT, full_page=True)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        page.click("[data-testid=submit-report]")
    assert re.search(r"/incidents/\d+/$", page.url)
    case = Incident.objects.get()
    assert page.locator("[data-testid=case-code]").text_content().strip() == case.code
    assert case.code in page.locator(".messages").text_content()
    assert case.grid_cell == world.cell_a1x and case.photos.count() == 1
    case_url = page.url

    # --- the zone leader registers and dispatches to safety supervision --------------------------
    log_in(page, live_server, world.users.zone_leader)
    page.goto(case_url)
    quick(page, "register")
    assert status_of(page) == Status.REGISTERED
    form = open_action(page, "dispatch")
    # The category's default department is preselected.
    assert form.locator("select[name=department]").input_value() == str(world.safety.pk)
    page.screenshot(path=ACTIONS_SHOT)
    with page.expect_navigation():
        form.locator(".action-body button[type=submit]").click()
    assert status_of(page) == Status.DISPATCHED
    assert world.safety.name in page.locator("[data-testid=department]").text_content()

    # --- safety accepts from its queue and handles it with a photo -------------------------------
    log_in(page, live_server, world.users.safety)
    page.goto(f"{live_server.url}/incidents/department/")
    with page.expect_navigation():
        page.click(f"[data-testid=accept-{case.pk}]")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    page.goto(case_url)
    form = open_action(page, "handle")
    form.locator("textarea[name=result]").fill("已关闭总阀，通风排查，无泄漏点")
    form.locator("input[name=photos]").set_input_files(make_photo(tmp_path / "fixed.png", (40, 160, 60)))
    with page.expect_navigation():
        form.locator(".action-body button[type=submit]").click()
    assert status_of(page) == Status.HANDLED

    # --- the worker verifies on site ----------------------------------------------------------------
    log_in(page, live_server, world.users.worker)
    page.goto(case_url)
    form = open_action(page, "verify")
    form.locator("input[name=passed][value=true]").check()
    with page.expect_navigation():
        form.locator(".action-body button[type=submit]").click()
    assert status_of(page) == Status.VERIFIED

    # --- the zone leader closes --------------------------------------------------------------------------
    log_in(page, live_server, world.users.zone_leader)
    page.goto(case_url)
    quick(page, "close")
    assert status_of(page) == Status.CLOSED

    # The timeline shows every step, in order; photos of both kinds are on the page.
    kinds = page.locator("[data-testid=timeline] [data-kind]").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == LOOP
    assert page.locator("[data-testid=photos] img").count() == 2
    page.wait_for_selector("#case-map[data-ready='1']")
    assert page.locator("#case-map .leaflet-control-zoom-out").get_attribute("title") == "缩小"
    assert page.locator("path.case-cell").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=CASE_SHOT, full_page=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and [e.kind for e in case.events.all()] == LOOP

    # The zone queue (every state) and the worker's cards fit a phone too.
    page.goto(f"{live_server.url}/incidents/?open=unknown")
    assert page.locator(f"tr[data-case='{case.pk}'] [data-status]").get_attribute("data-status") == Status.CLOSED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=QUEUE_SHOT, full_page=True)
    log_in(page, live_server, world.users.worker)
    page.goto(f"{live_server.url}/incidents/mine/?show=reported")
    assert page.locator(f".case-card[data-case='{case.pk}']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=MINE_SHOT, full_page=True)


def test_duplicate_hint_links_the_report_to_the_open_case(live_world, live_server, phone, categories, tmp_path):
    """A second sighting 20 m from an open case of the same category: the intake page says so and
    one tap adds the worker's report (text and photo) to that case instead of filing a new one."""
    from incidents import services

    world, page, gas = live_world, phone, categories
    existing = services.report_incident(
        reporter=world.users.zone_leader, category=gas.pk, description="燃气味", latitude=POINT["latitude"], longitude=POINT["longitude"]
    )
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": POINT["latitude"] + 20 / 111_320, "longitude": POINT["longitude"]})
    log_in(page, live_server, world.users.worker)
    page.goto(f"{live_server.url}/incidents/new/")
    page.wait_for_selector(f"[data-cell-result][data-cell='{world.cell_a1x.pk}']")
    assert page.locator("[data-duplicates]").is_hidden()
    page.select_option("select[name=category]", str(gas.pk))
    page.wait_for_selector("[data-duplicates]:not([hidden])")
    assert existing.code in page.locator("[data-duplicates]").text_content()
    page.fill("textarea[name=description]", "我也闻到了，在2单元")
    page.set_input_files("input[name=photos]", make_photo(tmp_path / "again.png", (90, 90, 200)))
    with page.expect_navigation():
        page.click(f"[data-testid=link-{existing.pk}]")
    assert page.url.endswith(f"/incidents/{existing.pk}/")
    kinds = page.locator("[data-testid=timeline] [data-kind]").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == ["reported", "linked"]
    assert Incident.objects.count() == 1
    event = existing.events.get(kind="linked")
    assert event.actor == world.users.worker and event.note == "我也闻到了，在2单元" and existing.photos.count() == 1
