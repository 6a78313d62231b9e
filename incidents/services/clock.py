"""The case's stage clocks: the shared StageClock over each category's limit per stage.

A case stores the running stage's due time (and when to warn) on its own row, so the escalation
sweep finds what is due with one indexed query; each run of a stage is kept as a StageDeadline for
the case page and for on-time statistics. The arithmetic is casework.clock's; what is particular
to cases is where a limit comes from (the category's StageLimit) and which status runs which stage.
"""

from __future__ import annotations

from casework.clock import Limit, StageClock
from incidents.choices import STAGE_OF_STATUS
from incidents.models import Incident, StageDeadline, StageLimit


def _category_limit(incident: Incident, stage: str) -> Limit | None:
    limit = StageLimit.objects.filter(category_id=incident.category_id, stage=stage).first()
    return None if limit is None else Limit(limit.amount, limit.kind, limit.warn_ratio)


CASE_CLOCK = StageClock(
    run_model=StageDeadline, owner_field="incident", runs="deadlines", limit_of=_category_limit, stage_of_status=STAGE_OF_STATUS,
)

