"""Issue 16 in real Chromium at phone size: a worker files two reports with a photo offline, reloads
(still queued), goes online, both arrive once each with their observed time; a resend of the same
queue creates nothing new."""

from __future__ import annotations

import pytest

from incidents.models import Incident
from tests.browser.test_case_loop import categories, log_in, make_photo  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

POINT = {"latitude": 36.002, "longitude": 120.002}


def test_two_reports_written_offline_arrive_once_each(live_world, live_server, browser, categories, tmp_path, settings):  # noqa: F811
    settings.MAP_TILES = "none"
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", geolocation=POINT,
                                  permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        log_in(page, live_server, live_world.users.worker)
        page.goto(f"{live_server.url}/incidents/new/")
        page.wait_for_selector("#intake-form[data-offline-ready]")
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#intake-form[data-offline-copy='1']")
        for n in (1, 2):
            page.select_option("select[name=category]", str(categories.pk))
            page.fill("textarea[name=description]", f"离线上报 {n}")
            page.set_input_files("input[name=photos]", make_photo(tmp_path / f"p{n}.png", (200, 60, 40 * n)))
            page.click("[data-testid=submit-report]")
            page.locator("[data-testid=queued-report]").nth(n - 1).wait_for()  # (wait_for_function strings: CSP)
        page.reload()
        page.locator("[data-testid=queued-report]").nth(1).wait_for()
        copy = "window.__copy = await new Promise(r => { const o = indexedDB.open('grid-intake', 1); o.onsuccess = () => {" \
               " const q = o.result.transaction('reports').objectStore('reports').getAll(); q.onsuccess = () => r(q.result); }; })"
        page.evaluate(f"async () => {{ {copy}; return window.__copy.length; }}")
        assert Incident.objects.count() == 0
        context.set_offline(False)
        page.locator("[data-testid=sent-report]").nth(1).wait_for(timeout=30_000)
        cases = list(Incident.objects.order_by("pk"))
        assert len(cases) == 2 and all(c.observed_at is not None and c.photos.count() == 1 for c in cases)
        # A resend of the same queue: put the copies back and send again.
        page.evaluate("""async () => { await new Promise(r => { const o = indexedDB.open('grid-intake', 1);
            o.onsuccess = () => { const t = o.result.transaction('reports', 'readwrite');
              window.__copy.forEach(x => t.objectStore('reports').put(x)); t.oncomplete = r; }; }); }""")
        page.click("[data-testid=queue-send]")
        page.locator("[data-testid=sent-report]").nth(3).wait_for(timeout=30_000)
        assert Incident.objects.count() == 2
    finally:
        context.close()
