"""The criteria library and checklists: cited clauses and used versions are frozen; revisions are new versions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inspections import services
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Clause, Standard

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_the_named_standards(library):
    assert services.seed_library() == {"standards": 0, "clauses": 0, "checklists": 0}
    assert Standard.objects.filter(number="应急管理部令第10号").exists()
    codes = set(ChecklistTemplate.objects.values_list("code", flat=True))
    assert codes == {"catering-gas", "school", "warehouse", "construction", "general"}
    hose = ChecklistItem.objects.get(code="CG-06")
    assert (hose.threshold, hose.comparison, hose.unit) == (Decimal("2.00"), "lte", "m")
    assert hose.passes(Decimal("1.5")) and not hose.passes(3)
    assert ChecklistItem.objects.get(code="CG-04").passes(4) and not ChecklistItem.objects.get(code="CG-04").passes(5)


def test_a_clause_cited_by_an_item_is_frozen(library):
    clause = ChecklistItem.objects.get(code="GE-05").clause
    assert clause.cited and clause.is_major
    clause.summary = "changed"
    with pytest.raises(ValidationError):
        clause.save()
    with pytest.raises(ValidationError):
        Clause.objects.get(pk=clause.pk).delete()


def test_an_uncited_clause_may_be_edited_and_citing_freezes_it(library):
    clause = Clause.objects.filter(cited_at__isnull=True).first()
    clause.summary = "corrected summary"
    clause.save()
    services.cite_clause(clause)
    clause.summary = "again"
    with pytest.raises(ValidationError):
        clause.save()


def test_revising_a_clause_makes_a_new_version_that_supersedes_it(library):
    old = ChecklistItem.objects.get(code="GE-05").clause
    new = services.revise_clause(old, summary="积尘厚度超过1毫米", valid_from=dt.date(2026, 1, 1))
    old.refresh_from_db()
    assert (new.version, new.supersedes, new.is_current, new.is_major) == (2, old, True, True)
    assert (old.is_current, old.valid_until, old.summary != new.summary) == (False, dt.date(2025, 12, 31), True)
    assert ChecklistItem.objects.get(code="GE-05").clause == old  # what cited it keeps its version
    with pytest.raises(ValidationError):
        services.revise_clause(old, summary="x")
    with pytest.raises(ValidationError):
        services.revise_clause(new, number="9")


def test_a_used_version_is_immutable_and_revise_makes_a_new_one(library):
    template = ChecklistTemplate.objects.get(code="catering-gas")
    v1 = services.current_version(template)
    item = v1.items.get(code="CG-06")
    item.text = "hose length (unused: may be corrected)"
    item.save()
    services.mark_version_used(v1)
    assert services.mark_version_used(v1).used
    item.text = "no"
    with pytest.raises(ValidationError):
        item.save()
    with pytest.raises(ValidationError):
        item.delete()
    with pytest.raises(ValidationError):
        ChecklistItem.objects.create(version=v1, code="CG-99", text="new")
    with pytest.raises(ValidationError):
        ChecklistVersion.objects.get(pk=v1.pk).delete()
    v2 = services.revise_template(template, changes={"CG-06": {"threshold": Decimal("1.5")}}, remove=["CG-13"],
                                  add=[{"code": "CG-15", "text": "燃气管道无私拉乱接"}], note="hose 1.5 m")
    v1.refresh_from_db()
    assert (v2.number, v2.is_current, v2.used, v1.is_current) == (2, True, False, False)
    assert v2.items.get(code="CG-06").threshold == Decimal("1.5") and v1.items.get(code="CG-06").threshold == Decimal("2")
    assert not v2.items.filter(code="CG-13").exists() and v2.items.filter(code="CG-15").exists()
    assert v1.items.count() == 14 and v2.items.count() == 14


def test_revise_refuses_unknown_items_and_bad_numbers(library):
    template = ChecklistTemplate.objects.get(code="school")
    with pytest.raises(ValidationError):
        services.revise_template(template, changes={"XX-01": {"text": "x"}})
    with pytest.raises(ValidationError):
        services.revise_template(template, add=[{"code": "SC-99", "text": "x", "answer_type": "number"}])
    assert services.current_version(template).number == 1
