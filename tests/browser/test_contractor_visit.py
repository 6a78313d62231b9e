"""A contractor's visit on a phone in real Chromium (390×844, its position at the enterprise): the
staff member starts the visit, records a major hazard, finishes it; the hazard then appears in
the safety office's hazard list. Assertions use data attributes, not texts."""

from __future__ import annotations

import datetime as dt

import pytest

from contractors.models import Finding, Visit
from tests.browser.test_case_loop import log_in
from tests.contractors.fixtures import build
from tests.inspections.conftest import POINTS, enterprises  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_a_visit_on_a_phone_raises_a_hazard_the_safety_office_sees(live_world, enterprises, browser, live_server,  # noqa: F811
                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cw = build(live_world, enterprises)
    visit = cw.plan_a1x.visits.get(planned_on=dt.date(2026, 7, 10))
    lat, lng = POINTS["a1x"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": lat + 0.0002, "longitude": lng})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort())
    phone = context.new_page()
    log_in(phone, live_server, cw.staff_a)
    phone.goto(f"{live_server.url}/contractors/visits/")
    with phone.expect_navigation():
        phone.click(f"[data-visit='{visit.pk}'] a")
    # the script writes the position into the hidden fields and the note (CSP: no eval here)
    phone.wait_for_selector("#visit-location:not(:empty)", state="attached")
    for _ in range(50):
        if phone.locator("#visit-lat").input_value():
            break
        phone.wait_for_timeout(100)
    assert phone.locator("#visit-lat").input_value(), phone.locator("#visit-location").inner_text()
    with phone.expect_navigation():
        phone.click("[data-testid=start-visit]")
    assert phone.locator("[data-testid=visit-status]").count() == 1
    phone.fill("[data-testid=finding-description]", "液化石油气钢瓶存放于地下室")
    phone.check("[data-testid=finding-major]")
    with phone.expect_navigation():
        phone.click("[data-testid=record-finding]")
    assert phone.locator("[data-testid=finding]").count() == 1
    assert phone.locator("[data-testid=report-due]").count() == 1
    with phone.expect_navigation():
        phone.click("[data-testid=report-major]")
    assert phone.locator("[data-testid=reported]").count() == 1
    phone.fill("#visit-finish textarea[name=guidance]", "讲解钢瓶存放要求")
    phone.select_option("#visit-finish select[name=survey_score]", "5")
    with phone.expect_navigation():
        phone.click("[data-testid=finish-visit]")
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.status == "done" and not visit.far and visit.distance_m is not None and visit.distance_m < 50
    finding = Finding.objects.get(visit=visit)
    assert finding.major and finding.reported_at is not None and not finding.late
    context.close()

    office = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = office.new_page()
    log_in(page, live_server, live_world.users.safety)
    page.goto(f"{live_server.url}/inspections/hazards/")
    assert page.locator(f"[data-hazard='{finding.hazard_id}']").count() == 1
    office.close()
