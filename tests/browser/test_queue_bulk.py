"""Issue 15: the queue's bulk buttons follow the ticked cases in real Chromium — Dispatch stays
disabled while a ticked case only allows register, and Register while a ticked case is past it."""

from __future__ import annotations

import pytest

from incidents.choices import Action, Status
from tests.browser.test_case_loop import log_in
from tests.browser.test_daily_use import _case, gas  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_each_bulk_button_is_enabled_only_when_every_ticked_case_allows_it(live_world, live_server, phone, gas):  # noqa: F811
    from incidents.services import apply_action

    reported = _case(live_world, gas)
    registered = _case(live_world, gas)
    apply_action(registered.pk, actor=live_world.users.zone_leader, action=Action.REGISTER, params={})
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    page = phone
    log_in(page, live_server, live_world.users.zone_leader)
    page.goto(f"{live_server.url}/incidents/")
    dispatch = page.locator("[data-testid=bulk-dispatch-button]")
    register = page.locator("[data-testid=bulk-register-button]")
    only_register = page.locator(f"tr[data-case='{reported.pk}'] input[name=ids]")
    can_dispatch = page.locator(f"tr[data-case='{registered.pk}'] input[name=ids]")
    assert only_register.get_attribute("data-actions") == "register"
    assert "dispatch" in can_dispatch.get_attribute("data-actions").split()
    assert "register" not in can_dispatch.get_attribute("data-actions").split()
    # Nothing ticked: nothing to do.
    assert dispatch.is_disabled() and register.is_disabled()
    only_register.check()
    assert dispatch.is_disabled() and register.is_enabled()
    can_dispatch.check()  # a mix: neither action suits every ticked case
    assert dispatch.is_disabled() and register.is_disabled()
    only_register.uncheck()
    assert dispatch.is_enabled() and register.is_disabled()
    page.select_option("#id_bulk_department", str(live_world.safety.pk))
    with page.expect_navigation():
        dispatch.click()
    registered.refresh_from_db()
    reported.refresh_from_db()
    assert registered.status == Status.DISPATCHED and reported.status == Status.REPORTED
