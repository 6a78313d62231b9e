"""Issue 15's defects as a person meets them on a phone, in real Chromium: the top bar on one row
with logout in a menu and notifications once; the phone case list's second lines beside their
labels; the photo picker on every form that takes photos; one map set-up without a flag, and a
notice when tiles fail."""

from __future__ import annotations

import pytest

from incidents.choices import Action, Stage, Status
from incidents.models import Category, StageLimit
from incidents.services import apply_action, report_incident
from tests.browser.test_case_loop import log_in, make_photo

pytestmark = pytest.mark.browser

POINT = {"latitude": 36.002, "longitude": 120.002}  # inside cell_a1x


@pytest.fixture
def gas(live_world):
    domain = Category.objects.create(code="safety", name="大安全", name_en="Safety", sort=1)
    gas = Category.objects.create(code="gas-smell", name="燃气异味", name_en="Gas smell", parent=domain,
                                  default_department=live_world.safety)
    for stage in Stage.values:
        StageLimit.objects.create(category=gas, stage=stage, amount=2, kind="natural_days")
    return gas


def _case(world, gas, status=Status.REPORTED):
    case = report_incident(reporter=world.users.worker, category=gas.pk, description="燃气味很重", latitude=POINT["latitude"],
                           longitude=POINT["longitude"])
    steps = {Status.REPORTED: [], Status.ACCEPTED: [(Action.REGISTER, "zone_leader", {}),
                                                    (Action.DISPATCH, "zone_leader", {"department": world.safety.pk}),
                                                    (Action.ACCEPT, "safety", {})]}[status]
    for action, who, params in steps:
        apply_action(case.pk, actor=world.persona(who), action=action, params=params)
    return case


def test_phone_top_bar_is_one_row_with_logout_in_a_menu_and_notifications_once(live_world, live_server, phone):
    page = phone
    log_in(page, live_server, live_world.users.zone_leader)
    bar = page.locator("header.topbar").bounding_box()
    brand = page.locator("header.topbar .brand").bounding_box()
    bell = page.locator("[data-testid=bell]").bounding_box()
    assert bar["height"] < 64, bar
    assert abs((brand["y"] + brand["height"] / 2) - (bell["y"] + bell["height"] / 2)) < 8
    logout = page.locator("[data-testid=logout]")
    assert not logout.is_visible()
    page.click("[data-testid=user-menu] summary")
    assert logout.is_visible()
    # One way to the notifications in the whole header, even with the menu open.
    page.click("[data-testid=nav-toggle]")
    assert page.locator("header a[href='/grids/notifications/']").count() == 1
    page.screenshot(path="/tmp/daily-topbar.png")


def test_phone_case_list_keeps_the_community_beside_its_label(live_world, live_server, phone, gas):
    _case(live_world, gas)
    page = phone
    log_in(page, live_server, live_world.users.zone_leader)
    page.goto(f"{live_server.url}/incidents/")
    cell = page.locator("table.queue tbody tr").first.locator("td[data-label]").nth(2)
    community = cell.locator(".muted.small")
    label_right = cell.evaluate("td => { const s = getComputedStyle(td, '::before');"
                                " return td.getBoundingClientRect().left + parseFloat(s.left) + parseFloat(s.width); }")
    assert community.bounding_box()["x"] >= label_right - 1


def test_intake_and_case_maps_have_no_flag_and_say_when_tiles_fail(live_world, live_server, phone, gas, settings):
    settings.MAP_TILES = "osm"  # the phone fixture aborts every tile request: tiles fail
    case = _case(live_world, gas)
    page = phone
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(POINT)
    log_in(page, live_server, live_world.users.worker)
    for url, selector in ((f"{live_server.url}/incidents/new/", "#intake-map"),
                          (f"{live_server.url}/incidents/{case.pk}/", "[data-case-map]")):
        page.goto(url)
        page.wait_for_selector(f"{selector}[data-ready='1']")
        attribution = page.locator(f"{selector} .leaflet-control-attribution")
        assert attribution.count() == 1
        assert attribution.locator("svg, img").count() == 0  # Leaflet's default prefix carries a flag
        assert "Leaflet" in attribution.inner_text()
        notice = page.locator(f"{selector} [data-testid=tiles-failed]")
        notice.wait_for()
        assert notice.is_visible() and len(notice.inner_text()) > 10


def test_dispatch_form_lists_only_the_chosen_departments_people(live_world, live_server, phone, gas):
    world = live_world
    case = report_incident(reporter=world.users.worker, category=gas.pk, description="燃气味很重", **POINT)
    apply_action(case.pk, actor=world.users.zone_leader, action=Action.REGISTER, params={})
    page = phone
    log_in(page, live_server, world.users.zone_leader)
    page.goto(f"{live_server.url}/incidents/{case.pk}/")
    page.locator("[data-testid=action-dispatch] summary").first.click()

    def offered() -> set[str]:
        return set(page.eval_on_selector(
            "#id_dispatch_assignee",
            "s => [...s.options].filter(o => o.value && !o.disabled && !o.hidden).map(o => o.value)"))

    page.select_option("#id_dispatch_department", str(world.urban.pk))
    assert offered() == {str(world.users.urban.pk)}
    page.select_option("#id_dispatch_department", str(world.safety.pk))
    assert offered() == {str(world.users.safety.pk), str(world.users.safety_a.pk)}


def _pick_two_then_remove_one(page, form, tmp_path) -> None:
    picker = form.locator("[data-testid=photo-picker]")
    button = picker.locator("[data-testid=photo-pick]")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 150  # a real button, not a bare label
    picker.locator("input[type=file]").set_input_files([make_photo(tmp_path / "a.png", (200, 40, 40)),
                                                         make_photo(tmp_path / "b.png", (40, 200, 40))])
    thumbs = picker.locator("[data-photo-previews] img")
    assert thumbs.count() == 2 and thumbs.first.is_visible()
    picker.locator("[data-testid=photo-remove]").first.click()
    assert thumbs.count() == 1
    assert picker.locator("input[type=file]").evaluate("i => i.files.length") == 1


def test_handle_and_verify_forms_show_a_photo_button_thumbnails_and_remove(live_world, live_server, phone, gas, tmp_path):
    from incidents.models import IncidentPhoto

    world = live_world
    case = _case(world, gas, Status.ACCEPTED)
    page = phone
    log_in(page, live_server, world.users.safety)
    page.goto(f"{live_server.url}/incidents/{case.pk}/")
    form = page.locator("[data-testid=action-handle]")
    form.locator("summary").first.click()
    _pick_two_then_remove_one(page, form, tmp_path)
    page.screenshot(path="/tmp/daily-photo-picker.png", full_page=True)
    form.locator("textarea[name=result]").fill("阀门已关闭")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert IncidentPhoto.objects.filter(incident=case, kind="handle").count() == 1

    log_in(page, live_server, world.users.worker)
    page.goto(f"{live_server.url}/incidents/{case.pk}/")
    form = page.locator("[data-testid=action-verify]")
    form.locator("summary").first.click()
    _pick_two_then_remove_one(page, form, tmp_path)
    form.locator("input[name=passed][value=true]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert IncidentPhoto.objects.filter(incident=case, kind="verify").count() == 1


def test_intake_photo_picker_adds_and_removes(live_world, live_server, phone, gas, tmp_path):
    page = phone
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(POINT)
    log_in(page, live_server, live_world.users.worker)
    page.goto(f"{live_server.url}/incidents/new/")
    _pick_two_then_remove_one(page, page.locator("#intake-form"), tmp_path)
