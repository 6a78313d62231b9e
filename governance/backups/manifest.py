"""The manifest of a backup: what is in it (every file with its size and SHA-256), which version of
the code and which migrations wrote it, and a few row counts to check a restore against."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from django.conf import settings

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (the commands print it)."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def list_files(root: Path) -> list[dict]:
    """Every file under `root` (the manifest aside), with its path relative to root, size and checksum."""
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p != root / MANIFEST):
        files.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256(path)})
    return files


def code_version() -> str:
    """The commit the code runs from (git), else "unknown" (an installed copy without .git)."""
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                                timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def write(root: Path, data: dict) -> Path:
    path = root / MANIFEST
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(f"{root} holds no {MANIFEST}: not a backup made by manage.py backup")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not readable JSON: {error}") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{path} has format {data.get('format')!r}; this version reads format {FORMAT}")
    return data


def verify(root: Path, data: dict) -> None:
    """Every file the manifest lists is there with its checksum, and nothing else is: else BackupError."""
    listed = {entry["path"]: entry for entry in data.get("files", [])}
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {MANIFEST}
    missing = sorted(set(listed) - present)
    extra = sorted(present - set(listed))
    if missing or extra:
        raise BackupError(f"the backup's files do not match its manifest: missing {missing[:5]}, not listed {extra[:5]}")
    for name, entry in listed.items():
        path = root / name
        if path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            raise BackupError(f"checksum mismatch: {name} is not the file that was backed up")
