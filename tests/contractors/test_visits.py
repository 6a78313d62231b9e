"""Visits on the engine: far, short or without a position is flagged, never refused; only the
firm's staff record them; the plan is versioned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from casework.errors import Refused
from contractors.choices import VisitStatus
from contractors.models import Visit, VisitEvent
from contractors.services import plans
from contractors.services.visits import apply_visit_action
from tests.contractors.fixtures import at, position

MIN = dt.timedelta(minutes=1)


def run(cw, visit, *, start, minutes, north_m=0, actor=None, located=True):
    actor = actor or cw.staff_a
    params = position(visit.enterprise, north_m=north_m) if located else {}
    apply_visit_action(visit.pk, actor=actor, action="start", params=params, now=start)
    return apply_visit_action(visit.pk, actor=actor, action="finish", params={"guidance": "讲解", "survey_score": "4"},
                              now=start + minutes * MIN)


def test_a_visit_at_the_enterprise_for_long_enough_is_accepted(cw):
    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45, north_m=50)
    assert visit.status == VisitStatus.DONE and 48 <= visit.distance_m <= 52
    assert not (visit.far or visit.short or visit.no_position)
    assert Visit.objects.accepted().filter(pk=visit.pk).exists()
    assert list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True)) == ["plan", "start", "finish"]


def test_a_visit_far_from_the_enterprise_is_flagged_not_refused(cw):
    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45, north_m=900)
    assert visit.status == VisitStatus.DONE and visit.far and 895 <= visit.distance_m <= 905 and not visit.short
    assert not Visit.objects.accepted().filter(pk=visit.pk).exists()


def test_the_geofence_edge_is_the_contract_s(cw):
    inside = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45, north_m=299)
    outside = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 8, 10)), start=at(8, 10), minutes=45, north_m=302)
    assert cw.contract_a.geofence_m == 300 and not inside.far and outside.far


def test_a_visit_under_the_minimum_duration_is_flagged(cw):
    short = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=29)
    enough = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 8, 10)), start=at(8, 10), minutes=30)
    assert short.short and short.minutes == 29 and short.status == VisitStatus.DONE
    assert not enough.short


def test_a_visit_without_a_position_is_flagged(cw):
    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=60, located=False)
    assert visit.no_position and visit.flagged and visit.distance_m is None


def test_only_the_firm_s_staff_record_its_visits(cw, world):
    visit = cw.visit(cw.plan_a1x, dt.date(2026, 7, 10))
    with pytest.raises(Http404):  # another firm's staff do not even see it
        apply_visit_action(visit.pk, actor=cw.staff_b, action="start", params={}, now=at(7, 10))
    with pytest.raises(Refused):  # the office sees it but does not visit
        apply_visit_action(visit.pk, actor=world.users.street, action="start", params={}, now=at(7, 10))
    apply_visit_action(visit.pk, actor=cw.staff_a, action="start", params={}, now=at(7, 10))
    with pytest.raises(Refused):  # a colleague does not finish someone else's visit
        apply_visit_action(visit.pk, actor=cw.staff_a2, action="finish", params={}, now=at(7, 10, 11))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.STARTED


def test_the_office_reviews_reports_not_the_firm(cw, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contractors.services.visits import upload_report

    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45)
    with pytest.raises(Refused):
        apply_visit_action(visit.pk, actor=world.users.safety, action="review", params={"result": "passed"})
    upload_report(visit.pk, actor=cw.staff_a, report=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x", content_type="application/pdf"))
    with pytest.raises(Refused):
        apply_visit_action(visit.pk, actor=cw.staff_a, action="review", params={"result": "passed"})
    apply_visit_action(visit.pk, actor=world.users.safety, action="review", params={"result": "passed"})
    visit.refresh_from_db()
    assert visit.report_review == "passed"


def test_a_report_must_be_a_pdf_or_an_image(cw):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contractors.services.visits import upload_report

    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45)
    with pytest.raises(ValidationError):
        upload_report(visit.pk, actor=cw.staff_a, report=SimpleUploadedFile("r.pdf", b"<html>", content_type="application/pdf"))


def test_a_changed_plan_keeps_the_old_version_and_moves_the_planned_visits(cw):
    plan = plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_a, note="九月改为十月", now=at(8, 1),
                             visit_dates=["2026-07-20", "2026-10-20"], risks="燃气、粉尘")
    versions = list(plan.versions.order_by("number").values_list("number", "risks", "visit_dates"))
    assert versions == [(1, "", ["2026-07-20", "2026-09-20"]), (2, "燃气、粉尘", ["2026-07-20", "2026-10-20"])]
    assert plan.current.number == 2
    states = dict(plan.visits.values_list("planned_on", "status"))
    assert states == {dt.date(2026, 7, 20): "planned", dt.date(2026, 9, 20): "cancelled", dt.date(2026, 10, 20): "planned"}


def test_another_firm_cannot_revise_a_plan(cw):
    with pytest.raises(Http404):
        plans.revise_plan(cw.plan_a1y.pk, actor=cw.staff_b, note="x")
    assert cw.plan_a1y.versions.count() == 1


def test_the_safety_office_accepts_a_flagged_visit_anyway_with_a_reason(cw, world):
    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45, north_m=900)
    with pytest.raises(ValidationError):
        apply_visit_action(visit.pk, actor=world.users.safety, action="accept_flagged", params={"reason": " "})
    assert not Visit.objects.get(pk=visit.pk).flag_review
    visit = apply_visit_action(visit.pk, actor=world.users.safety, action="accept_flagged", params={"reason": "门口在北侧"})
    assert visit.far and visit.flag_review == "accepted" and visit.flag_reason == "门口在北侧" and visit.counts_as_done
    assert Visit.objects.accepted().filter(pk=visit.pk).exists()
    event = VisitEvent.objects.filter(visit=visit).latest("pk")
    assert (event.kind, event.note, event.actor) == ("flag_accepted", "门口在北侧", world.users.safety)
    with pytest.raises(Refused):  # reviewed once
        apply_visit_action(visit.pk, actor=world.users.safety, action="reject_flagged", params={"reason": "改主意"})


def test_a_rejected_flagged_visit_stays_out_and_only_the_office_reviews_flags(cw, world):
    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=10)
    with pytest.raises(Refused):  # the firm cannot clear its own flag
        apply_visit_action(visit.pk, actor=cw.staff_a, action="accept_flagged", params={"reason": "x"})
    visit = apply_visit_action(visit.pk, actor=world.users.safety, action="reject_flagged", params={"reason": "只签了字"})
    assert visit.short and visit.flag_review == "rejected" and not visit.counts_as_done
    assert not Visit.objects.accepted().filter(pk=visit.pk).exists()
    fine = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 8, 10)), start=at(8, 10), minutes=45)
    with pytest.raises(Refused):  # nothing to accept on an unflagged visit
        apply_visit_action(fine.pk, actor=world.users.safety, action="accept_flagged", params={"reason": "x"})


def test_the_flag_review_form_shows_to_the_office_only(cw, world, page_for):
    from django.urls import reverse

    visit = run(cw, cw.visit(cw.plan_a1x, dt.date(2026, 7, 10)), start=at(7, 10), minutes=45, north_m=900)
    url = reverse("contractors:visit-detail", args=[visit.pk])
    assert 'data-testid="flag-review-form"' in page_for(world.users.safety).get(url).content.decode()
    assert 'data-testid="flag-review-form"' not in page_for(cw.staff_a).get(url).content.decode()
    page_for(world.users.safety).post(reverse("contractors:visit-act", args=[visit.pk]),
                                      {"action": "accept_flagged", "reason": "门口在北侧"})
    body = page_for(cw.staff_a).get(url).content.decode()
    assert 'data-testid="flag-far"' in body and 'data-testid="flag-accepted"' in body and "门口在北侧" in body
