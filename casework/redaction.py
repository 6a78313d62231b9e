"""Personal numbers in free text: mobile numbers (with an optional +86), landlines with an area
code and 18-character ID numbers. Data retention blanks them in old cases; the public Open311 read
hides them in every description it shows."""

from __future__ import annotations

import re

PERSONAL_NUMBER = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])"
    r"|(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])"
    r"|(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"
)
REMOVED = "***"


def redact(text: str) -> str:
    return PERSONAL_NUMBER.sub(REMOVED, text or "")
