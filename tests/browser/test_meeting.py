"""The weekly joint meeting in real Chromium: the Monday task prepares the agenda; `street` opens this
week's agenda, decides a disputed case for urban management with a deadline and publishes the
minutes; `urban` then finds the case in its department queue with that deadline. The printed
minutes are rendered as an A4 PDF and as a print-media screenshot for a look."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance import tasks
from governance.models import Meeting
from incidents import services as cases
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the same launch flags as every browser test)
from tests.factories import PASSWORD
from tests.incidents import factories as cf

pytestmark = pytest.mark.browser

MINUTES_PDF = "/tmp/meeting-minutes.pdf"
MINUTES_PNG = "/tmp/meeting-minutes.png"


@pytest.fixture
def desk(browser, live_server):
    """A desktop browser in Chinese that may only talk to the live server."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/")


def disputed_case(world, cats) -> Incident:
    case = cf.case_in(Status.DISPATCHED, world, cats, department=world.safety)
    cases.apply_action(case.pk, actor=cf.handler_of(world.safety, case.zone_id), action=Action.RETURN, params={"reason": "不属于安监职责"})
    cases.apply_action(case.pk, actor=world.users.zone_leader, action=Action.DISPATCH, params={"department": world.police.pk})
    cases.apply_action(case.pk, actor=world.users.officer, action=Action.RETURN, params={"reason": "不属于治安案件"})
    case.refresh_from_db()
    assert case.status == Status.DISPUTED
    return case


def test_street_decides_a_disputed_case_and_urban_finds_it_in_its_queue(live_world, live_server, desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    world = live_world
    case = disputed_case(world, cf.category_tree(world))
    tasks.prepare_weekly_agenda()  # Monday 08:00
    meeting = Meeting.objects.get()
    base = live_server.url
    deadline = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=17, minute=30, second=0, microsecond=0)

    # street opens this week's agenda from the meetings page.
    page = desk()
    log_in(page, base, world.users.street)
    page.click("[data-testid=nav-meetings]")
    page.wait_for_url(f"{base}/meetings/")
    page.click("[data-testid=this-week]")
    page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    row = page.locator(f"li.agenda-item[data-case='{case.code}']")
    assert row.count() == 1
    assert "安监办" in row.locator("[data-testid=history]").text_content()

    # Opens the session and decides the case for urban management with a deadline.
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=decision-form]")
    assert case.code in page.locator("[data-testid=run-case]").text_content()
    page.select_option("#id_lead_department", str(world.urban.pk))
    page.check(f"input[name=cooperating][value='{world.safety.pk}']")
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_note", "城管中队牵头清理，安监办配合排查燃气隐患。")
    page.click("[data-testid=save-decision]")
    page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    assert "城管中队" in row.locator("[data-testid=decision]").text_content()

    # Publishes the minutes.
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=meeting-status][data-status=published]")
    case.refresh_from_db()
    assert (case.status, case.department, case.due_at) == (Status.DISPATCHED, world.urban, deadline)
    assert case.events.filter(kind=EventKind.MEETING_DECISION, data__meeting=meeting.pk).count() == 1

    # The printed minutes: an A4 PDF, and a print-media screenshot to look at.
    with page.expect_popup() as popup:
        page.click("[data-testid=print-minutes]")
    minutes = popup.value
    minutes.wait_for_load_state()
    assert case.code in minutes.locator("[data-item]").first.text_content()
    assert minutes.locator("body.draft").count() == 0
    minutes.emulate_media(media="print")
    minutes.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    minutes.screenshot(path=MINUTES_PNG, full_page=True)
    pdf = minutes.pdf(path=MINUTES_PDF, format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")

    # urban finds the case in its queue, with the meeting's deadline.
    handler = desk()
    log_in(handler, base, world.users.urban)
    handler.goto(f"{base}/incidents/department/")
    card = handler.locator(f"li.case-card[data-case='{case.pk}']")
    card.wait_for()
    assert case.code in card.text_content()
    assert deadline.strftime("%Y-%m-%d %H:%M") in card.locator("[data-testid=deadline]").get_attribute("title")
    card.locator("a.case-card-link").click()
    handler.wait_for_url(f"{base}/incidents/{case.pk}/")
    assert handler.locator("[data-testid=department]").text_content().strip() == "城管中队"
    assert deadline.strftime("%Y-%m-%d %H:%M") in handler.content()
