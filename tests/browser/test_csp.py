"""The Content-Security-Policy in real Chromium: each role logs in and opens the pages of its menu,
plus the pages of a case, an enterprise (and the inspection form), a hazard-free checklist, a
meeting and the dashboard where it has them, and no page reports a CSP violation (nor does the
"show full number" button at work) — neither a
`securitypolicyviolation` event nor a console message. A violation means an inline script or handler,
an image from a host the policy does not name, or a library doing something the policy forbids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.meetings import services as meetings
from incidents.choices import Status
from tests.browser.test_case_loop import log_in
from tests.incidents import factories as cf
from tests.inspections.conftest import enterprises  # noqa: F401  (fixture of the inspections tests)

pytestmark = pytest.mark.browser

# Runs before any page script: the page's CSP does not apply to it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

ROLES = ["street", "zone_leader", "community", "worker", "safety", "urban", "contractor"]


@pytest.fixture
def places(live_world, enterprises, settings):  # noqa: F811
    world = live_world
    cats = cf.category_tree(world)
    case = cf.case_in(Status.DISPATCHED, world, cats)
    meeting, _created = meetings.prepare_meeting(
        kind="weekly", week_start=timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()),
        actor=world.users.street)
    return {
        "case": f"/incidents/{case.pk}/",
        "enterprise": f"/inspections/enterprises/{enterprises['a1x'].pk}/",
        "inspect": f"/inspections/enterprises/{enterprises['a1x'].pk}/inspect/",
        "meeting": f"/meetings/{meeting.pk}/",
        "dashboard": "/dashboard/",
        "docs": "/api/docs/",
    }


def menu(page) -> list[str]:
    hrefs = page.eval_on_selector_all("#mainnav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and not h.startswith("/admin/")]


def test_no_page_of_any_role_reports_a_csp_violation(live_world, places, browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    # Only the live server answers; tile requests are aborted (not a CSP matter: they are allowed hosts).
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort())
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    # The listener hears a violation: an inline script added by hand is refused and reported.
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.head.appendChild(s); }")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.ran") is None
    console.clear()

    visited: dict[str, int] = {}
    violations: dict[str, list[str]] = {}
    for role in ROLES:
        user = live_world.persona(role)
        log_in(page, live_server, user)
        paths = [*menu(page), *places.values()]
        for path in dict.fromkeys(paths):
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            page.wait_for_timeout(50)  # let deferred scripts run
            seen = page.evaluate("window.__csp") + console
            console.clear()
            if response.status == 200:
                visited[role] = visited.get(role, 0) + 1
            if seen:
                violations[f"{role} {path}"] = seen
    # "Show full number" (reveal.js, a fetch under connect-src 'self'): the zone leader sees the
    # worker's number in full, with no violation either.
    log_in(page, live_server, live_world.users.zone_leader)
    page.goto(f"{live_server.url}/grids/workers/{live_world.users.worker.pk}/")
    page.click("[data-testid=reveal]")
    page.wait_for_selector(".phone[data-revealed='1']")
    revealed = page.locator(".phone[data-revealed='1']").text_content()
    late = page.evaluate("window.__csp") + console
    context.close()
    assert revealed == live_world.users.worker.phone
    assert late == []
    assert violations == {}
    # Every role saw its pages, and the staff roles their whole menu, so the walk is not empty.
    assert set(visited) == set(ROLES), visited
    assert min(visited[role] for role in ROLES if role != "contractor") >= 12, visited
