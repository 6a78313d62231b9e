"""The rectification loop's rules: one notice for several hazards, the deadline's integrity
(edits never move it, only an approved extension does), evidence checked for place and time,
rechecks (due in 3 working days, two reviewers for a major, never the reporter), a major's
closing conditions, referral feedback clock, closing on the spot, void and reopen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.calendar import load_calendar
from casework.choices import LimitKind
from casework.errors import Refused
from inspections import services
from inspections.choices import EvidencePhase
from inspections.choices import HazardEventKind as K
from inspections.models import (
    Extension,
    Hazard,
    HazardDeadline,
    HazardEvent,
    Recheck,
    RectificationNotice,
    RectificationPhoto,
    Referral,
)
from tests.inspections.rectification_fixtures import A1X, NOTICE, PLAN, gps_jpeg, signature_url

pytestmark = pytest.mark.django_db


def act(hazard, actor, action, photos=None, now=None, **params):
    return services.apply_hazard_action(hazard.pk, actor=actor, action=action, params=params, photos=photos, now=now)


def fresh(hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


def test_one_notice_covers_several_hazards_of_one_enterprise(world, drive, enterprises, make_hazard):
    users = world.users
    first, second = drive.to("confirmed"), drive.to("confirmed", general=True)
    now = timezone.now()
    notice = services.issue_notice(actor=users.safety, hazards=[first.pk, second.pk], params=NOTICE, now=now)
    assert notice.number.startswith(f"ZG-{timezone.localtime(now).year}-")
    assert notice.due_at == load_calendar().add(now, 5, LimitKind.WORKING_DAYS)
    assert {h.status for h in notice.hazards.all()} == {"notified"} and notice.hazards.count() == 2
    assert all(h.due_at == notice.due_at == h.first_due_at for h in notice.hazards.all())
    served = services.serve_notice(notice.pk, actor=users.safety, signature=signature_url(), served_to="张经理")
    assert served.served_at is not None and served.service_kind == "drawn" and served.service_proof
    assert {h.status for h in notice.hazards.all()} == {"rectifying"}
    other = make_hazard(enterprises["a1y"], "confirmed")
    third = drive.to("confirmed")
    with pytest.raises(ValidationError):
        services.issue_notice(actor=users.safety, hazards=[third.pk, other.pk], params=NOTICE)
    assert fresh(third).status == "confirmed" and RectificationNotice.objects.count() == 1


def test_a_notice_needs_the_five_implementations(world, drive):
    hazard = drive.to("confirmed")
    for missing in ("responsible_person", "measures", "funds", "time_limit", "emergency_plan"):
        with pytest.raises(ValidationError) as error:
            services.issue_notice(actor=world.users.safety, hazards=[hazard.pk], params={**NOTICE, missing: ""})
        assert missing in error.value.message_dict
    with pytest.raises(ValidationError):
        services.issue_notice(actor=world.users.safety, hazards=[hazard.pk], params={**NOTICE, "funds": "12.345"})
    assert fresh(hazard).status == "confirmed" and not RectificationNotice.objects.exists()


def test_service_needs_a_signature_or_a_photo(world, drive):
    hazard = drive.to("notified")
    with pytest.raises(ValidationError):
        services.serve_notice(hazard.notice_id, actor=world.users.safety)
    services.serve_notice(hazard.notice_id, actor=world.users.safety, photos=[gps_jpeg(name="signed.jpg")])
    assert fresh(hazard).status == "rectifying"
    assert RectificationPhoto.objects.get(hazard=hazard).phase == EvidencePhase.SERVICE


def test_edits_never_move_a_running_deadline_only_an_approved_extension_does(world, drive):
    users = world.users
    hazard = drive.to("rectifying", general=True)
    due, red = hazard.due_at, hazard.red_at
    act(hazard, users.safety, "edit", description="新描述", rectification_days=30, measures="更换报警器", funds="99999")
    hazard = fresh(hazard)
    assert (hazard.description, hazard.rectification_days, hazard.notice.measures) == ("新描述", 30, "更换报警器")
    assert (hazard.due_at, hazard.red_at, hazard.first_due_at) == (due, red, due)
    act(hazard, users.worker, "request_extension", working_days=3, reason="设备到货延迟")
    assert fresh(hazard).due_at == due  # a request is not a deadline
    act(hazard, users.safety, "decide_extension", approve=False, note="理由不足")
    assert fresh(hazard).due_at == due and fresh(hazard).extensions == 0
    act(hazard, users.worker, "request_extension", working_days=3, reason="再次申请")
    act(hazard, users.safety, "decide_extension", approve=True)
    hazard = fresh(hazard)
    cal = load_calendar()
    assert hazard.due_at == cal.add(due, 3, LimitKind.WORKING_DAYS) and hazard.extensions == 1
    assert hazard.first_due_at == due  # what 按期整改率 counts against
    assert hazard.red_at == cal.add(hazard.due_at, 5, LimitKind.WORKING_DAYS)
    assert hazard.warn_at == cal.before(hazard.due_at, 1)
    rows = list(Extension.objects.filter(hazard=hazard).values_list("decision", "old_due_at", "new_due_at"))
    assert rows == [("rejected", due, due), ("approved", due, hazard.due_at)]
    assert HazardDeadline.objects.get(hazard=hazard).extended is True
    assert HazardEvent.objects.filter(hazard=hazard, kind=K.EXTENSION_DECIDED).count() == 2


def test_a_failed_recheck_goes_back_on_the_same_deadline_and_is_counted(world, drive):
    users = world.users
    hazard = drive.to("rechecking")
    due = hazard.due_at
    act(hazard, users.street, "fail_recheck", reason="报警器未联动")
    hazard = fresh(hazard)
    assert (hazard.status, hazard.recheck_failures, hazard.due_at, hazard.recheck_due_at) == ("rectifying", 1, due, None)
    with pytest.raises(Refused):
        act(hazard, users.street, "fail_recheck", reason="x")  # not rechecking any more
    assert Recheck.objects.get(hazard=hazard).result == "failed"


def test_the_recheck_is_due_three_working_days_after_submission(world, drive):
    hazard = drive.to("submitted")
    recheck = Recheck.objects.get(hazard=hazard)
    assert recheck.due_at == load_calendar().add(recheck.submitted_at, 3, LimitKind.WORKING_DAYS) == hazard.recheck_due_at


def test_a_major_recheck_needs_two_reviewers_neither_the_reporter(world, drive):
    users = world.users
    hazard = drive.to("submitted")
    for reviewers in ([users.safety_a.pk], [users.safety.pk, users.safety_a.pk], [users.safety_a.pk, 999999]):
        with pytest.raises(ValidationError) as error:
            act(hazard, users.street, "start_recheck", reviewers=reviewers)
        assert "reviewers" in error.value.message_dict
        assert fresh(hazard).status == "submitted"
    act(hazard, users.street, "start_recheck", reviewers=[users.safety_a.pk, users.street.pk])
    with pytest.raises(Refused):
        act(hazard, users.safety, "pass_recheck")  # the reporter is not a reviewer
    act(hazard, users.safety_a, "pass_recheck", reason="合格")
    hazard = fresh(hazard)
    assert hazard.status == "closed" and hazard.closed_at and hazard.closed_on_time is True
    assert hazard.due_at is None and HazardDeadline.objects.get(hazard=hazard).on_time is True


def test_a_general_recheck_may_have_one_reviewer(world, drive):
    hazard = drive.to("submitted", general=True)
    act(hazard, world.users.safety, "start_recheck")
    assert list(Recheck.objects.get(hazard=hazard).reviewers.all()) == [world.users.safety]


def test_a_major_cannot_close_without_plan_evaluation_and_approved_resume(world, drive):
    users = world.users
    hazard = drive.to("rechecking", plan=False, notice={"mode": "halt"})
    assert hazard.production_halted
    with pytest.raises(Refused) as refused:
        act(hazard, users.safety_a, "pass_recheck")
    assert "governance plan" in str(refused.value) and "evaluation report" in str(refused.value)
    act(hazard, users.safety, "plan", **{k: v for k, v in PLAN.items() if k not in ("evaluation_report",)})
    with pytest.raises(Refused) as refused:
        act(hazard, users.safety_a, "pass_recheck")
    assert "governance plan" not in str(refused.value) and "evaluation report" in str(refused.value)
    act(hazard, users.safety, "plan", evaluation_report="专家组验收合格", evaluated_by="区安全评价中心")
    with pytest.raises(Refused) as refused:
        act(hazard, users.safety_a, "pass_recheck")
    assert "resume production" in str(refused.value)
    now = timezone.now()
    act(hazard, users.worker, "apply_resume", note="申请复产", now=now)
    request = hazard.resume_requests.get()
    assert request.review_due_at == now + dt.timedelta(days=10)  # the department's 10-day review clock
    act(hazard, users.safety, "decide_resume", approve=True)
    act(hazard, users.safety_a, "pass_recheck", reason="合格")
    assert fresh(hazard).status == "closed"


def test_after_photos_are_checked_for_place_and_time(world, drive, settings):
    settings.RECTIFICATION_PHOTO_MAX_DISTANCE_M = 500
    users = world.users
    hazard = drive.to("rectifying")
    before = hazard.notice.issued_at - dt.timedelta(days=1)
    far = (A1X[0] + 0.01, A1X[1])  # about 1.1 km north
    for photo in (gps_jpeg(point=far), gps_jpeg(taken=before), gps_jpeg(point=None)):
        with pytest.raises(ValidationError) as error:
            act(hazard, users.worker, "submit", photos=[photo])  # the only photo is flagged: refused
        assert "photos" in error.value.message_dict
        assert fresh(hazard).status == "rectifying" and not Recheck.objects.exists()
    with pytest.raises(ValidationError):
        act(hazard, users.worker, "submit")  # no photo at all
    # a good photo and a far one: accepted, the far one stored with its flag, the request flagged
    act(hazard, users.worker, "submit", photos=[gps_jpeg(), gps_jpeg(point=far)])
    photos = list(RectificationPhoto.objects.filter(hazard=hazard, phase=EvidencePhase.AFTER).order_by("pk"))
    assert [p.located_by for p in photos] == ["exif", "exif"]
    assert photos[0].flag == "" and photos[0].distance_m < 20
    assert "m from the enterprise" in photos[1].flag and photos[1].distance_m > 1000
    assert Recheck.objects.get(hazard=hazard).flagged is True
    assert photos[0].recheck_id == Recheck.objects.get(hazard=hazard).pk


def test_without_exif_the_uploaders_fix_is_used(world, drive):
    hazard = drive.to("rectifying")
    photo = gps_jpeg(point=None)
    act(hazard, world.users.worker, "submit", photos=[photo], latitude=A1X[0], longitude=A1X[1] + 0.001)
    row = RectificationPhoto.objects.get(hazard=hazard, phase=EvidencePhase.AFTER)
    assert row.located_by == "device" and 50 < row.distance_m < 150 and row.flag == ""


def test_a_general_hazard_fixed_on_the_spot_closes_with_photos(world, drive):
    hazard = drive.to("confirmed", general=True)
    with pytest.raises(ValidationError):
        act(hazard, world.users.safety, "close_on_spot")
    act(hazard, world.users.safety, "close_on_spot", photos=[gps_jpeg()])
    hazard = fresh(hazard)
    assert (hazard.status, hazard.mode, hazard.closed_on_time) == ("closed", "immediate", True)
    major = drive.to("confirmed")
    with pytest.raises(Refused):
        act(major, world.users.safety, "close_on_spot", photos=[gps_jpeg()])


def test_referral_has_a_feedback_clock_and_the_department_answers(world, drive):
    users = world.users
    hazard = drive.to("rectifying")
    now = timezone.now()
    act(hazard, users.safety, "refer", department=world.urban.pk, reason="超出街道职权", now=now)
    referral = Referral.objects.get(hazard=hazard)
    assert referral.feedback_due_at == load_calendar().add(now, 5, LimitKind.WORKING_DAYS)
    with pytest.raises(Refused):
        act(hazard, users.safety, "refer", department=world.urban.pk, reason="again")
    act(hazard, users.urban, "referral_feedback", feedback="已立案查处", penalty_ref="城管罚2026-3")
    referral.refresh_from_db()
    assert referral.feedback_at and referral.penalty_ref == "城管罚2026-3"


def test_void_stops_the_clock_and_reopen_needs_authorisation_and_leaves_an_audit_row(world, drive):
    users = world.users
    hazard = drive.to("rectifying")
    act(hazard, users.safety, "void", reason="误报：企业已停业")
    hazard = fresh(hazard)
    assert (hazard.status, hazard.due_at, hazard.escalation) == ("void", None, 0)
    closed = drive.to("closed")
    with pytest.raises(Refused):
        act(closed, users.safety, "reopen", reason="反弹", working_days=3)
    with pytest.raises(ValidationError):
        act(closed, users.street, "reopen", working_days=3)  # a reason is required
    act(closed, users.street, "reopen", reason="复查发现反弹", working_days=3)
    closed = fresh(closed)
    assert (closed.status, closed.reopen_count, closed.closed_at) == ("rectifying", 1, None)
    event = HazardEvent.objects.filter(hazard=closed, kind=K.REOPEN).get()
    assert (event.actor, event.note, event.from_status, event.to_status) == (users.street, "复查发现反弹", "closed", "rectifying")


def test_late_work_is_closed_but_not_on_time(world, drive):
    users = world.users
    hazard = drive.to("rectifying", general=True)
    late = hazard.due_at + dt.timedelta(days=2)
    act(hazard, users.worker, "submit", photos=[gps_jpeg(taken=late)], now=late)
    act(hazard, users.safety, "start_recheck", now=late)
    act(hazard, users.safety, "pass_recheck", now=late)
    hazard = fresh(hazard)
    assert hazard.status == "closed" and hazard.closed_on_time is False
