"""Secret keys handed to programs (API tokens of devices, Open311 clients' api_keys).

The key is shown once, when issued; only its SHA-256 is stored. A key is 160 random bits, so a
fast hash is enough (no password stretching): nobody can search that space, and the lookup on
every request stays one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

KEY_BYTES = 20  # 40 hexadecimal characters
# last_used_at is written at most this often, not on every request.
STAMP_EVERY = timedelta(minutes=1)


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def key_hash(raw: str) -> str:
    return hashlib.sha256((raw or "").encode("utf-8", "surrogatepass")).hexdigest()


def stamp_last_used(key, now: datetime) -> None:
    """Record that `key` (a model instance with last_used_at) was used at `now`, at most once per
    STAMP_EVERY, with one UPDATE of that column only."""
    if key.last_used_at is None or now - key.last_used_at >= STAMP_EVERY:
        type(key).objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
