"""A campaign on a phone in real Chromium (390×844): the safety officer opens the campaign, inspects
one of its target enterprises from the target list, fails two items, the representative signs on
the screen, two hazards are raised in one tap each, and the campaign's progress then shows the
enterprise inspected with its two hazards. Assertions use data attributes, not texts."""

from __future__ import annotations

import pytest

from inspections.models import Hazard, Inspection
from tests.browser.test_case_loop import log_in
from tests.inspections.campaign_fixtures import campaigns  # noqa: F401  (fixtures of the inspections tests)
from tests.inspections.conftest import checklist, enterprises  # noqa: F401

pytestmark = pytest.mark.browser

SHOT = "/tmp/campaign-progress.png"


def test_inspect_a_campaign_target_and_see_the_progress(live_world, enterprises, checklist, campaigns, phone,  # noqa: F811
                                                        live_server):
    world = live_world
    campaign, enterprise = campaigns.whole, enterprises["a1x"]
    log_in(phone, live_server, world.users.safety)
    phone.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/")
    assert phone.locator("[data-testid=progress-total] [data-figure=inspected]").inner_text().startswith("0")
    with phone.expect_navigation():
        phone.click(f"[data-testid=inspect-{enterprise.pk}]")
    phone.wait_for_selector("[data-testid=inspection-form]")
    assert phone.locator("[data-testid=form-campaign]").count() == 1
    assert phone.locator("select[name=template]").input_value() == str(checklist.template.pk)  # the pinned checklist
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
    with phone.expect_navigation():
        phone.click("[data-testid=save-inspection]")
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert inspection.campaign_id == campaign.pk and inspection.status == "submitted"
    assert inspection.signature and inspection.signature_kind == "drawn" and inspection.signed_by == "张经理"
    assert phone.locator("[data-testid=inspection-campaign]").count() == 1
    for code in ("G1", "G2"):
        answer = inspection.answers.get(item__code=code)
        with phone.expect_navigation():
            phone.click(f"[data-testid=raise-{answer.pk}] button")
        assert phone.locator("[data-testid=hazard-code]").inner_text().startswith("YH-")
        phone.goto(f"{live_server.url}/inspections/inspections/{inspection.pk}/")
    assert Hazard.objects.filter(inspection=inspection).count() == 2
    phone.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/")
    total = phone.locator("[data-testid=progress-total]")
    assert total.locator("[data-figure=due]").inner_text() == "4"
    assert total.locator("[data-figure=inspected]").inner_text().startswith("1")
    assert total.locator("[data-figure=hazards]").inner_text() == "2"
    assert total.locator("[data-figure=major]").inner_text() == "1"
    target = phone.locator(f"[data-target='{enterprise.pk}']")
    assert target.get_attribute("data-inspected") == "yes" and target.get_attribute("data-hazards") == "2"
    phone.screenshot(path=SHOT, full_page=True)
