"""manage.py backup [--output DIR] [--tar] [--keep-daily N --keep-weekly N --keep-monthly N]: the
database and the media files with a manifest; with a --keep option, older backups beyond the policy
are deleted after the new one is written (governance/backups/retention.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.backups.manifest import BackupError
from governance.backups.retention import prune, to_keep
from governance.backups.services import create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format; SQLite: its online backup) and the media files, "
        "with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"),
                            help="folder the backup is written into (default: VAR_DIR/backups)")
        parser.add_argument("--tar", action="store_true", help="write one .tar.gz instead of a folder")
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        for period, example in (("daily", 7), ("weekly", 4), ("monthly", 6)):
            parser.add_argument(f"--keep-{period}", type=int, default=None, metavar="N",
                                help=f"after the backup, keep the newest of each of the last N {period} periods "
                                     f"(e.g. {example}) and delete the other backups in the folder")

    def handle(self, *args, output, tar, database, keep_daily, keep_weekly, keep_monthly, **options):
        policy = {"daily": keep_daily, "weekly": keep_weekly, "monthly": keep_monthly}
        try:
            if any(v is not None for v in policy.values()):
                to_keep([], **{k: v or 0 for k, v in policy.items()})  # a bad policy is refused before the backup
            path = create_backup(Path(output), alias=database, tarball=tar)
            removed = prune(Path(output), **{k: v or 0 for k, v in policy.items()}) \
                if any(v is not None for v in policy.values()) else []
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
        for old in removed:
            self.stderr.write(f"deleted the old backup {old}")
