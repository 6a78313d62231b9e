"""`python manage.py rebuild_rollups [--check] [SOURCE…]`: recount the per-day rollups from scratch.

Run it after loading rows without the services (the benchmark's generator, an import by SQL) or
when `--check` reports a difference. `--check` compares the stored counts with a recount and
writes nothing; it exits with status 1 when they differ.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from governance.rollups.registry import SOURCES
from governance.rollups.services import differences, rebuild


class Command(BaseCommand):
    help = "Recount the per-day rollups from scratch (or, with --check, compare them with a recount)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("sources", nargs="*", help=f"Sources to rebuild (default all: {', '.join(SOURCES)}).")
        parser.add_argument("--check", action="store_true", help="Only compare with a recount; exit 1 when they differ.")

    def handle(self, *args, sources: list[str], check: bool = False, **options) -> None:
        unknown = sorted(set(sources) - set(SOURCES))
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(SOURCES)})")
        for name in sources or list(SOURCES):
            started = time.monotonic()
            if check:
                found = differences(name)
                self.stdout.write(f"{name}: {len(found)} difference(s) ({time.monotonic() - started:.1f} s)")
                for key, (have, want) in sorted(found.items())[:20]:
                    self.stdout.write(f"  {key}: stored {have}, recounted {want}")
                if found:
                    raise CommandError("the rollups differ from a recount; run rebuild_rollups", returncode=1)
                continue
            done = rebuild(name)
            self.stdout.write(f"{name}: {done[name]} object(s) counted ({time.monotonic() - started:.1f} s)")
