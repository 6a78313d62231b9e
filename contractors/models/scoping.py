"""Who sees the contractors' rows: the street office everything (ScopedQuerySet), the safety
office everything, contractor staff their own firm's rows, everyone else nothing."""

from __future__ import annotations

from django.apps import apps

from grids.models.scoping import ScopedQuerySet
from inspections.models.enterprises import is_safety_office


def firm_ids_of(user):
    """The firm(s) a contractor-staff account works for, as a subquery (none: no row)."""
    # by name: firms.py builds on this module, so importing it here would be a cycle
    return apps.get_model("contractors", "FirmStaff").objects.filter(user_id=user.pk, is_active=True).values("firm_id")


class FirmScopedQuerySet(ScopedQuerySet):
    firm_path = "firm"  # the lookup from the row to its ServiceFirm

    def for_contractor(self, user):
        return self.filter(**{f"{self.firm_path}__in": firm_ids_of(user)})

    def for_department(self, user):
        return self if is_safety_office(user) else self.none()
