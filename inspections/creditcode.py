"""The unified social credit code (统一社会信用代码, GB 32100-2015) of an enterprise.

`normalise` makes what people type comparable (full-width → half-width, upper case, no spaces or
dashes). `validate` is the hard check: 18 characters of the standard's alphabet (no I, O, S, V, Z)
and the check character (position 18, weights 3ⁱ mod 31). The embedded organisation code
(positions 9–17, GB 11714, mod 11) is checked too, but only as a *warning*: pilot-period codes
exist that fail it (SAFETY.md §2), so it is returned for the page to show, never refused.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18

# The demo's codes start with "W", a registering-authority character GB 32100 does not assign
# (it assigns 1–9, A, N and Y): a demo code passes every check but can never be a real entity's.
FICTIONAL_AUTHORITY = "W"


def normalise(value) -> str:
    """Half-width, upper case, without spaces, dashes or other separators people type."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_—–·.")


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """GB 11714: C9 = 11 − (Σ Cᵢ·Wᵢ mod 11); 10 → X, 11 → 0; digits are themselves, A–Z 10–35."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def validate(value, *, field: str = "credit_code") -> tuple[str, list[str]]:
    """(the normalised code, warnings) or ValidationError{field: message}."""
    code = normalise(value)
    if not code:
        raise ValidationError({field: _("Enter the unified social credit code.")})
    if len(code) != LENGTH:
        raise ValidationError({field: _("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(code)}})
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        raise ValidationError({field: _("Characters not used in credit codes: %(chars)s (never I, O, S, V or Z).") % {
            "chars": " ".join(bad)}})
    expected = check_character(code[:17])
    if code[17] != expected:
        message = _("The check character (the 18th) should be %(expected)s, not %(given)s: a character was probably mistyped.")
        raise ValidationError({field: message % {"expected": expected, "given": code[17]}})
    warnings = []
    org = org_check_character(code[8:16])
    if code[16] != org:
        warnings.append(_(
            "The embedded organisation code (characters 9–17) does not pass its own check (the 17th should be "
            "%(expected)s); please confirm the code with the licence."
        ) % {"expected": org})
    return code, warnings


def is_fictional(code: str) -> bool:
    return code.startswith(FICTIONAL_AUTHORITY)


def fictional_code(number: int, *, kind: str = "9", division: str = "370211") -> str:
    """A demo code (see FICTIONAL_AUTHORITY) that passes both checks: W + kind + division +
    an 8-digit body from `number` + its organisation check + the check character."""
    body = f"{number:08d}"
    first17 = f"{FICTIONAL_AUTHORITY}{kind}{division}{body}{org_check_character(body)}"
    return first17 + check_character(first17)
