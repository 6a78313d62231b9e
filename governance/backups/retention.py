"""Which backups to keep (`manage.py backup --keep-daily 7 --keep-weekly 4 --keep-monthly 6`): the
newest backup of each of the last N days, ISO weeks and months that have one, as restic and borg
count; every other backup-<time> folder or .tar.gz in the folder is deleted. Nothing else there is
touched, and the newest backup is always kept."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from governance.backups.manifest import BackupError

NAME = re.compile(r"^backup-(\d{8}-\d{6})(\.tar\.gz)?$")
PERIODS = (
    ("daily", lambda t: t.date()),
    ("weekly", lambda t: tuple(t.isocalendar())[:2]),
    ("monthly", lambda t: (t.year, t.month)),
)


def backups_in(folder: Path) -> list[tuple[datetime, Path]]:
    """The backups in `folder`, newest first, with the time their name carries."""
    found = []
    for path in Path(folder).iterdir():
        if match := NAME.match(path.name):
            found.append((datetime.strptime(match[1], "%Y%m%d-%H%M%S"), path))
    return sorted(found, reverse=True)


def to_keep(backups: list[tuple[datetime, Path]], *, daily: int, weekly: int, monthly: int) -> set[Path]:
    counts = {"daily": daily, "weekly": weekly, "monthly": monthly}
    if min(counts.values()) < 0 or max(counts.values()) < 1:
        raise BackupError("keep at least one backup: --keep-daily, --keep-weekly or --keep-monthly of 1 or more")
    keep = {backups[0][1]} if backups else set()
    for period, key in PERIODS:
        seen: set = set()
        for when, path in backups:  # newest first: the first of each period is its newest
            if len(seen) >= counts[period]:
                break
            if key(when) not in seen:
                seen.add(key(when))
                keep.add(path)
    return keep


def prune(folder: Path, *, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the backups in `folder` the policy does not keep; returns what was deleted."""
    backups = backups_in(folder)
    keep = to_keep(backups, daily=daily, weekly=weekly, monthly=monthly)
    removed = [path for _, path in backups if path not in keep]
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed
