"""The firms side by side for one quarter: each contract running in it, with its scorecard."""

from __future__ import annotations

from django.db.models import QuerySet

from contractors.selectors.scorecard import Period, Scorecard, contracts_in, scorecard


def comparison(contracts: QuerySet, period: Period) -> list[Scorecard]:
    return [scorecard(contract, period) for contract in contracts_in(period, contracts)]
