"""The office's create/edit pages: who may open them (403 for the other roles and the firms' staff,
404 for another firm's objects — see test_scoping), form errors on bad input with nothing saved,
the credit-code check shared with enterprises, the pension proof's rules, a contract with its
scope, milestones and weights, a plan and its next version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contractors.models import Contract, FirmContact, FirmStaff, PensionProof, Qualification, ServiceFirm, ServicePlan
from inspections.creditcode import fictional_code
from inspections.models import Enterprise
from tests import factories as f

pytestmark = pytest.mark.django_db


def pdf(name="proof.pdf", body=b"%PDF-1.4 proof"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.mark.parametrize("who", ["street", "safety"])
def test_the_office_registers_a_firm_with_a_checked_credit_code(cw, world, page_for, who):
    page = page_for(getattr(world.users, who))
    assert page.get(reverse("contractors:firm-create")).status_code == 200
    code = fictional_code(91_600_000 + len(who))
    response = page.post(reverse("contractors:firm-create"), {"name": "丙安全服务公司", "credit_code": code.lower()})
    firm = ServiceFirm.objects.get(credit_code=code)
    assert response.status_code == 302 and response.url == reverse("contractors:firm-detail", args=[firm.pk])


def test_a_bad_or_taken_credit_code_is_a_form_error_and_nothing_is_saved(cw, world, page_for):
    page, before = page_for(world.users.street), ServiceFirm.objects.count()
    bad = fictional_code(91_600_001)[:-1] + ("0" if fictional_code(91_600_001)[-1] != "0" else "1")
    for code in (bad, "123", cw.firm_a.credit_code):
        response = page.post(reverse("contractors:firm-create"), {"name": "丙", "credit_code": code})
        assert response.status_code == 400 and 'data-testid="error-credit_code"' in response.content.decode(), code
    response = page.post(reverse("contractors:firm-create"), {"name": "", "credit_code": fictional_code(91_600_002)})
    assert response.status_code == 400 and 'data-testid="error-name"' in response.content.decode()
    assert ServiceFirm.objects.count() == before


@pytest.mark.parametrize("who", ["worker", "zone_leader", "urban", "officer", "community"])
def test_other_roles_may_not_open_the_create_pages(cw, world, page_for, who):
    page = page_for(getattr(world.users, who))
    for url in (reverse("contractors:firm-create"), reverse("contractors:contract-create")):
        assert page.get(url).status_code == 403, url
        assert page.post(url, {"name": "x"}).status_code == 403, url
    for url in (reverse("contractors:firm-edit", args=[cw.firm_a.pk]),
                reverse("contractors:firm-part-add", args=[cw.firm_a.pk, "contact"]),
                reverse("contractors:plan-create", args=[cw.contract_a.pk]),
                reverse("contractors:plan-revise", args=[cw.plan_a1x.pk])):
        assert page.get(url).status_code == 404, url  # they see no firm at all


def test_a_firm_s_staff_read_their_firm_but_may_not_edit_it(cw, page_for):
    page, before = page_for(cw.staff_a), ServiceFirm.objects.get(pk=cw.firm_a.pk).name
    assert page.get(reverse("contractors:firm-create")).status_code == 403
    assert page.get(reverse("contractors:contract-create")).status_code == 403
    edit = reverse("contractors:firm-edit", args=[cw.firm_a.pk])
    assert page.get(edit).status_code == 403
    assert page.post(edit, {"name": "改名", "credit_code": cw.firm_a.credit_code}).status_code == 403
    for part in ("qualification", "contact", "staff", "pension"):
        assert page.get(reverse("contractors:firm-part-add", args=[cw.firm_a.pk, part])).status_code == 403
    assert ServiceFirm.objects.get(pk=cw.firm_a.pk).name == before
    body = page.get(reverse("contractors:firm-detail", args=[cw.firm_a.pk])).content.decode()
    assert 'data-testid="firm-actions"' not in body


def test_the_safety_office_edits_a_firm(cw, world, page_for):
    page = page_for(world.users.safety)
    url = reverse("contractors:firm-edit", args=[cw.firm_a.pk])
    assert cw.firm_a.name in page.get(url).content.decode()
    taken = page.post(url, {"name": "甲", "credit_code": cw.firm_b.credit_code, "is_active": "on"})
    assert taken.status_code == 400 and ServiceFirm.objects.get(pk=cw.firm_a.pk).name == cw.firm_a.name
    response = page.post(url, {"name": "甲安全技术服务公司", "credit_code": cw.firm_a.credit_code, "address": "长江路1号",
                               "is_active": "on"})
    firm = ServiceFirm.objects.get(pk=cw.firm_a.pk)
    assert response.status_code == 302 and (firm.name, firm.address, firm.is_active) == ("甲安全技术服务公司", "长江路1号", True)


def test_qualifications_contacts_and_staff_are_added_from_the_firm_page(cw, world, page_for):
    page = page_for(world.users.street)
    add = lambda part, data: page.post(reverse("contractors:firm-part-add", args=[cw.firm_b.pk, part]), data)  # noqa: E731
    assert add("qualification", {"certificate": "安全评价资质", "level": "甲级", "valid_until": "2028-01-31"}).status_code == 302
    assert add("contact", {"name": "乙联系人", "phone": "13800000000"}).status_code == 302
    login = f.UserFactory(username="p_staff_new", role="contractor")
    assert add("staff", {"name": "乙员工二", "certificate_no": "ZB2", "user": login.pk}).status_code == 302
    assert Qualification.objects.get(firm=cw.firm_b).valid_until == dt.date(2028, 1, 31)
    assert FirmContact.objects.filter(firm=cw.firm_b, name="乙联系人").exists()
    assert FirmStaff.objects.get(user=login).firm_id == cw.firm_b.pk
    assert add("qualification", {"certificate": ""}).status_code == 400
    taken = add("staff", {"name": "重复", "user": cw.staff_a.pk})  # already has a firm: not offered
    assert taken.status_code == 400 and not FirmStaff.objects.filter(name="重复").exists()
    assert page.get(reverse("contractors:firm-part-add", args=[cw.firm_b.pk, "nothing"])).status_code == 404


def test_a_pension_proof_once_per_person_and_month_pdf_or_image_within_the_size(cw, world, page_for, monkeypatch, settings,
                                                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page, url = page_for(world.users.safety), reverse("contractors:firm-part-add", args=[cw.firm_a.pk, "pension"])
    staff = cw.row_a.pk
    ok = page.post(url, {"staff": staff, "month": "2026-06", "document": pdf()})
    assert ok.status_code == 302
    proof = PensionProof.objects.get(staff_id=staff)
    assert proof.month == dt.date(2026, 6, 1) and proof.document.name.endswith(".pdf")
    again = page.post(url, {"staff": staff, "month": "2026-06", "document": pdf()})
    assert again.status_code == 400 and 'data-testid="error-month"' in again.content.decode()
    text = page.post(url, {"staff": staff, "month": "2026-07", "document": pdf("a.txt", b"hello, not a pdf")})
    assert text.status_code == 400 and 'data-testid="error-document"' in text.content.decode()
    monkeypatch.setattr("contractors.services.visits.MAX_REPORT_BYTES", 10)
    big = page.post(url, {"staff": staff, "month": "2026-08", "document": pdf(body=b"%PDF-1.4 " + b"x" * 100)})
    assert big.status_code == 400 and 'data-testid="error-document"' in big.content.decode()
    other_firm = FirmStaff.objects.get(firm=cw.firm_b).pk  # not offered on firm A's page
    assert page.post(url, {"staff": other_firm, "month": "2026-09", "document": pdf()}).status_code == 400
    assert page.post(url, {"staff": staff, "month": "", "document": pdf()}).status_code == 400
    assert list(PensionProof.objects.values_list("month", flat=True)) == [dt.date(2026, 6, 1)]


def contract_data(cw, ents, **changes):
    data = {
        "firm": cw.firm_b.pk, "number": "HT-C", "title": "丙合同", "amount": "350000.50", "starts_on": "2026-07-01",
        "ends_on": "2027-06-30", "enterprises": [ents["b1x"].pk], "credit_codes": f"{ents['a1x'].credit_code}\n",
        "visits_per_year": "6", "pass_mark": "80", "withhold_percent": "10",
        "weight_coverage": "15", "weight_on_time": "15", "weight_quality": "20", "weight_closure": "20",
        "weight_reporting": "10", "weight_reports": "10", "weight_satisfaction": "10",
        "milestone_title_0": "首付", "milestone_amount_0": "105000.15", "milestone_due_on_0": "2026-07-15",
        "milestone_condition_0": "签订后",
    }
    data.update(changes)
    return data


def test_the_office_creates_a_contract_with_scope_milestones_and_weights(cw, world, enterprises, page_for):
    page = page_for(world.users.street)
    form = page.get(reverse("contractors:contract-create"), {"firm": cw.firm_b.pk}).content.decode()
    assert 'data-filterable="1"' in form and "contractors-scope.js" in form
    response = page.post(reverse("contractors:contract-create"), contract_data(cw, enterprises))
    contract = Contract.objects.get(number="HT-C")
    assert response.status_code == 302 and response.url == reverse("contractors:contract-detail", args=[contract.pk])
    assert contract.amount == Decimal("350000.50") and contract.firm_id == cw.firm_b.pk
    assert sorted(contract.scope_rows.values_list("enterprise_id", "visits_per_year")) == sorted(
        [(enterprises["b1x"].pk, 6), (enterprises["a1x"].pk, 6)])
    [milestone] = contract.milestones.all()
    assert (milestone.amount, milestone.due_on, milestone.condition) == (Decimal("105000.15"), dt.date(2026, 7, 15), "签订后")
    assert contract.weights["quality"] == 20


@pytest.mark.parametrize("changes, error", [
    ({"weight_quality": "10"}, "100"),  # adds up to 90
    ({"milestone_amount_0": "999999"}, ""),  # more than the amount
    ({"credit_codes": "91370200MA00000000"}, "91370200MA00000000"),  # nobody's code
    ({"enterprises": [], "credit_codes": ""}, ""),
    ({"ends_on": "2026-06-01"}, ""),
    ({"amount": "12.345"}, ""),
    ({"number": "HT-A"}, ""),  # taken
    ({"milestone_due_on_0": ""}, ""),
])
def test_a_bad_contract_is_a_form_error_and_nothing_is_saved(cw, world, enterprises, page_for, changes, error):
    before = (Contract.objects.count(), Enterprise.objects.count())
    response = page_for(world.users.safety).post(reverse("contractors:contract-create"), contract_data(cw, enterprises, **changes))
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert error in response.content.decode()
    assert (Contract.objects.count(), Enterprise.objects.count()) == before and not Contract.objects.filter(number="HT-C").exists()


def test_the_contract_form_s_queries_do_not_grow_with_the_enterprises(cw, world, enterprises, page_for):
    page = page_for(world.users.street)
    url = reverse("contractors:contract-create")
    page.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert page.get(url).status_code == 200
    before = len(ctx.captured_queries)
    for n in range(5):
        clone = Enterprise.objects.get(pk=enterprises["b1x"].pk)
        clone.pk, clone.name, clone.credit_code = None, f"新企业{n}", fictional_code(93_000_000 + n)
        clone.save()
    with CaptureQueriesContext(connection) as ctx:
        assert page.get(url).status_code == 200
    assert len(ctx.captured_queries) == before


def test_a_plan_and_its_next_version_from_the_pages(cw, world, enterprises, page_for):
    from contractors.services import contracts

    contracts.set_scope(cw.contract_a, {enterprises["b1x"].pk: 4})
    page = page_for(world.users.safety)
    url = reverse("contractors:plan-create", args=[cw.contract_a.pk])
    form = page.get(url).content.decode()
    assert enterprises["b1x"].name in form and f'value="{enterprises["a1x"].pk}"' not in form  # a1x has its plan
    bad = page.post(url, {"enterprise": enterprises["b1x"].pk, "visit_dates": "2030-01-01"})
    assert bad.status_code == 400 and not ServicePlan.objects.filter(enterprise=enterprises["b1x"]).exists()
    ok = page.post(url, {"enterprise": enterprises["b1x"].pk, "risks": "燃气", "visit_dates": "2026-08-01, 2026-11-01"})
    plan = ServicePlan.objects.get(contract=cw.contract_a, enterprise=enterprises["b1x"])
    assert ok.status_code == 302 and plan.current.number == 1 and plan.visits.count() == 2
    revise = reverse("contractors:plan-revise", args=[plan.pk])
    assert "2026-08-01" in page.get(revise).content.decode()  # prefilled with the current version
    assert page.post(revise, {"risks": "燃气、粉尘", "visit_dates": "2026-08-01"}).status_code == 400  # no note
    done = page.post(revise, {"risks": "燃气、粉尘", "visit_dates": "2026-08-01", "note": "增加粉尘"})
    plan.refresh_from_db()
    assert done.status_code == 302 and plan.current.number == 2 and plan.current.risks == "燃气、粉尘"
    body = page.get(reverse("contractors:plan-detail", args=[plan.pk])).content.decode()
    assert 'data-testid="version-1"' in body and 'data-testid="version-2"' in body and "增加粉尘" in body


def test_the_firm_s_staff_draw_up_their_own_plans_only(cw, page_for):
    assert page_for(cw.staff_a).get(reverse("contractors:plan-create", args=[cw.contract_a.pk])).status_code == 200
    assert page_for(cw.staff_a).get(reverse("contractors:plan-create", args=[cw.contract_b.pk])).status_code == 404
    assert page_for(cw.staff_a).get(reverse("contractors:plan-revise", args=[cw.plan_a1x.pk])).status_code == 200


def test_the_pages_link_the_forms(cw, world, page_for):
    page = page_for(world.users.street)
    assert 'data-testid="firm-create"' in page.get(reverse("contractors:firm-list")).content.decode()
    body = page.get(reverse("contractors:firm-detail", args=[cw.firm_a.pk])).content.decode()
    assert 'data-testid="pension-add"' in body and 'data-testid="contract-add"' in body
    assert 'data-testid="plan-add"' in page.get(reverse("contractors:contract-detail", args=[cw.contract_a.pk])).content.decode()
    assert 'data-testid="nav-contract-new"' in body
