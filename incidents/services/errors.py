"""Errors the case services raise; the API and pages turn them into 409 / form messages."""

from __future__ import annotations


class ActionRefused(Exception):
    """The transition table (or a guard) does not allow this move now: HTTP 409."""

    def __init__(self, message: str, *, code: str = "not_allowed"):
        super().__init__(message)
        self.message = str(message)
        self.code = code
