"""manage.py backup [--output DIR] [--tar]: the database and the media files with a manifest."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.backups.manifest import BackupError
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

    def handle(self, *args, output, tar, database, **options):
        try:
            path = create_backup(Path(output), alias=database, tarball=tar)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
