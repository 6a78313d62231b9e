"""Personal data (PIPL art. 28): phone numbers are shown masked (138****5678) everywhere; the roles
that need a number may ask for it in full, and each such view is recorded (PersonalDataAccess).

PERSONAL_FIELDS is the one list of such fields: which model and field, and which roles may see the
full value (of an object they can see at all: `visible_to` first, so out of scope is 404). A new
personal field (a resident's phone in the homes register, a caller's phone on an Open311 report)
is one entry here and the `components/reveal.html` button beside its masked value.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import Forbidden
from governance.security.models import PersonalDataAccess
from grids.choices import Role

# Who coordinates people (street office, zone leaders, community heads) and who must call back about
# a case (department handlers); not grid workers (each other's numbers) nor contractors' staff.
COORDINATORS = frozenset({Role.STREET, Role.ADMIN, Role.ZONE_LEADER, Role.COMMUNITY, Role.DEPARTMENT})
# An enterprise's safety officer: the registry's keepers, zone leaders and the departments that inspect.
ENTERPRISE_CONTACTS = frozenset({Role.STREET, Role.ADMIN, Role.ZONE_LEADER, Role.DEPARTMENT})


@dataclass(frozen=True)
class PersonalField:
    model: str  # "app_label.Model"
    field: str
    roles: frozenset


PERSONAL_FIELDS: dict[str, PersonalField] = {
    "user_phone": PersonalField("grids.User", "phone", COORDINATORS),
    "enterprise_officer_phone": PersonalField("inspections.Enterprise", "safety_officer_phone", ENTERPRISE_CONTACTS),
}


def may_reveal(user, key: str) -> bool:
    spec = PERSONAL_FIELDS.get(key)
    if spec is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role in spec.roles


def reveals_for(user) -> dict[str, bool]:
    """{key: may this user see it in full}, for the templates' "show full number" buttons."""
    return {key: may_reveal(user, key) for key in PERSONAL_FIELDS}


def reveal(*, actor, key: str, pk: int) -> str:
    """The full value of a personal field of an object the actor sees, recorded; Http404 when the
    field or the object is unknown or out of scope, Forbidden when the role may not see it in full."""
    spec = PERSONAL_FIELDS.get(key)
    if spec is None:
        raise Http404
    model = apps.get_model(spec.model)
    value = model.objects.visible_to(actor).filter(pk=pk).values_list(spec.field, flat=True).first()
    if value is None:
        raise Http404
    if not may_reveal(actor, key):
        raise Forbidden(_("Your role sees this number masked only."))
    PersonalDataAccess.objects.create(user=actor, model=spec.model, object_id=str(pk), field=spec.field, at=timezone.now())
    return value
