"""The errors a service raises when it will not do what it was asked.

`Refused` (HTTP 409): the move is not possible now — the transition table, a guard or the
object's state says no. `Forbidden` (HTTP 403): the person may never do this, whatever the
state (a department handler filing a grid report). Bad input is Django's `ValidationError`
(400) and an object outside the person's scope is `Http404`, exactly like a missing one.
`casework.http` maps all four, once, for the API and for pages.
"""

from __future__ import annotations


class Refused(Exception):
    """Not possible now: HTTP 409 with {"detail", "code", **extra}."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "not_allowed", **extra):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.extra = extra


class Forbidden(Refused):
    """Never allowed for this person: HTTP 403."""

    status_code = 403

    def __init__(self, message: str, *, code: str = "forbidden", **extra):
        super().__init__(message, code=code, **extra)
