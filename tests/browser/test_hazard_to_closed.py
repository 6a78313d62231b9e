"""A major hazard's whole life on a phone in real Chromium (390×844), end to end: the safety office
issues a rectification notice and the enterprise signs it on the screen; the deadline passes (beat's
sweep is run in-process at the deadline, as the ladder tests do) and the hazard is overdue with a red
card and a supervision letter; the office records the enterprise's refusal; beat's agenda refresh
puts it on the weekly joint meeting, where `street` decides on a joint interview; the interview is
noticed, held, and the enterprise's principal signs a commitment; the grid worker submits the
follow-up with an after-photo; two reviewers (not the reporter) recheck and close it (销号); the
interview receives the follow-up report, is rechecked and closed as rectified. At each step the test
reads what the user sees: the hazard's state and card labels, the interview's status and dossier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from casework.choices import Escalation
from governance import tasks
from governance.models import AgendaItem, Meeting
from inspections import services
from inspections.choices import HazardStatus
from inspections.interview_choices import InterviewStatus
from inspections.models import Hazard, JointInterview, SupervisionLetter
from tests.browser.test_case_loop import log_in
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401
from tests.inspections.rectification_fixtures import NOTICE, PLAN, drive, gps_jpeg  # noqa: F401

pytestmark = pytest.mark.browser

SCAN = b"%PDF-1.4\n% signed commitment\n%%EOF\n"


def zh(label) -> str:
    """A label as the zh-CN phone shows it."""
    with translation.override("zh-hans"):
        return str(label)


def text(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}]").inner_text().strip()


def act(page, action: str, fields: dict | None = None, select: dict | None = None) -> None:
    """Open the hazard page's form of `action`, fill it, send it, wait for the page to come back."""
    form = f"[data-testid=action-{action}]"
    page.click(f"{form} summary")
    for name, value in (fields or {}).items():
        page.fill(f"{form} [name={name}]", value)
    for name, value in (select or {}).items():
        page.select_option(f"{form} select[name={name}]", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_notice_overdue_red_refusal_interview_recheck_closed(live_world, drive, phone, live_server, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    world, base = live_world, live_server.url
    users = world.users
    hazard = drive.to("confirmed")  # major, reported by `safety`
    tasks.prepare_weekly_agenda()  # Monday 08:00: this week's meeting, nothing refused yet
    meeting = Meeting.objects.get()
    page = f"{base}/inspections/hazards/{hazard.pk}/"

    # 1. The safety office issues the notice on its phone; the enterprise signs for it on the screen.
    log_in(phone, live_server, users.safety)
    phone.goto(page)
    assert text(phone, "hazard-status") == zh(HazardStatus.CONFIRMED.label)
    with phone.expect_navigation():
        phone.click("[data-testid=issue-notice]")
    for name in ("responsible_person", "funds", "time_limit"):
        phone.fill(f"input[name={name}]", NOTICE[name])
    for name in ("measures", "emergency_plan"):
        phone.fill(f"textarea[name={name}]", NOTICE[name])
    with phone.expect_navigation():
        phone.click("[data-testid=issue]")
    number = text(phone, "notice-number")
    assert number.startswith("ZG-")
    canvas = phone.locator("#serve-signature")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 30)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 20)
    phone.mouse.up()
    with phone.expect_navigation():
        phone.click("[data-testid=serve]")
    phone.goto(page)
    assert text(phone, "hazard-status") == zh(HazardStatus.RECTIFYING.label)
    assert text(phone, "notice-link") == number
    assert phone.locator("[data-testid=escalation]").count() == 0
    # A major hazard's six-part plan and evaluation, recorded while it is rectified.
    act(phone, "plan", fields={name: PLAN[name] for name in PLAN})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.due_at is not None

    # 2. Time passes: beat's sweep at the deadline. A major hazard overdue is red at once.
    result = services.escalate_overdue_hazards(now=hazard.due_at)
    assert (result["yellow"], result["red"]) == (1, 1)
    assert services.escalate_overdue_hazards(now=hazard.due_at + dt.timedelta(minutes=5))["red"] == 0
    phone.goto(page)
    assert text(phone, "escalation") == zh(Escalation.RED.label)
    assert text(phone, "missed") == "1"
    letter = SupervisionLetter.objects.get(hazard=hazard)
    with phone.expect_navigation():
        phone.click("[data-testid=letter]")
    assert f"/letters/{letter.pk}/" in phone.url and phone.locator("[data-testid=doc-title]").count() == 1

    # 3. The enterprise still refuses: the office records it with its evidence.
    phone.goto(page)
    act(phone, "refuse", fields={"evidence": "逾期后复查，报警装置仍未安装，企业拒不整改。"},
        select={"ground": "missed_deadlines"})
    assert text(phone, "refusals") == "1"
    assert phone.locator("[data-testid=action-refuse]").count() == 0

    # 4. Beat's refresh puts it on this week's agenda, once; street decides on a joint interview.
    assert tasks.refresh_weekly_agenda() == 1
    assert tasks.refresh_weekly_agenda() == 0
    assert AgendaItem.objects.filter(meeting=meeting, hazard=hazard).count() == 1
    log_in(phone, live_server, users.street)
    phone.goto(f"{base}/meetings/{meeting.pk}/")
    assert phone.locator(f"li.agenda-item[data-case='{hazard.code}']").count() == 1
    phone.click("[data-testid=start]")
    phone.wait_for_selector("[data-testid=run-hazard]")
    phone.select_option("#id_action", "interview")
    phone.select_option("#id_lead_department", str(world.safety.pk))
    deadline = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=17, minute=0)
    phone.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    phone.fill("#id_note", "一周内组织联合约谈，邀请检察院、派出所。")
    phone.click("[data-testid=save-decision]")
    phone.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    phone.click("[data-testid=publish]")
    phone.wait_for_selector("[data-testid=meeting-status][data-status=published]")
    interview = JointInterview.objects.get()
    assert list(interview.hazards.all()) == [hazard]

    # 5. The office sends the interview's notice, holds it, and records the signed commitment.
    log_in(phone, live_server, users.safety)
    phone.goto(page)
    link = phone.locator("[data-testid=hazard-interviews] a.code")
    assert link.inner_text().strip() == interview.code
    with phone.expect_navigation():
        link.click()
    assert text(phone, "interview-status") == zh(InterviewStatus.PROPOSED.label)
    notice = phone.locator("[data-testid=action-schedule]")
    when = (timezone.localtime() + dt.timedelta(days=2)).replace(hour=14, minute=30)
    notice.locator("input[name=scheduled_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    notice.locator("input[name=place]").fill("街道办事处301会议室")
    notice.locator("textarea[name=materials]").fill("未整改原因的书面说明；整改方案")
    notice.locator("[data-testid=send-notice]").click()
    phone.wait_for_selector("[data-testid=notice]")
    hold = phone.locator("[data-testid=action-hold]")
    if not hold.locator("input[name=attendee_name]").input_value():
        hold.locator("input[name=attendee_name]").fill("张经理")
    hold.locator("select[name=principal_in_person]").select_option("true")
    hold.locator("textarea[name=record]").fill("企业说明未整改原因；检察院释明危险作业罪。")
    hold.locator("textarea[name=minutes]").fill("企业承诺10日内整改完毕。")
    hold.locator("[data-testid=save-record]").click()
    phone.wait_for_selector("[data-testid=record]")
    scan = tmp_path / "commitment.pdf"
    scan.write_bytes(SCAN)
    commit = phone.locator("[data-testid=action-commit]")
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    commit.locator("textarea[name=items]").fill(f"{day} 安装可燃气体报警装置")
    commit.locator("input[name=scan]").set_input_files(str(scan))
    commit.locator("[data-testid=save-commitment]").click()
    phone.wait_for_selector("[data-testid=report-due]")
    assert "安装可燃气体报警装置" in text(phone, "commitment")
    assert phone.locator("[data-testid=stand-in]").count() == 0

    # 6. The grid worker submits the follow-up with an after-photo taken at the enterprise.
    log_in(phone, live_server, users.worker)
    phone.goto(page)
    photo = tmp_path / "after.jpg"
    photo.write_bytes(gps_jpeg().read())
    phone.click("[data-testid=action-submit] summary")
    phone.set_input_files("[data-testid=action-submit] input[name=photos]", str(photo))
    with phone.expect_navigation():
        phone.click("[data-testid=action-submit] button[type=submit]")
    phone.goto(page)
    assert text(phone, "hazard-status") == zh(HazardStatus.SUBMITTED.label)

    # 7. The recheck of a major hazard: two reviewers, the reporter not among them; passed → closed (销号).
    log_in(phone, live_server, users.safety_a)
    phone.goto(page)
    options = phone.locator("[data-testid=action-start_recheck] select[name=reviewers] option")
    assert str(users.safety.pk) not in options.evaluate_all("els => els.map(e => e.value)")
    act(phone, "start_recheck", select={"reviewers": [str(users.safety_a.pk), str(users.street.pk)]})
    assert text(phone, "hazard-status") == zh(HazardStatus.RECHECKING.label)
    act(phone, "pass_recheck")
    assert text(phone, "hazard-status") == zh(HazardStatus.CLOSED.label)
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.closed_at is not None and hazard.recheck_due_at is None
    assert phone.locator("[data-testid=actions] [data-testid^=action-]").count() <= 2  # reopen / comment at most

    # 8. The interview receives the follow-up report, is rechecked and closed as rectified.
    log_in(phone, live_server, users.safety)
    phone.goto(f"{base}/inspections/interviews/{interview.pk}/")
    phone.locator("[data-testid=action-report] textarea[name=report]").fill("报警装置已安装并联网，附整改后照片。")
    phone.click("[data-testid=save-report]")
    phone.wait_for_selector("[data-testid=action-recheck]")
    phone.locator("[data-testid=action-recheck] textarea[name=note]").fill("现场复查合格，隐患已销号。")
    phone.click("[data-testid=save-recheck]")
    phone.wait_for_selector("[data-testid=action-close]")
    phone.locator("[data-testid=action-close] select[name=outcome]").select_option("rectified")
    phone.click("[data-testid=save-outcome]")
    phone.wait_for_selector("[data-testid=interview-outcome]")
    assert text(phone, "interview-status") == zh(InterviewStatus.CLOSED.label)
    with phone.expect_navigation():
        phone.click("[data-testid=print-dossier]")
    assert "安装可燃气体报警装置" in text(phone, "dossier-commitment")
    assert hazard.code in phone.locator("body").inner_text()

    # The hazard's page tells the whole story: closed, the red card it had, the interview closed.
    phone.goto(page)
    assert text(phone, "hazard-status") == zh(HazardStatus.CLOSED.label)
    assert text(phone, "refusals") == "1" and text(phone, "missed") == "1"
    assert zh(InterviewStatus.CLOSED.label) in text(phone, "hazard-interviews")
