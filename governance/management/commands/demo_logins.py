"""`python manage.py demo_logins`: the demo accounts, their role and org unit, and the password."""

from __future__ import annotations

import unicodedata
from typing import TextIO

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grids.choices import Role
from grids.demo import DEMO_LOGINS
from grids.models import SubDistrict, User

# The usernames shown, in order. Later apps add their demo logins here (e.g. a contractor).
LOGINS: list[str] = [*DEMO_LOGINS, "contractor1"]


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _org_unit(user: User, subdistrict: str) -> str:
    if user.role in (Role.STREET, Role.ADMIN):
        return subdistrict
    if user.role == Role.DEPARTMENT and user.department_id:
        return f"{user.department} · {user.zone}" if user.zone_id else str(user.department)
    unit = user.org_unit
    return str(unit) if unit is not None else "—"


def demo_login_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, org unit, name) of each demo login that exists, in LOGINS order."""
    users = User.objects.select_related("zone", "community", "department").in_bulk(LOGINS, field_name="username")
    first = SubDistrict.objects.order_by("pk").first()
    subdistrict = first.name if first else "—"
    return [
        (username, str(user.get_role_display()), _org_unit(user, subdistrict), user.display_name)
        for username in LOGINS
        if (user := users.get(username)) is not None
    ]


def write_demo_logins(stdout: TextIO) -> None:
    rows = demo_login_rows()
    if not rows:
        stdout.write(_("No demo logins yet: run `python manage.py seed_demo` first.") + "\n")
        return
    header = (_("Username"), _("Role"), _("Org unit"), _("Name"))
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    stdout.write(_("Demo logins (password for all: %(password)s)") % {"password": settings.DEMO_PASSWORD} + "\n")
    for row in [header, *rows]:
        stdout.write("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n")


class Command(BaseCommand):
    help = "Print the demo logins with their role, org unit and password."

    def handle(self, *args, **options) -> None:
        write_demo_logins(self.stdout)
