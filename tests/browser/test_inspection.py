"""An inspection on a phone in real Chromium (390×844): the safety officer opens the enterprise,
inspects it with a colleague, fails two items, the representative signs on the screen, and two
hazards are raised in one tap each. Assertions use data attributes, not texts."""

from __future__ import annotations

import pytest

from inspections.models import Hazard, Inspection
from tests.browser.test_case_loop import log_in
from tests.inspections.conftest import checklist, enterprises  # noqa: F401  (fixtures of the inspections tests)

pytestmark = pytest.mark.browser

SHOT = "/tmp/inspection-form.png"


def test_inspect_fail_two_items_sign_and_raise_two_hazards(live_world, enterprises, checklist, phone, live_server):  # noqa: F811
    world = live_world
    enterprise = enterprises["a1x"]
    log_in(phone, live_server, world.users.safety)
    phone.goto(f"{live_server.url}/inspections/enterprises/{enterprise.pk}/")
    with phone.expect_navigation():
        phone.click("[data-testid=inspect]")
    phone.select_option("select[name=template]", str(checklist.template.pk))
    phone.wait_for_selector("[data-testid=inspection-form]")
    items = checklist.items
    phone.select_option("select[name=kind]", "government")
    phone.fill("input[name=certificate_no]", "37020001")
    phone.select_option("select[name=co_inspector]", str(world.users.safety_a.pk))
    phone.fill("input[name=co_certificate_no]", "37020002")
    phone.check(f"input[name=answer_{items['G1'].pk}][value=no]")
    phone.check(f"input[name=answer_{items['G2'].pk}][value=no]")
    phone.fill(f"input[name=value_{items['G3'].pk}]", "1.5")
    canvas = phone.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 30)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 20)
    phone.mouse.up()
    phone.fill("input[name=signed_by]", "张经理")
    phone.screenshot(path=SHOT, full_page=True)
    with phone.expect_navigation():
        phone.click("[data-testid=save-inspection]")
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert inspection.signature and inspection.signature_kind == "drawn" and inspection.signed_by == "张经理"
    assert phone.locator("[data-testid=answers] [data-passed=no]").count() == 2
    for code in ("G1", "G2"):
        answer = inspection.answers.get(item__code=code)
        with phone.expect_navigation():
            phone.click(f"[data-testid=raise-{answer.pk}] button")
        assert phone.locator("[data-testid=hazard-code]").inner_text().startswith("YH-")
        phone.goto(f"{live_server.url}/inspections/inspections/{inspection.pk}/")
    hazards = Hazard.objects.filter(inspection=inspection).order_by("pk")
    assert [(h.item.code, h.proposed_level) for h in hazards] == [("G1", "major"), ("G2", "general")]
