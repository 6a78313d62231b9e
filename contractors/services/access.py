"""Who may do what with firms, contracts and visits (one place, pages and API alike)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casework.errors import Forbidden
from grids.choices import Role
from inspections.models import is_safety_office


def may_manage(user) -> bool:
    """The street office and the safety office keep firms, contracts and spot checks."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.sees_everything or (user.role == Role.DEPARTMENT and is_safety_office(user))


def check_manager(user) -> None:
    if not may_manage(user):
        raise Forbidden(_("Only the street office or the safety office may do this."))


def staff_row(user, firm_id: int):
    """The FirmStaff row of a contractor-staff login at this firm, or None."""
    from contractors.models import FirmStaff

    if not getattr(user, "is_authenticated", False) or user.role != Role.CONTRACTOR:
        return None
    return FirmStaff.objects.filter(user_id=user.pk, firm_id=firm_id, is_active=True).first()
