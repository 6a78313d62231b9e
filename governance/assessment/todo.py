"""What the assessment puts on the homes (the registry: grids.todo): appeals waiting for review —
the zone review for zone leaders (their zone's appeals: Appeal.visible_to), the street office's review."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.assessment.choices import AppealStatus
from governance.assessment.models import Appeal
from grids.choices import Role
from grids.todo import WARN, TodoSource


def _status(status: str):
    return lambda user, now: Q(status=status)


def _params(status: str):
    return lambda user, now: {"status": status}


SOURCES = [
    TodoSource(
        "zone_appeals", _("Assessment appeals to review"), frozenset({Role.ZONE_LEADER}), Appeal,
        condition=_status(AppealStatus.ZONE_REVIEW), url_name="assessment:appeals", params=_params(AppealStatus.ZONE_REVIEW),
        tone=WARN, hide_when_zero=True, order=40,
    ),
    TodoSource(
        "street_appeals", _("Assessment appeals to decide"), frozenset({Role.STREET, Role.ADMIN}), Appeal,
        condition=_status(AppealStatus.STREET_REVIEW), url_name="assessment:appeals",
        params=_params(AppealStatus.STREET_REVIEW), tone=WARN, hide_when_zero=True, order=40,
    ),
]
