"""The rectification loop on a phone in real Chromium (390×844): the safety officer issues a
notice for a general hazard and the recipient signs on the screen; the deadline passes (the sweep
is run at a later time) and the hazard goes red with a supervision letter; the grid worker submits
an after-photo; the officer rechecks and closes it. Assertions use data attributes, not texts."""

from __future__ import annotations

import pytest

from inspections import services
from inspections.models import Hazard, SupervisionLetter
from tests.browser.test_case_loop import log_in
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401
from tests.inspections.rectification_fixtures import NOTICE, drive, gps_jpeg  # noqa: F401

pytestmark = pytest.mark.browser

SHOT = "/tmp/rectification-notice.png"


def test_notice_served_overdue_red_rechecked_closed(live_world, drive, phone, live_server, tmp_path):  # noqa: F811
    world = live_world
    hazard = drive.to("confirmed", general=True)
    log_in(phone, live_server, world.users.safety)
    phone.goto(f"{live_server.url}/inspections/hazards/{hazard.pk}/")
    with phone.expect_navigation():
        phone.click("[data-testid=issue-notice]")
    for name in ("responsible_person", "funds", "time_limit"):
        phone.fill(f"input[name={name}]", NOTICE[name])
    for name in ("measures", "emergency_plan"):
        phone.fill(f"textarea[name={name}]", NOTICE[name])
    with phone.expect_navigation():
        phone.click("[data-testid=issue]")
    assert phone.locator("[data-testid=notice-number]").inner_text().startswith("ZG-")
    canvas = phone.locator("#serve-signature")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 30)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 20)
    phone.mouse.up()
    phone.screenshot(path=SHOT, full_page=True)
    with phone.expect_navigation():
        phone.click("[data-testid=serve]")
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and hazard.notice.service_kind == "drawn"

    services.escalate_overdue_hazards(now=hazard.red_at)  # a week after the deadline
    phone.goto(f"{live_server.url}/inspections/hazards/{hazard.pk}/")
    assert phone.locator("[data-testid=escalation]").count() == 1
    letter = SupervisionLetter.objects.get(hazard=hazard)
    with phone.expect_navigation():
        phone.click("[data-testid=letter]")
    assert phone.locator("[data-testid=doc-title]").count() == 1 and f"/letters/{letter.pk}/" in phone.url

    log_in(phone, live_server, world.users.worker)
    phone.goto(f"{live_server.url}/inspections/hazards/{hazard.pk}/")
    photo = tmp_path / "after.jpg"
    photo.write_bytes(gps_jpeg().read())
    phone.click("[data-testid=action-submit] summary")
    phone.set_input_files("[data-testid=action-submit] input[name=photos]", str(photo))
    with phone.expect_navigation():
        phone.click("[data-testid=action-submit] button[type=submit]")
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"

    log_in(phone, live_server, world.users.safety)
    phone.goto(f"{live_server.url}/inspections/hazards/{hazard.pk}/")
    phone.click("[data-testid=action-start_recheck] summary")
    phone.select_option("[data-testid=action-start_recheck] select[name=reviewers]", [str(world.users.safety.pk)])
    with phone.expect_navigation():
        phone.click("[data-testid=action-start_recheck] button[type=submit]")
    phone.click("[data-testid=action-pass_recheck] summary")
    with phone.expect_navigation():
        phone.click("[data-testid=action-pass_recheck] button[type=submit]")
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_at is not None
    assert phone.locator("[data-testid=hazard-status]").count() == 1
