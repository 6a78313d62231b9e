"""What enterprise safety puts on the homes (the registry: grids.todo): recorded hazards waiting
for the safety office's confirmation, and the inspections one left unsubmitted."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.choices import Role
from grids.todo import WARN, TodoSource
from inspections.choices import HazardStatus, InspectionStatus
from inspections.models import Hazard, Inspection
from inspections.models.enterprises import is_safety_office
from inspections.services.inspections import may_inspect


def _confirms_hazards(user) -> bool:
    """Who confirms a recorded hazard: the street office and the safety office (HAZARD_TRANSITIONS)."""
    return user.sees_everything or is_safety_office(user)


SOURCES = [
    TodoSource(
        "hazards_to_confirm", _("Recorded hazards to confirm"), frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT}), Hazard,
        condition=lambda user, now: Q(status=HazardStatus.RECORDED), applies=_confirms_hazards,
        url_name="inspections:hazard-list", params=lambda user, now: {"status": [HazardStatus.RECORDED]}, tone=WARN, order=40,
    ),
    # Anyone who inspects may leave a draft; the line shows only while one waits.
    TodoSource(
        "own_draft_inspections", _("My inspections not yet submitted"), frozenset(Role.values), Inspection,
        condition=lambda user, now: Q(status=InspectionStatus.DRAFT, created_by=user), applies=may_inspect,
        url_name="inspections:inspection-list", params=lambda user, now: {"status": InspectionStatus.DRAFT, "mine": "true"},
        hide_when_zero=True, order=41,
    ),
]
