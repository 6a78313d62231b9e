"""Assessment's case counts read from the per-day rollups equal the counts from the cases, for
every grouping column, with a case "not counted for assessment"; the drill-down lists stay exact."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.assessment import services
from governance.assessment.choices import SubjectType
from governance.assessment.sources import GROUP_COLUMN, METRICS, ROLLED_MEASURES, SOURCES, period_of

pytestmark = pytest.mark.django_db

OCTOBER = period_of(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
# the columns cases are grouped by (a contractor's lines come from the contractors' source)
COLUMNS = sorted({column for subject, columns in GROUP_COLUMN.items() if subject != SubjectType.CONTRACTOR
                  for column in columns.values()})
CASE_KEYS = sorted(m.measure for m in METRICS.values() if m.source == "cases")


def _nonzero(found: dict) -> dict:
    return {value: {k: n for k, n in row.items() if n} for value, row in found.items() if value is not None and any(row.values())}


@pytest.mark.parametrize("column", COLUMNS)
def test_rolled_counts_equal_the_counts_from_the_cases(world, october, column):
    cases, _period = october
    source = SOURCES["cases"]
    rolled = [key for key in CASE_KEYS if key in ROLLED_MEASURES]
    assert {"reported", "handled_on_time", "red_carded"} <= set(rolled)
    before = _nonzero(source.counts(CASE_KEYS, OCTOBER, column))
    assert before == _nonzero(source.counted(CASE_KEYS, OCTOBER, column)) and before
    services.exclude_case(cases.P1.pk, actor=world.users.street, reason="force_majeure", note="台风")
    after = _nonzero(source.counts(CASE_KEYS, OCTOBER, column))
    assert after == _nonzero(source.counted(CASE_KEYS, OCTOBER, column)) and after != before
    members = source.members(rolled, OCTOBER, column)
    counts = source.counts(rolled, OCTOBER, column)
    for value, row in members.items():
        if value is None:  # cases without a department: no subject (the rollups do not keep them)
            continue
        for key, ids in row.items():
            assert counts[value][key] == len(ids) and cases.P1.pk not in ids
