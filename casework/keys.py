"""Secret keys handed to programs (API tokens of devices, Open311 clients' api_keys).

The key is shown once, when issued; only its SHA-256 is stored. A key is 160 random bits, so a
fast hash is enough (no password stretching): nobody can search that space, and the lookup on
every request stays one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_BYTES = 20  # 40 hexadecimal characters


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def key_hash(raw: str) -> str:
    return hashlib.sha256((raw or "").encode("utf-8", "surrogatepass")).hexdigest()
