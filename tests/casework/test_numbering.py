"""Gapless yearly numbers from a SequenceBase counter (casework.numbering.next_number)."""

from __future__ import annotations

import pytest

from casework.numbering import next_number
from incidents.models import CaseSequence

pytestmark = pytest.mark.django_db


def test_numbers_count_up_per_prefix_and_year():
    assert [next_number(CaseSequence, prefix="XH", year=2026) for _ in range(3)] == [1, 2, 3]
    assert next_number(CaseSequence, prefix="XH", year=2027) == 1
    assert next_number(CaseSequence, prefix="LS", year=2026) == 1
    assert next_number(CaseSequence, prefix="XH", year=2026) == 4
    assert sorted(CaseSequence.objects.values_list("prefix", "year", "last")) == [("LS", 2026, 1), ("XH", 2026, 4), ("XH", 2027, 1)]


def test_a_counter_continues_from_its_stored_value():
    CaseSequence.objects.create(prefix="XH", year=2026, last=122)
    assert next_number(CaseSequence, prefix="XH", year=2026) == 123


def test_the_subclass_keeps_the_table_and_the_constraint_name():
    assert CaseSequence._meta.db_table == "incidents_casesequence"
    assert [c.name for c in CaseSequence._meta.constraints] == ["casesequence_unique"]
