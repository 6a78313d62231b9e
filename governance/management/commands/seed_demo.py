"""`python manage.py seed_demo [--force]`: load the demo sub-district, then print the demo logins.

Deterministic and idempotent: a second run adds nothing. It refuses to run with DEBUG off (a
production database) unless --force is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contractors.demo import seed_contractors
from governance.assessment.demo import seed_assessment
from governance.management.commands.demo_logins import write_demo_logins
from governance.meetings.demo import seed_meetings
from grids.demo import seed_organisation
from incidents.demo import seed_incident_categories, seed_incident_history
from inspections.demo import seed_enterprises, seed_inspection_library
from inspections.demo_campaigns import seed_campaigns
from inspections.demo_fieldwork import seed_fieldwork
from inspections.demo_interviews import seed_interviews
from inspections.demo_rectification import seed_rectification

# The demo is built by these steps, in order. Each is keyword-only (`stdout=`, where it may report
# progress), runs in its own transaction, is idempotent, and returns {what: rows created}.
# Later apps append their step here: incidents will add its demo cases (which need the
# organisation's cells and people), inspections its enterprises and campaigns, and so on.
SEED_STEPS: list[tuple[str, Callable[..., dict[str, int]]]] = [
    ("organisation", seed_organisation),
    ("case categories", seed_incident_categories),
    ("case history", seed_incident_history),
    ("meetings", seed_meetings),
    ("criteria and checklists", seed_inspection_library),
    ("enterprises", seed_enterprises),
    ("inspections and hazards", seed_fieldwork),
    ("campaigns", seed_campaigns),
    ("hazard rectification", seed_rectification),
    # Contractors before interviews: the major hazards their visits find (confirmed, not yet
    # rectified) are the ones the interview step summons enterprises over.
    ("safety contractors", seed_contractors),
    ("joint interviews", seed_interviews),
    # Last: it scores everything above (cases, hazards, the contractors' visits).
    ("assessment", seed_assessment),
]


class Command(BaseCommand):
    help = "Load the demo sub-district (idempotent). Refuses with DEBUG off unless --force."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Load the demo even though DEBUG is off.")
        # `make run` prints the logins itself each time it starts, so its first run passes this.
        parser.add_argument("--no-logins", action="store_true", help="Do not print the demo logins at the end.")

    def handle(self, *args, force: bool = False, no_logins: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Refusing to load demo data with DEBUG off: this may be a real database. Pass --force if you mean it.")
            )
        begun = time.monotonic()
        for number, (name, step) in enumerate(SEED_STEPS, start=1):
            started = time.monotonic()
            # Said before the step runs, so a slow step shows what the machine is busy with.
            self.stdout.write(f"({number}/{len(SEED_STEPS)}) {name} …")
            self.stdout.flush()  # shown now even when the output is a pipe (make, a log file)
            created = step(stdout=self.stdout)
            details = ", ".join(f"{what}: {n}" for what, n in created.items() if n) or _("nothing new")
            self.stdout.write(
                self.style.SUCCESS(f"[{name}] ")
                + _("%(details)s (%(seconds).1f s)") % {"details": details, "seconds": time.monotonic() - started}
            )
        self.stdout.write(_("Demo loaded in %(seconds).0f s.") % {"seconds": time.monotonic() - begun})
        if not no_logins:
            self.stdout.write("")
            write_demo_logins(self.stdout)
