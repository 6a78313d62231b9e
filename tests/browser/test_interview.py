"""The joint interview in real Chromium: the safety office records a refusal on a major hazard; the
beat refresh puts it on this week's agenda; `street` decides "hold a joint interview" and publishes;
the interview is scheduled with the procuratorate seated, recorded, committed to, followed up,
rechecked and closed with its outcome; the prosecutor then reads the dossier and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance import tasks
from governance.models import AgendaItem, Meeting
from grids.choices import Role
from inspections import services
from inspections.models import Clause, JointInterview, Standard
from tests import factories as f
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the same launch flags as every browser test)
from tests.factories import PASSWORD
from tests.inspections.conftest import enterprise_data

pytestmark = pytest.mark.browser

SCAN = b"%PDF-1.4\n% signed commitment\n%%EOF\n"


@pytest.fixture
def desk(browser, live_server):
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


def log_in(page, base: str, user, landing: str = "/") -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}{landing}")


def major_hazard(world):
    standard = Standard.objects.create(name="工贸企业重大事故隐患判定标准", number="应急管理部令第10号")
    clause = Clause.objects.create(standard=standard, number="燃气-1", summary="未安装可燃气体报警装置", is_major=True,
                                   valid_from=dt.date(2023, 5, 15))
    enterprise = services.register_enterprise(actor=world.users.street, **enterprise_data(1, principal="张建国"))
    hazard = services.record_hazard(actor=world.users.safety, enterprise=enterprise.pk, clause=clause.pk,
                                    description="后厨未安装可燃气体报警装置")
    services.apply_hazard_action(hazard.pk, actor=world.users.street, action="confirm", params={})
    hazard.refresh_from_db()
    return hazard


def test_refusal_to_interview_outcome(live_world, live_server, desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    world = live_world
    prosecutor = f.UserFactory(username="p_prosecutor", role=Role.EXTERNAL, last_name="周", first_name="检察官")
    hazard = major_hazard(world)
    tasks.prepare_weekly_agenda()  # Monday 08:00: nothing refused yet
    meeting = Meeting.objects.get()
    assert not AgendaItem.objects.filter(hazard=hazard).exists()
    base = live_server.url

    # The safety office records the refusal on the hazard's page.
    office = desk()
    log_in(office, base, world.users.safety)
    office.goto(f"{base}/inspections/hazards/{hazard.pk}/")
    # The loop's panel offers the table's `refuse` action.
    office.click("[data-testid=action-refuse] summary")
    office.select_option("[data-testid=action-refuse] select[name=ground]", "missed_deadlines")
    office.fill("[data-testid=action-refuse] textarea[name=evidence]", "两次限期整改均逾期，复查时报警装置仍未安装。")
    office.click("[data-testid=action-refuse] button[type=submit]")
    office.wait_for_url(f"{base}/inspections/hazards/{hazard.pk}/")
    assert office.locator("[data-testid=refusals]").text_content().strip() == "1"
    assert office.locator("[data-testid=action-refuse]").count() == 0  # open: not offered again

    # Beat's refresh puts it on this week's agenda, once.
    assert tasks.refresh_weekly_agenda() == 1
    assert tasks.refresh_weekly_agenda() == 0

    # street decides: the safety office holds a joint interview within a week; publishes.
    page = desk()
    log_in(page, base, world.users.street)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    row = page.locator(f"li.agenda-item[data-case='{hazard.code}']")
    assert row.count() == 1 and row.locator("[data-testid=history]").text_content().strip()
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=run-hazard]")
    page.select_option("#id_action", "interview")
    page.select_option("#id_lead_department", str(world.safety.pk))
    deadline = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=17, minute=0)
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_note", "一周内组织联合约谈，邀请检察院、派出所。")
    page.click("[data-testid=save-decision]")
    page.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=meeting-status][data-status=published]")
    interview = JointInterview.objects.get()
    assert interview.organiser == world.safety and list(interview.hazards.all()) == [hazard]

    # The safety office seats the prosecutor and sends the notice.
    office.goto(f"{base}/inspections/interviews/")
    office.click(f"tr[data-interview='{interview.pk}'] a")
    office.wait_for_url(f"{base}/inspections/interviews/{interview.pk}/")
    seat = office.locator("[data-testid=add-participant]")
    seat.locator("summary").click()
    seat.locator("select[name=body]").select_option("procuratorate")
    seat.locator("select[name=user]").select_option(str(prosecutor.pk))
    seat.locator("input[name=organisation]").fill("区人民检察院")
    seat.locator("[data-testid=seat]").click()
    office.wait_for_selector("[data-testid=participants] >> text=区人民检察院")
    notice = office.locator("[data-testid=action-schedule]")
    when = (timezone.localtime() + dt.timedelta(days=2)).replace(hour=14, minute=30)
    notice.locator("input[name=scheduled_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    notice.locator("input[name=place]").fill("街道办事处301会议室")
    notice.locator("textarea[name=materials]").fill("未整改原因的书面说明；整改方案")
    notice.locator("[data-testid=send-notice]").click()
    office.wait_for_selector("[data-testid=notice]")

    # The interview is held and recorded; the commitment is signed and its scan attached.
    hold = office.locator("[data-testid=action-hold]")
    hold.locator("select[name=principal_in_person]").select_option("true")
    hold.locator("textarea[name=record]").fill("企业说明未整改原因；检察院释明危险作业罪。")
    hold.locator("textarea[name=minutes]").fill("企业承诺10日内整改完毕。")
    hold.locator("[data-testid=save-record]").click()
    office.wait_for_selector("[data-testid=record]")
    scan = tmp_path / "commitment.pdf"
    scan.write_bytes(SCAN)
    commit = office.locator("[data-testid=action-commit]")
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    commit.locator("textarea[name=items]").fill(f"{day} 安装可燃气体报警装置")
    commit.locator("input[name=scan]").set_input_files(str(scan))
    commit.locator("[data-testid=save-commitment]").click()
    office.wait_for_selector("[data-testid=report-due]")

    # Follow-up report, recheck, outcome.
    office.locator("[data-testid=action-report] textarea[name=report]").fill("报警装置已安装并联网。")
    office.click("[data-testid=save-report]")
    office.wait_for_selector("[data-testid=action-recheck]")
    office.locator("[data-testid=action-recheck] textarea[name=note]").fill("现场复查合格。")
    office.click("[data-testid=save-recheck]")
    office.wait_for_selector("[data-testid=action-close]")
    office.locator("[data-testid=action-close] select[name=outcome]").select_option("rectified")
    office.click("[data-testid=save-outcome]")
    office.wait_for_selector("[data-testid=interview-outcome]")
    interview.refresh_from_db()
    assert (interview.status, interview.outcome, interview.stand_in) == ("closed", "rectified", False)

    # The prosecutor lands on their interviews, reads the dossier, and sees nothing else.
    outside = desk()
    log_in(outside, base, prosecutor, landing="/inspections/interviews/")
    outside.click(f"tr[data-interview='{interview.pk}'] a")
    outside.wait_for_selector("[data-testid=interview-outcome]")
    assert outside.locator("[data-testid=actions]").count() == 0
    outside.click("[data-testid=print-dossier]")
    outside.wait_for_url(f"{base}/inspections/interviews/{interview.pk}/print/dossier/")
    assert "安装可燃气体报警装置" in outside.locator("[data-testid=dossier-commitment]").text_content()
    outside.emulate_media(media="print")
    assert outside.pdf(format="A4", print_background=True).startswith(b"%PDF")
    assert outside.goto(f"{base}/inspections/hazards/").status == 404
    assert outside.goto(f"{base}/inspections/hazards/{hazard.pk}/").status == 404
