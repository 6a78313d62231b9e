"""manage.py restore PATH: a backup (folder or .tar.gz) into an EMPTY database and media folder."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.backups.manifest import BackupError
from governance.backups.services import check_restored, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by manage.py backup into an empty database (created with createdb, not migrated) "
            "and an empty MEDIA_ROOT; the checksums are verified first. Run manage.py migrate afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup folder or .tar.gz")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, path, database, **options):
        try:
            data = restore_backup(Path(path), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        differing = check_restored(data, alias=database)
        for label, (then, now) in differing.items():
            self.stderr.write(f"{label}: {then} rows backed up, {now} restored")
        if differing:
            raise CommandError("the restored row counts differ from the backup's manifest")
        self.stdout.write(f"restored the backup of {data['created_at']} (code {data['code_version']}); "
                          "now run: manage.py migrate")
