"""The backups kept by `manage.py backup --keep-daily/--keep-weekly/--keep-monthly`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from governance.backups.manifest import BackupError
from governance.backups.retention import backups_in, prune


def _make(folder, when: datetime, tarball: bool = False):
    name = f"backup-{when:%Y%m%d-%H%M%S}"
    if tarball:
        (folder / f"{name}.tar.gz").write_bytes(b"x")
    else:
        (folder / name).mkdir()
        (folder / name / "manifest.json").write_text("{}")


def test_a_nightly_backup_for_a_year_keeps_7_daily_4_weekly_6_monthly(tmp_path):
    last = datetime(2026, 12, 2, 2, 30)  # a Wednesday
    for day in range(365):
        _make(tmp_path, last - timedelta(days=day), tarball=day % 2 == 0)
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = prune(tmp_path, daily=7, weekly=4, monthly=6)
    kept = [when for when, _ in backups_in(tmp_path)]
    days = [last - timedelta(days=d) for d in range(7)]
    # Sundays are the newest of their ISO week; the last day of each month the newest of its month.
    weeks = [datetime(2026, 11, 29, 2, 30), datetime(2026, 11, 22, 2, 30), datetime(2026, 11, 15, 2, 30)]
    months = [datetime(2026, 11, 30, 2, 30), datetime(2026, 10, 31, 2, 30), datetime(2026, 9, 30, 2, 30),
              datetime(2026, 8, 31, 2, 30), datetime(2026, 7, 31, 2, 30)]
    assert kept == sorted(set(days + weeks + months), reverse=True)
    assert len(removed) == 365 - len(kept) and (tmp_path / "notes.txt").exists()


def test_the_newest_is_kept_and_an_empty_policy_refused(tmp_path):
    _make(tmp_path, datetime(2026, 1, 1))
    _make(tmp_path, datetime(2026, 1, 1, 1))
    assert prune(tmp_path, daily=0, weekly=0, monthly=1) == [tmp_path / "backup-20260101-000000"]
    with pytest.raises(BackupError, match="keep at least one"):
        prune(tmp_path, daily=0, weekly=0, monthly=0)
    assert [p.name for _, p in backups_in(tmp_path)] == ["backup-20260101-010000"]
